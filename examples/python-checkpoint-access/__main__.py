"""Checkpoint access from Python, on the native provider plugin (package ``openai-checkpoints``)."""
import pulumi
import pulumi_openai_checkpoints as openai_checkpoints

config = pulumi.Config()
checkpoint = config.require("checkpoint")
project_id = config.require("projectId")

# A real invoke: read before anything is granted, during preview too.
before = openai_checkpoints.get_checkpoint_permissions_output(checkpoint=checkpoint)

grant = openai_checkpoints.CheckpointPermissionGrant("evalAccess", checkpoint=checkpoint, project_id=project_id)

# The checkpoint's access after the grant, keyed by project: drift shows as a diff naming the project.
access = openai_checkpoints.CheckpointPermissions(
    "access",
    checkpoint=checkpoint,
    managed_projects=[grant.project_id],
    opts=pulumi.ResourceOptions(depends_on=[grant]),
)

pulumi.export("projectsBefore", before.project_ids)
pulumi.export("evalPermissionId", grant.permission_id)
pulumi.export("recordedAccess", access.access)
