/**
 * `CheckpointPermissions`: records a checkpoint's live permissions in state.
 *
 * The listing is read during the program run and recorded as inputs, as text keyed by project, so its values are known
 * during preview (CrossGuard policies can assert on them) and a change made outside Pulumi shows as a diff on the
 * next preview that names the projects added, removed or granted again; `pulumi preview --expect-no-changes` then
 * fails, which is how CI catches drift. `pulumi refresh` re-reads it live.
 *
 * The listing is recorded keyed by project, in the inputs only (the outputs keep its digest); `access`,
 * `permissions`, `projectIds`, `permissionCount` and `revoking` are derived here from the listing the program read,
 * not read back from state.
 */
import * as pulumi from "@pulumi/pulumi";
import { getCheckpointPermissionsOutput, type GetCheckpointPermissionsResult } from "./getCheckpointPermissions";
import { checkpointPermissionsProvider } from "./provider";
import { CheckpointPermissionGrant } from "./checkpointPermissionGrant";
import { encodeAccess } from "../resources/access-text";
import {
    accessByProject,
    summarize,
    type AccessByProject,
    type AccessText,
    type ObservedPermissionsArgs,
    type PermissionRecord,
    type PermissionSummary,
    type ProjectSet,
} from "../resources/types";

export interface CheckpointPermissionsArgs {
    /** The fine-tuned model checkpoint whose permissions to record. */
    checkpoint: pulumi.Input<string>;
}

/** The record's inputs as the program gives them. */
type RecordArgs = { [K in keyof ObservedPermissionsArgs]: pulumi.Input<ObservedPermissionsArgs[K]> };

/** What the program derives from the listing it read and the access recorded. */
interface RecordViews extends PermissionSummary {
    readonly access: AccessText;
    readonly revoking: AccessByProject;
}

/**
 * Each record's `revoking` as the engine hands it back: what the provider's check left out of the access because
 * the `up` revokes it. Kept here, not in a private field: the SDK sets it from the base class's constructor, before
 * the record's own fields exist.
 */
const recordedRevoking = new WeakMap<CheckpointPermissions, pulumi.Output<unknown>>();

export class CheckpointPermissions extends pulumi.dynamic.Resource {
    declare readonly checkpoint: pulumi.Output<string>;
    /** The listing this program run read. */
    readonly #listing: pulumi.Output<GetCheckpointPermissionsResult>;
    #views?: pulumi.Output<RecordViews>;

    /**
     * Grants of this stack in `dependsOn` are waited for, so the record includes the access they give; and when
     * one leaves the program, the record leaves out the access that the same `up` revokes.
     */
    constructor(name: string, args: CheckpointPermissionsArgs, opts?: pulumi.CustomResourceOptions) {
        const listing = getCheckpointPermissionsOutput({ checkpoint: args.checkpoint }, { parent: opts?.parent, dependsOn: opts?.dependsOn });
        // Only what the provider needs: the SDK pays for every property of every resource, in every preview.
        const inputs: RecordArgs & { revoking: undefined } = {
            // From the args, so a listing still unknown (waiting on dependsOn) is a change, not a new checkpoint.
            checkpoint: args.checkpoint,
            access: listing.apply((l) => encodeAccess(accessByProject(l.permissions))),
            ...(opts?.dependsOn === undefined ? {} : { managedProjects: projectsManagedBy(opts.dependsOn, args.checkpoint) }),
            // Not an input (the provider's check works it out): asks the engine for the output.
            revoking: undefined,
        };
        super(checkpointPermissionsProvider, name, inputs, opts, "openai", "CheckpointPermissions");
        this.#listing = listing;
    }

    // The SDK sets an Output on the resource for each property the program sends, from the outputs the engine
    // hands back. The record's outputs keep no access text, and `revoking` there may be the last `up`'s: so the
    // class derives both, and these setters take the SDK's Outputs instead of letting them shadow the getters.

    /** The access recorded, as the preview diffs it: one `project permission` line per project, sorted. */
    get access(): pulumi.Output<AccessText> {
        return this.#recordViews().access;
    }
    set access(_engineOutput: pulumi.Output<unknown>) {
        // The outputs hold only the access's digest.
    }

