/**
 * The whole organization in one stack: every checkpoint it shares, found from its audit log (and `include`), is
 * recorded with who granted each access. A checkpoint first shared tomorrow appears in the next preview as a new
 * record, naming the project and who shared it, and the policy pack checks it like the others. Run it nightly in CI
 * with `pulumi preview --expect-no-changes` under the pack (README: "Audit the whole organization").
 */
import * as pulumi from "@pulumi/pulumi";
import { SharedCheckpointRecords } from "pulumi-openai-checkpoint-permissions";

const include = new pulumi.Config().getObject<string[]>("include") ?? [];

const organization = new SharedCheckpointRecords("acme", { include, attribution: true });

/** Each shared checkpoint and the projects that may use it. */
export const sharedCheckpoints = organization.checkpoints.apply((checkpoints) => Object.fromEntries(checkpoints.map((c) => [c.checkpoint, c.projectIds])));
export const auditLogging = organization.auditLogging;
