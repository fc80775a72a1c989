import * as pulumi from "@pulumi/pulumi";
import { CheckpointPermissionGrant } from "pulumi-openai-checkpoint-permissions";

const config = new pulumi.Config();
const checkpoint = config.require("checkpoint");
const projects = config.requireObject<string[]>("projects");

// One resource per project: removing a project from the list revokes its access on the next `pulumi up`.
const grants = projects.map((projectId) => new CheckpointPermissionGrant(projectId, { checkpoint, projectId }));

/** Each project's permission id in OpenAI. */
export const permissionIds = pulumi.all(grants.map((g) => pulumi.all([g.projectId, g.permissionId]))).apply((pairs) => Object.fromEntries(pairs));
/** Projects that already had access when Pulumi started managing it. */
export const adoptedProjects = pulumi
    .all(grants.map((g) => pulumi.all([g.projectId, g.adopted])))
    .apply((pairs) => pairs.filter(([, adopted]) => adopted).map(([projectId]) => projectId));
