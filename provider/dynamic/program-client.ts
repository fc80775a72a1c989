/**
 * The program's client: the reads a TypeScript program makes (`getCheckpointPermissions`, `getSharedCheckpoints`)
 * share one per run (./program-run.ts), made from the stack's config (else the environment), its messages going to
 * the engine's log. A new run makes a new client, so nothing it learnt (the audit log's events, say) outlives the run.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { CheckpointPermissionsClient } from "../client";
import { clientOptions } from "../resources/settings";
import { perProgramRun } from "./program-run";

/** This run's client, rebuilt if the config it was made from changes (compared by a hash: the key is not kept in clear). */
const programClient = perProgramRun((): { current?: { fingerprint: string; client: CheckpointPermissionsClient } } => ({}));

/** The client of this program run; throws the missing-key error when there is no key anywhere. */
export function clientForProgram(): CheckpointPermissionsClient {
    const options = clientOptions((key) => pulumi.runtime.getConfig(key));
    const fingerprint = createHash("sha256").update(JSON.stringify([options.baseUrl ?? null, options.adminKey ?? null])).digest("hex");
    const run = programClient();
    if (run.current?.fingerprint !== fingerprint) {
        run.current = {
            fingerprint,
            client: new CheckpointPermissionsClient({ ...options, logger: { debug: (m) => void pulumi.log.debug(m), warn: (m) => void pulumi.log.warn(m) } }),
        };
    }
    return run.current.client;
}
