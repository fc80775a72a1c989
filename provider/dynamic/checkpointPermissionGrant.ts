/**
 * `CheckpointPermissionGrant`: one project's access to one checkpoint, managed by Pulumi.
 *
 * Create grants access (or adopts access that already exists); delete revokes it (already revoked counts
 * as done); refresh drops a grant revoked outside Pulumi; a new checkpoint or project replaces it. To keep
 * access when the resource is removed from the program, use the `retainOnDelete` resource option.
 */
import * as pulumi from "@pulumi/pulumi";
import { checkpointPermissionGrantProvider } from "./provider";

export interface CheckpointPermissionGrantArgs {
    /** The fine-tuned model checkpoint to share. */
    checkpoint: pulumi.Input<string>;
    /** The project to grant access to, `proj_…`. */
    projectId: pulumi.Input<string>;
}

export class CheckpointPermissionGrant extends pulumi.dynamic.Resource {
    declare readonly checkpoint: pulumi.Output<string>;
    declare readonly projectId: pulumi.Output<string>;
    /** When access was granted, in Unix seconds. */
    declare readonly createdAt: pulumi.Output<number>;
    /** True when the project already had access and the existing permission was adopted. */
    declare readonly adopted: pulumi.Output<boolean>;

    constructor(name: string, args: CheckpointPermissionGrantArgs, opts?: pulumi.CustomResourceOptions) {
        super(
            checkpointPermissionGrantProvider,
            name,
            {
                checkpoint: args.checkpoint,
                projectId: args.projectId,
                // Outputs the provider fills in; listed so the SDK creates an Output for each. Not `permissionId`:
                // it is the id (below), and the SDK pays for every property of every resource, in every preview.
                createdAt: undefined,
                adopted: undefined,
            },
            opts,
            "openai",
            "CheckpointPermissionGrant",
        );
    }

    /** The permission's id in OpenAI, `cp_…`: this resource's id. */
    get permissionId(): pulumi.Output<string> {
        return this.id;
    }
}
