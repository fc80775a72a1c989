// Checkpoint access from Go, on the native provider plugin (package openai-checkpoints).
package main

import (
	"github.com/pulumi-openai-checkpoint-permissions/sdk/go/openaicheckpoints"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		cfg := config.New(ctx, "")
		checkpoint := cfg.Require("checkpoint")
		projectID := cfg.Require("projectId")

		// A real invoke: read before anything is granted, during preview too.
		before := openaicheckpoints.LookupCheckpointPermissionsOutput(ctx, openaicheckpoints.LookupCheckpointPermissionsOutputArgs{
			Checkpoint: pulumi.String(checkpoint),
		})

		grant, err := openaicheckpoints.NewCheckpointPermissionGrant(ctx, "evalAccess", &openaicheckpoints.CheckpointPermissionGrantArgs{
			Checkpoint: pulumi.String(checkpoint),
			ProjectId:  pulumi.String(projectID),
		})
		if err != nil {
			return err
		}

		// The checkpoint's access after the grant, keyed by project: drift shows as a diff naming the project.
		access, err := openaicheckpoints.NewCheckpointPermissions(ctx, "access", &openaicheckpoints.CheckpointPermissionsArgs{
			Checkpoint:      pulumi.String(checkpoint),
			ManagedProjects: pulumi.StringArray{grant.ProjectId},
		}, pulumi.DependsOn([]pulumi.Resource{grant}))
		if err != nil {
			return err
		}

		ctx.Export("projectsBefore", before.ProjectIds())
		ctx.Export("evalPermissionId", grant.PermissionId)
		ctx.Export("recordedAccess", access.Access)
		return nil
	})
}
