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
    /**
     * The organization's shared checkpoints; warnings go to the engine's log, on `parent`. With `attribution`, the
     * records will attribute: the read keeps the audit log's events for them.
     */
    discover(include: string[], parent: pulumi.Resource, attribution: boolean): Promise<GetSharedCheckpointsResult>;
    /** Registers the record of one checkpoint (`attribution` not known yet in a preview where the component's is not). */
    record(name: string, args: { checkpoint: string; attribution: pulumi.Input<boolean> }, opts: pulumi.CustomResourceOptions): pulumi.CustomResource;
}

export class SharedCheckpointRecordsComponent extends pulumi.ComponentResource {
    /** The checkpoints recorded, sorted: every one with at least one permission at the time of the read. */
    readonly checkpointIds: pulumi.Output<string[]>;
    /** The same, each with its projects and how many permissions it has. */
    readonly checkpoints: pulumi.Output<SharedCheckpoint[]>;
    /** False when the organization's audit logging is off: then only `include` was recorded. */
    readonly auditLogging: pulumi.Output<boolean>;

    /**
     * The read runs during preview too, so the preview shows every record. While `include` is unknown (in a preview,
     * from another resource's output), the checkpoints are those the audit log names and those the last `up`
     * recorded, so the preview plans no delete that the `up` will not make; the outputs are unknown until the `up`.
     */
    constructor(surface: RecordingSurface, name: string, args: SharedCheckpointRecordsArgs, opts?: pulumi.ComponentResourceOptions) {
        // No inputs for the engine to diff: the component is then the same resource from run to run, and the engine
        // keeps its last outputs until this run registers new ones, for a preview whose `include` is unknown.
        super(sharedCheckpointRecordsType, name, {}, opts);
        const include = pulumi.output(args.include ?? []);
        const attribution = pulumi.output(args.attribution ?? false);
        const found = pulumi.output(Promise.all([settled(include), settled(attribution)])).apply(async ([checkpoints, attributed]) => {
            const result = await surface.discover(checkpoints.known ? checkpoints.value : await lastRecorded(this), this, attributed.known && attributed.value);
            // Registered before the outputs resolve: a plugin's construct answers once they have, and the engine must
            // have seen every record by then. While `attribution` is unknown, so are the records' access texts: each
            // is an update that may change, never a record planned for deletion.
            for (const [checkpoint, recordName] of recordNames(name, result.checkpointIds)) {
                surface.record(recordName, { checkpoint, attribution: attributed.known ? attributed.value : attribution }, { parent: this });
            }
            return result;
        });
        // Unknown while the inputs are: an `up` may find other checkpoints.
        const outputs = pulumi.all([include, attribution, found]).apply(([, , result]) => result);
        this.checkpointIds = outputs.checkpointIds;
        this.checkpoints = outputs.checkpoints;
        this.auditLogging = outputs.auditLogging;
        this.registerOutputs({ checkpointIds: this.checkpointIds, checkpoints: this.checkpoints, auditLogging: this.auditLogging });
    }
}

/** An Output's value, or that it is not known (a preview's value that waits on another resource). */
type Settled<T> = { readonly known: true; readonly value: T } | { readonly known: false };

/**
 * Whether an Output is known, and its value if so. `apply` skips its callback for an unknown value, which here must
 * choose what to read instead; every Output of the SDK carries the promise of whether it is known.
 */
async function settled<T>(output: pulumi.Output<T>): Promise<Settled<T>> {
    const { isKnown } = output as unknown as { isKnown?: Promise<boolean> };
    if (isKnown !== undefined && !(await isKnown)) return { known: false };
    return { known: true, value: await knownValue(output) };
}

/** The value of an Output that is known (for one that is not, `apply` never runs: never call it so). */
function knownValue<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => void output.apply((value) => resolve(value)));
}

/**
 * The checkpoints the component recorded at the last `up`: its outputs as the engine still holds them in this run
 * (the builtin `pulumi:pulumi:getResource`, by which SDKs read a registered resource). None on the first run.
 */
async function lastRecorded(component: pulumi.ComponentResource): Promise<string[]> {
    const urn = await knownValue(component.urn);
    const found: unknown = await pulumi.runtime.invoke("pulumi:pulumi:getResource", { urn }).catch((error: unknown) => {
        // Said, not thrown: the preview still shows what the audit log names; only the last up's others may look deleted.
        void pulumi.log.warn(`Cannot read the checkpoints the last up recorded (${String(error)}): this preview shows the records of those the audit log names only.`, component);
        return undefined;
    });
    const ids = (found as { state?: { checkpointIds?: unknown } } | undefined)?.state?.checkpointIds;
    return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === "string") : [];
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
