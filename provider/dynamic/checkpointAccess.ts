/**
 * `CheckpointAccess`: one checkpoint and the complete set of projects that may use it, managed by Pulumi. Create
 * and update grant the missing projects and revoke every other project's access; a preview reads the live access
 * and shows the plan (`plan`), naming each project gained and lost. Delete revokes nothing unless
 * `revokeOnDelete`. Refresh reads the live set. The operations are the plugin's too (../resources/access.ts).
 *
 * Do not manage one checkpoint with this and with `CheckpointPermissionGrant`s (or two of these): they would fight.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkpointAccessProvider } from "./provider";

export interface CheckpointAccessArgs {
    /** The fine-tuned model checkpoint. */
    checkpoint: pulumi.Input<string>;
    /** Every project that may use it, in any order, each once. `[]` revokes every project's access. */
    projectIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Name who granted each access that `up` revokes (`- proj_… cp_… by mallory@acme.com (dashboard)`). */
    attribution?: pulumi.Input<boolean>;
    /** Revoke the set's access when the resource is deleted; by default the access stays as it is. */
    revokeOnDelete?: pulumi.Input<boolean>;
}

export class CheckpointAccess extends pulumi.dynamic.Resource {
    declare readonly checkpoint: pulumi.Output<string>;
    /** The projects that may use the checkpoint, sorted. */
    declare readonly projectIds: pulumi.Output<string[]>;
    /**
     * What `up` does, read live by the preview: `+ proj_…` for each grant and `- proj_… cp_…` (with attribution,
     * ` by ` and who granted it) for each revoke, sorted by project; empty once done.
     */
    declare readonly plan: pulumi.Output<string>;
    /** Each project with access and its permission, one `proj_… cp_…` line per project, sorted. */
    declare readonly access: pulumi.Output<string>;

    constructor(name: string, args: CheckpointAccessArgs, opts?: pulumi.CustomResourceOptions) {
        // Absent for no: the SDK pays for every property of every resource, in every preview.
        const flags = {
            ...(args.attribution === undefined || args.attribution === false ? {} : { attribution: args.attribution }),
            ...(args.revokeOnDelete === undefined || args.revokeOnDelete === false ? {} : { revokeOnDelete: args.revokeOnDelete }),
        };
        // `plan` and `access` are the provider's: listed so the SDK creates an Output for each.
        super(checkpointAccessProvider, name, { checkpoint: args.checkpoint, projectIds: args.projectIds, ...flags, plan: undefined, access: undefined }, opts, "openai", "CheckpointAccess");
    }
}
