"""Checkpoint access from Python, on the native provider plugin (package ``openai-checkpoints``): the stack of
examples/yaml-checkpoint-access (a real invoke, a grant, the record, a second organization through an explicit
provider), without its imported grant."""
import pulumi
import pulumi_openai_checkpoints as openai_checkpoints

config = pulumi.Config()
checkpoint = config.require("checkpoint")
project_id = config.require("projectId")

# A real invoke: read before anything is granted, during preview too.
before = openai_checkpoints.get_checkpoint_permissions_output(checkpoint=checkpoint)

# The default provider: stack config openai-checkpoints:adminKey / baseUrl, else OPENAI_ADMIN_KEY / OPENAI_BASE_URL.
grant = openai_checkpoints.CheckpointPermissionGrant("evalAccess", checkpoint=checkpoint, project_id=project_id)

# The checkpoint's access after the grant, keyed by project: drift shows as a diff naming the project.
access = openai_checkpoints.CheckpointPermissions(
    "access",
    checkpoint=checkpoint,
    managed_projects=[grant.project_id],
    opts=pulumi.ResourceOptions(depends_on=[grant]),
)

# An explicit provider: another organization, with its own key.
partner = openai_checkpoints.Provider(
    "partner",
    admin_key=config.require_secret("partnerAdminKey"),
    base_url=config.require("partnerBaseUrl"),
)
partner_checkpoint = config.require("partnerCheckpoint")

# The same invoke through the explicit provider: the other organization's checkpoint, with its key.
partner_before = openai_checkpoints.get_checkpoint_permissions_output(
    checkpoint=partner_checkpoint, opts=pulumi.InvokeOptions(provider=partner)
)
partner_grant = openai_checkpoints.CheckpointPermissionGrant(
    "partnerAccess",
    checkpoint=partner_checkpoint,
    project_id=config.require("partnerProjectId"),
    opts=pulumi.ResourceOptions(provider=partner),
)

pulumi.export("projectsBefore", before.project_ids)
pulumi.export("partnerProjectsBefore", partner_before.project_ids)
pulumi.export("evalPermissionId", grant.permission_id)
pulumi.export("recordedAccess", access.access)
pulumi.export("managedProjects", access.managed_projects)
pulumi.export("partnerPermissionId", partner_grant.permission_id)
