/**
 * `CheckpointPermissions`: records a checkpoint's live permissions in state.
 *
 * The listing is read during the program run and recorded as inputs, as text keyed by project, so its values are known
 * during preview (CrossGuard policies can assert on them) and a change made outside Pulumi shows as a diff on the
 * next preview that names the projects added, removed or granted again; `pulumi preview --expect-no-changes` then
 * fails, which is how CI catches drift. `pulumi refresh` re-reads it live.
 *
 * The listing is recorded keyed by project; `permissions`, `projectIds` and `permissionCount` are derived here from
 * the listing the program read, not stored.
 */
import * as pulumi from "@pulumi/pulumi";
import { getCheckpointPermissionsOutput } from "./getCheckpointPermissions";
import { checkpointPermissionsProvider } from "./provider";
import { CheckpointPermissionGrant } from "./checkpointPermissionGrant";
import { encodeAccess } from "../resources/access-text";
import {
    accessByProject,
    summarize,
    type AccessByProject,
    type ObservedPermissionsArgs,
    type PermissionRecord,
    type PermissionSummary,
    type ProjectSet,
} from "../resources/types";

export interface CheckpointPermissionsArgs {
    /** The fine-tuned model checkpoint whose permissions to record. */
    checkpoint: pulumi.Input<string>;
}

/** The record's inputs as the program gives them, and `revoking`, which the provider fills in. */
type RecordArgs = { [K in keyof ObservedPermissionsArgs]: pulumi.Input<ObservedPermissionsArgs[K]> } & { revoking: undefined };

export class CheckpointPermissions extends pulumi.dynamic.Resource {
    /** Always `CheckpointPermissions`; tells the shared provider which resource it handles. */
    declare readonly kind: pulumi.Output<"CheckpointPermissions">;
    declare readonly checkpoint: pulumi.Output<string>;
    /** Every permission, sorted by project id: the listing this program run read. */
    declare readonly permissions: pulumi.Output<PermissionRecord[]>;
    /** The projects with access, sorted and unique. */
    declare readonly projectIds: pulumi.Output<string[]>;
    declare readonly permissionCount: pulumi.Output<number>;
    /**
     * Access that this `up` revokes through grants that left the program (project id to permission id). The
     * listing, read before Pulumi deletes anything, still shows it; the record and the outputs above leave it out.
     */
    declare readonly revoking: pulumi.Output<AccessByProject>;

    /**
     * Grants of this stack in `dependsOn` are waited for, so the record includes the access they give; and when
     * one leaves the program, the record leaves out the access that the same `up` revokes.
     */
    constructor(name: string, args: CheckpointPermissionsArgs, opts?: pulumi.CustomResourceOptions) {
        const listing = getCheckpointPermissionsOutput({ checkpoint: args.checkpoint }, { parent: opts?.parent, dependsOn: opts?.dependsOn });
        const inputs: RecordArgs = {
            kind: "CheckpointPermissions",
            // From the args, so a listing still unknown (waiting on dependsOn) is a change, not a new checkpoint.
            checkpoint: args.checkpoint,
            access: listing.apply((l) => encodeAccess(accessByProject(l.permissions))),
            managedProjects: projectsManagedBy(opts?.dependsOn, args.checkpoint),
            revoking: undefined,
        };
        super(checkpointPermissionsProvider, name, inputs, opts, "openai", "CheckpointPermissions");
        // Derived in the program from the listing it read, less what this `up` revokes: tied to this resource (as
        // its other outputs are) and known during preview, where the engine hands back the inputs as the outputs.
        const summary: pulumi.Output<PermissionSummary> = pulumi
            .all([this.revoking, listing])
            .apply(([revoking, l]) => summarize(l.permissions.filter((p) => revoking?.[p.projectId] !== p.id)));
        this.permissions = summary.permissions;
        this.projectIds = summary.projectIds;
        this.permissionCount = summary.permissionCount;
    }
}

/** The projects that grants among `dependsOn` give access to on `checkpoint`. */
function projectsManagedBy(dependsOn: unknown, checkpoint: pulumi.Input<string>): pulumi.Output<ProjectSet> {
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
