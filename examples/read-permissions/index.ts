import * as pulumi from "@pulumi/pulumi";
import { CheckpointPermissions, getCheckpointPermissionsOutput } from "pulumi-openai-checkpoint-permissions";

const config = new pulumi.Config();
const checkpoints = config.requireObject<string[]>("checkpoints");

// One record per checkpoint: a change made outside Pulumi shows as a diff on the next preview.
const observed = checkpoints.map((checkpoint, i) => new CheckpointPermissions(`checkpoint-${i}`, { checkpoint }));

/** Which projects may use each checkpoint, for other stacks (via a StackReference) and for people. */
export const projectsByCheckpoint = pulumi
    .all(observed.map((o) => pulumi.all([o.checkpoint, o.projectIds])))
    .apply((pairs) => Object.fromEntries(pairs));

/** The newest grant on the first checkpoint, read without recording anything. */
export const newestGrant = getCheckpointPermissionsOutput({ checkpoint: checkpoints[0]! }).apply((result) => result.permissions[0] ?? null);
