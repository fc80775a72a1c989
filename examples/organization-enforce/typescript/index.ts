/**
 * The organization's access as it should be: for each checkpoint in the stack's `checkpoints` config, the projects
 * that may use it, and no others. `pulumi preview` names each project `up` would grant and each it would revoke,
 * with who granted it; `pulumi up` puts it right. Destroying the stack revokes nothing (README: "Enforce access").
 */
import * as pulumi from "@pulumi/pulumi";
import { CheckpointAccess } from "pulumi-openai-checkpoint-permissions";

/** By a short name that stays the resource's name: the checkpoint and the projects that may use it. */
const checkpoints = new pulumi.Config().requireObject<Record<string, { checkpoint: string; projectIds: string[] }>>("checkpoints");

const access = Object.entries(checkpoints).map(
    ([name, { checkpoint, projectIds }]) => new CheckpointAccess(name, { checkpoint, projectIds, attribution: true }),
);

/** Each checkpoint and the projects that may use it, as `up` left them. */
export const projects = pulumi.all(access.map((a) => pulumi.all([a.checkpoint, a.projectIds]))).apply(Object.fromEntries);
