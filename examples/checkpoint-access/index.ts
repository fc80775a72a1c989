/**
 * The stack a platform team runs: it records who may use each fine-tuned checkpoint (so a preview shows
 * access changed outside Pulumi, and CrossGuard policies can check it) and manages the grants listed in
 * config. With no `grants` it only reads. With `attribution: true` each record also names who granted each access.
 */
import * as pulumi from "@pulumi/pulumi";
import { CheckpointPermissionGrant, CheckpointPermissions } from "pulumi-openai-checkpoint-permissions";

const config = new pulumi.Config();
const checkpoints = config.requireObject<string[]>("checkpoints");
const grants = config.getObject<Record<string, string[]>>("grants") ?? {};
const attribution = config.getBoolean("attribution") ?? false;

const grantsByCheckpoint = new Map(
    Object.entries(grants).map(([checkpoint, projects]) => [
        checkpoint,
        projects.map((projectId) => new CheckpointPermissionGrant(`${shortName(checkpoint)}-${projectId}`, { checkpoint, projectId })),
    ]),
);
const managed = [...grantsByCheckpoint.values()].flat();

// Each record waits for the grants on its checkpoint, so what it records includes them.
const observed = checkpoints.map(
    (checkpoint) => new CheckpointPermissions(shortName(checkpoint), { checkpoint, attribution }, { dependsOn: grantsByCheckpoint.get(checkpoint) ?? [] }),
);

/** Which projects may use each checkpoint. */
export const projectsByCheckpoint = pulumi
    .all(observed.map((o) => pulumi.all([o.checkpoint, o.projectIds])))
    .apply((pairs) => Object.fromEntries(pairs));

/** The permission id of each grant Pulumi manages. */
export const managedGrants = pulumi
    .all(managed.map((g) => pulumi.all([g.checkpoint, g.projectId, g.permissionId])))
    .apply((rows) => rows.map(([checkpoint, projectId, permissionId]) => ({ checkpoint, projectId, permissionId })));

/** A resource name for a checkpoint id: the id itself, readable, without the `::` a URN cannot hold. */
function shortName(checkpoint: string): string {
    return checkpoint.replace(/^ft:/, "").replace(/:/g, "-");
}
