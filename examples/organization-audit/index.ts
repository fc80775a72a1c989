/**
 * The whole organization in one stack: every checkpoint it shares, found from its audit log (and `include`), is
 * recorded with who granted each access. A checkpoint first shared tomorrow appears in the next preview as a new
 * record, naming the project and who shared it, and the policy pack checks it like the others. Run it nightly in CI
 * with `pulumi preview --expect-no-changes` under the pack (README: "Audit the whole organization").
 */
import * as pulumi from "@pulumi/pulumi";
import { CheckpointPermissions, getSharedCheckpoints } from "pulumi-openai-checkpoint-permissions";

const include = new pulumi.Config().getObject<string[]>("include") ?? [];

/** Each shared checkpoint and the projects that may use it. */
export const sharedCheckpoints = getSharedCheckpoints({ include }).then(({ checkpointIds }) =>
    pulumi
        .all(checkpointIds.map((checkpoint) => pulumi.all([checkpoint, new CheckpointPermissions(shortName(checkpoint), { checkpoint, attribution: true }).projectIds])))
        .apply((pairs) => Object.fromEntries(pairs)),
);

/** A resource name for a checkpoint id: the id itself, readable, without the `::` a URN cannot hold. */
function shortName(checkpoint: string): string {
    return checkpoint.replace(/^ft:/, "").replace(/:/g, "-");
}
