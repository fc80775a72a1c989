/**
 * `SharedCheckpointRecords`: the whole organization in a stack. It finds every checkpoint the organization shares
 * (`getSharedCheckpoints`) and records each one as a `CheckpointPermissions` child, so the policy pack and the
 * preview's diffs cover them all: a checkpoint first shared tomorrow is a new record in the next preview.
 *
 * Written once for both surfaces. A surface says how it reads the organization and how it records one checkpoint:
 * the TypeScript class (../dynamic) with the dynamic record, the plugin's `construct` with the plugin's record, so
 * YAML, Python and Go programs get the same component.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import type { GetSharedCheckpointsResult, SharedCheckpoint } from "../resources/discovery";
import { sharedCheckpointRecordsType } from "../resources/tokens";

/** The component's arguments. */
export interface SharedCheckpointRecordsArgs {
    /** Checkpoints to record besides those the audit log names, e.g. ones shared before audit logging began. */
    include?: pulumi.Input<pulumi.Input<string>[]>;
    /** Record who granted each project's access (each record's `attribution`). */
    attribution?: pulumi.Input<boolean>;
}

/** How a surface reads the organization and records one checkpoint. */
export interface RecordingSurface {
    /** The organization's shared checkpoints; warnings go to the engine's log, on `parent`. */
    discover(include: string[], parent: pulumi.Resource): Promise<GetSharedCheckpointsResult>;
    /** Registers the record of one checkpoint. */
    record(name: string, args: { checkpoint: string; attribution: boolean }, opts: pulumi.CustomResourceOptions): pulumi.CustomResource;
}

export class SharedCheckpointRecordsComponent extends pulumi.ComponentResource {
    /** The checkpoints recorded, sorted: every one with at least one permission at the time of the read. */
    readonly checkpointIds: pulumi.Output<string[]>;
    /** The same, each with its projects and how many permissions it has. */
    readonly checkpoints: pulumi.Output<SharedCheckpoint[]>;
    /** False when the organization's audit logging is off: then only `include` was recorded. */
    readonly auditLogging: pulumi.Output<boolean>;

    /**
     * The read runs during preview too, so the preview shows every record. While `include` or `attribution` is
     * unknown (in a preview, from another resource's output), nothing can be read, and no record is shown.
     */
    constructor(surface: RecordingSurface, name: string, args: SharedCheckpointRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
        super(sharedCheckpointRecordsType, name, args, opts);
        const found = pulumi.all([args.include ?? [], args.attribution ?? false]).apply(async ([include, attribution]) => {
            const result = await surface.discover(include, this);
            // Registered before the outputs resolve: a plugin's construct answers once they have, and the
            // engine must have seen every record by then.
            for (const [checkpoint, recordName] of recordNames(name, result.checkpointIds)) {
                surface.record(recordName, { checkpoint, attribution }, { parent: this });
            }
            return result;
        });
        this.checkpointIds = found.checkpointIds;
        this.checkpoints = found.checkpoints;
        this.auditLogging = found.auditLogging;
        this.registerOutputs({ checkpointIds: this.checkpointIds, checkpoints: this.checkpoints, auditLogging: this.auditLogging });
    }
}

/**
 * Each checkpoint's record name: the component's name and the checkpoint id, readable, without the `::` a URN
 * cannot hold. Two ids that would read the same both get a digest of their own id, so no name depends on which
 * other checkpoints are shared.
 */
export function recordNames(component: string, checkpoints: readonly string[]): Map<string, string> {
    const readable = (checkpoint: string) => `${component}-${checkpoint.replace(/^ft:/, "").replace(/:/g, "-")}`;
    const uses = new Map<string, number>();
    for (const checkpoint of checkpoints) uses.set(readable(checkpoint), (uses.get(readable(checkpoint)) ?? 0) + 1);
    return new Map(
        checkpoints.map((checkpoint) => {
            const name = readable(checkpoint);
            return [checkpoint, uses.get(name)! > 1 ? `${name}-${createHash("sha256").update(checkpoint).digest("hex").slice(0, 8)}` : name];
        }),
    );
}