    /** Every permission, sorted by project id: the listing this program run read. */
    get permissions(): pulumi.Output<PermissionRecord[]> {
        return this.#recordViews().permissions;
    }

    /** The projects with access, sorted and unique. */
    get projectIds(): pulumi.Output<string[]> {
        return this.#recordViews().projectIds;
    }

    get permissionCount(): pulumi.Output<number> {
        return this.#recordViews().permissionCount;
    }

    /**
     * Access that this `up` revokes through grants that left the program (project id to permission id). The
     * listing, read before Pulumi deletes anything, still shows it; the record and the outputs above leave it out.
     */
    get revoking(): pulumi.Output<AccessByProject> {
        return this.#recordViews().revoking;
    }
    set revoking(engineOutput: pulumi.Output<unknown>) {
        recordedRevoking.set(this, engineOutput);
    }

    /**
     * Derived in the program, on first use (a record's views of 10,000 permissions are not free), from the listing
     * it read and the `revoking` the engine hands back: tied to this resource, as its other outputs are, and known
     * during preview, where the engine hands back the checked inputs as the outputs.
     */
    #recordViews(): pulumi.Output<RecordViews> {
        return (this.#views ??= pulumi
            .all([recordedRevoking.get(this) ?? pulumi.output({}), this.#listing])
            .apply(([recorded, l]) => viewsOf(recorded, l.permissions)));
    }
}

/**
 * The listing's views, less the access this `up` revokes: each project's permission in the listing that the
 * provider's check recorded as revoking. What the outputs of the last `up` say it revoked, and the listing no
 * longer shows, is gone: nothing to leave out.
 */
function viewsOf(recorded: unknown, permissions: PermissionRecord[]): RecordViews {
    const revokingRecorded = isAccessByProject(recorded) ? recorded : {};
    const listed = accessByProject(permissions);
    const revoking: AccessByProject = {};
    for (const [projectId, permissionId] of Object.entries(listed)) {
        if (revokingRecorded[projectId] === permissionId) revoking[projectId] = permissionId;
    }
    const kept = permissions.filter((p) => revoking[p.projectId] !== p.id);
    const access: AccessByProject = Object.fromEntries(Object.entries(listed).filter(([projectId]) => !Object.hasOwn(revoking, projectId)));
    return { ...summarize(kept), access: encodeAccess(access), revoking };
}

function isAccessByProject(value: unknown): value is AccessByProject {
    return typeof value === "object" && value !== null && !Array.isArray(value) && Object.values(value).every((id) => typeof id === "string");
}

/** The projects that grants among `dependsOn` give access to on `checkpoint`. */
function projectsManagedBy(dependsOn: NonNullable<pulumi.CustomResourceOptions["dependsOn"]>, checkpoint: pulumi.Input<string>): pulumi.Output<ProjectSet> {
    return pulumi.all([grantedAccess(dependsOn), checkpoint]).apply(([granted, recorded]) => {
        const managed: ProjectSet = {};
        for (const [grantCheckpoint, projectId] of granted) if (grantCheckpoint === recorded) managed[projectId] = true;
        return managed;
    });
}

/**
 * `[checkpoint, projectId]` of each grant in a `dependsOn` option, however it is given (a resource, an array,
 * Inputs of either). Unwrapped by hand: `pulumi.output()` would turn a resource into a plain object.
 */
function grantedAccess(dependsOn: unknown): pulumi.Output<Array<[string, string]>> {
    if (dependsOn instanceof CheckpointPermissionGrant) return pulumi.all([dependsOn.checkpoint, dependsOn.projectId]).apply((pair) => [pair]);
    if (Array.isArray(dependsOn)) return pulumi.all(dependsOn.map(grantedAccess)).apply((lists) => lists.flat());
    if (pulumi.Output.isInstance<unknown>(dependsOn)) return dependsOn.apply(grantedAccess);
    if (dependsOn instanceof Promise) return pulumi.output(dependsOn.then(grantedAccess));
    return pulumi.output([]);
}
