/**
 * The program's client: the reads a TypeScript program makes (`getCheckpointPermissions`, `getSharedCheckpoints`)
 * share one, made from the stack's config (else the environment), its messages going to the engine's log.
 */
import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { CheckpointPermissionsClient } from "../client";
import { clientOptions } from "../resources/settings";

/** Rebuilt only when the stack config changes (compared by a hash: the key is not kept in clear). */
let programClient: { fingerprint: string; client: CheckpointPermissionsClient } | undefined;

/** The client of this program run; throws the missing-key error when there is no key anywhere. */
export function clientForProgram(): CheckpointPermissionsClient {
    const options = clientOptions((key) => pulumi.runtime.getConfig(key));
    const fingerprint = createHash("sha256").update(JSON.stringify([options.baseUrl ?? null, options.adminKey ?? null])).digest("hex");
    if (programClient?.fingerprint !== fingerprint) {
        programClient = {
            fingerprint,
            client: new CheckpointPermissionsClient({ ...options, logger: { debug: (m) => void pulumi.log.debug(m), warn: (m) => void pulumi.log.warn(m) } }),
        };
    }
    return programClient.client;
}

/**
 * Forgets the program's client.
 * @internal For tests.
 */
export function forgetProgramClient(): void {
    programClient = undefined;
}
