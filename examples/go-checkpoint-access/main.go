// Checkpoint access from Go, on the native provider plugin (package openai-checkpoints): the stack of
// examples/yaml-checkpoint-access (a real invoke, a grant, the record, a second organization through an explicit
// provider), without its imported grant.
package main

import (
	"github.com/pulumi-openai-checkpoint-permissions/pulumi-openai-checkpoints/sdk/go/openaicheckpoints"
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

		// The default provider: stack config openai-checkpoints:adminKey / baseUrl, else OPENAI_ADMIN_KEY /
		// OPENAI_BASE_URL.
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

		// An explicit provider: another organization, with its own key.
		partner, err := openaicheckpoints.NewProvider(ctx, "partner", &openaicheckpoints.ProviderArgs{
			AdminKey: cfg.RequireSecret("partnerAdminKey"),
			BaseUrl:  pulumi.String(cfg.Require("partnerBaseUrl")),
		})
		if err != nil {
			return err
		}
		partnerCheckpoint := cfg.Require("partnerCheckpoint")

		// The same invoke through the explicit provider: the other organization's checkpoint, with its key.
		partnerBefore := openaicheckpoints.LookupCheckpointPermissionsOutput(ctx, openaicheckpoints.LookupCheckpointPermissionsOutputArgs{
			Checkpoint: pulumi.String(partnerCheckpoint),
		}, pulumi.Provider(partner))
		partnerGrant, err := openaicheckpoints.NewCheckpointPermissionGrant(ctx, "partnerAccess", &openaicheckpoints.CheckpointPermissionGrantArgs{
			Checkpoint: pulumi.String(partnerCheckpoint),
			ProjectId:  pulumi.String(cfg.Require("partnerProjectId")),
		}, pulumi.Provider(partner))
		if err != nil {
			return err
		}

		ctx.Export("projectsBefore", before.ProjectIds())
		ctx.Export("partnerProjectsBefore", partnerBefore.ProjectIds())
		ctx.Export("evalPermissionId", grant.PermissionId)
		ctx.Export("recordedAccess", access.Access)
		ctx.Export("managedProjects", access.ManagedProjects)
		ctx.Export("partnerPermissionId", partnerGrant.PermissionId)
		return nil
	})
}
