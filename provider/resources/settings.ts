/**
 * Where the admin key and base URL come from, on every surface: the surface's configuration, else the environment
 * (`OPENAI_ADMIN_KEY`, `OPENAI_BASE_URL`, which the client reads: ../client/core.ts), as every Pulumi provider reads
 * its configuration.
 *
 * - The dynamic provider and `getCheckpointPermissions` read stack config `openai:adminKey` (a secret) and
 *   `openai:baseUrl`.
 * - The plugin reads its provider's `adminKey` and `baseUrl`: stack config `openai-checkpoints:adminKey` and
 *   `openai-checkpoints:baseUrl` for the default provider, the arguments of an explicit provider otherwise.
 *
 * The client is made on first use, so a provider that never calls the API needs no key, and a preview that only
 * checks and diffs never loads the HTTP client's modules (a tenth of a second). The key lives only in the process's
 * memory; it is never returned, logged or written to state.
 *
 * This module imports nothing from @pulumi/pulumi, and the client only when it is first used.
 */
import type { CheckpointPermissionsClient, ClientLogger, ClientOptions } from "../client";
import type { ClientSource } from "./operations";

export const ADMIN_KEY_CONFIG = "openai:adminKey";
export const BASE_URL_CONFIG = "openai:baseUrl";
export const ADMIN_KEY_ENV = "OPENAI_ADMIN_KEY";
export const BASE_URL_ENV = "OPENAI_BASE_URL";

/** A surface's configuration: the value of a config key, if set. */
export type ConfigLookup = (key: string) => string | undefined;

/** The config keys one surface reads its two settings from, and how a user sets the key there. */
export interface ConfigKeys {
    readonly adminKey: string;
    readonly baseUrl: string;
    /** Where else the key can be given, for the error that says it is missing (e.g. an explicit provider). */
    readonly elsewhere?: string;
}

/** The TypeScript surface's keys: stack config of the program. */
export const PROGRAM_CONFIG_KEYS: ConfigKeys = { adminKey: ADMIN_KEY_CONFIG, baseUrl: BASE_URL_CONFIG };

/** The options a surface's configuration gives the client; what is not set there, the client reads from the environment. */
export function clientOptions(config: ConfigLookup, keys: ConfigKeys = PROGRAM_CONFIG_KEYS): ClientOptions {
    const elsewhere = keys.elsewhere ? ` ${keys.elsewhere},` : "";
    return {
        adminKey: nonEmpty(config(keys.adminKey)),
        baseUrl: nonEmpty(config(keys.baseUrl)),
        missingKeyHint: `Run \`pulumi config set --secret ${keys.adminKey} <sk-admin-…>\` in this stack,${elsewhere}`,
        baseUrlHint: `stack config ${keys.baseUrl}${keys.elsewhere ? " (or an explicit provider's `baseUrl`)" : ""}, or OPENAI_BASE_URL`,
    };
}

/**
 * The client of a surface's configuration, made on first use (one per configuration: two providers, two organizations),
 * its warnings going to `logger`.
 */
export function configuredClient(config: ConfigLookup, keys: ConfigKeys = PROGRAM_CONFIG_KEYS, logger?: ClientLogger): ClientSource {
    let client: Promise<CheckpointPermissionsClient> | undefined;
    return () =>
        (client ??= import("../client").then(
            ({ CheckpointPermissionsClient }) => new CheckpointPermissionsClient({ ...clientOptions(config, keys), ...(logger ? { logger } : {}) }),
        ));
}

function nonEmpty(value: string | undefined): string | undefined {
    return value === undefined || value.trim() === "" ? undefined : value;
}
