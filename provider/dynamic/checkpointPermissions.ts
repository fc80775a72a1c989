/**
 * `CheckpointPermissions`: records a checkpoint's live permissions in state.
 *
 * The listing is read during the program run and passed as inputs, so its values are known during
 * preview (CrossGuard policies can assert on them) and a change made outside Pulumi shows as a diff on
 * the next preview, naming the projects added and removed; `pulumi preview --expect-no-changes` then
 * fails, which is how CI catches drift. `pulumi refresh` re-reads it live.
 */
import * as pulumi from "@pulumi/pulumi";
import { getCheckpointPermissionsOutput } from "./getCheckpointPermissions";
import { checkpointPermissionsProvider } from "./provider";
import { summarize, type PermissionRecord } from "../resources/types";

export interface CheckpointPermissionsArgs {
    /** The fine-tuned model checkpoint whose permissions to record. */
    checkpoint: pulumi.Input<string>;
}

export class CheckpointPermissions extends pulumi.dynamic.Resource {
    /** Always `CheckpointPermissions`; tells the shared provider which resource it handles. */
    declare readonly kind: pulumi.Output<"CheckpointPermissions">;
    declare readonly checkpoint: pulumi.Output<string>;
    /** Every permission, sorted by project id. */
    declare readonly permissions: pulumi.Output<PermissionRecord[]>;
    /** The projects with access, sorted and unique. */
    declare readonly projectIds: pulumi.Output<string[]>;
    declare readonly permissionCount: pulumi.Output<number>;

    constructor(name: string, args: CheckpointPermissionsArgs, opts?: pulumi.CustomResourceOptions) {
        const listing = getCheckpointPermissionsOutput(
            { checkpoint: args.checkpoint },
            { parent: opts?.parent, dependsOn: opts?.dependsOn },
        );
        const recorded = listing.apply((l) => summarize(l.permissions));
        super(
            checkpointPermissionsProvider,
            name,
            {
                kind: "CheckpointPermissions",
                // From the args, so a listing still unknown (waiting on dependsOn) is a change, not a new checkpoint.
                checkpoint: args.checkpoint,
                permissions: recorded.permissions,
                projectIds: recorded.projectIds,
                permissionCount: recorded.permissionCount,
            },
            opts,
            "openai",
            "CheckpointPermissions",
        );
    }
}
