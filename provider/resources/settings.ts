/**
 * Where the admin key and base URL come from, on every surface: the surface's configuration, else the environment
 * (`OPENAI_ADMIN_KEY`, `OPENAI_BASE_URL`), as every Pulumi provider reads its configuration.
 *
 * - The dynamic provider and `getCheckpointPermissions` read stack config `openai:adminKey` (a secret) and
 *   `openai:baseUrl`.
 * - The plugin reads its provider's `adminKey` and `baseUrl`: stack config `openai-checkpoints:adminKey` and
 *   `openai-checkpoints:baseUrl` for the default provider, the arguments of an explicit provider otherwise.
 *
 * This module imports nothing from @pulumi/pulumi so the provider process can load it cheaply.
 */
import { MissingAdminKeyError } from "../client/errors";
import type { ClientOptions } from "../client/core";

export const ADMIN_KEY_CONFIG = "openai:adminKey";
export const BASE_URL_CONFIG = "openai:baseUrl";
export const ADMIN_KEY_ENV = "OPENAI_ADMIN_KEY";
export const BASE_URL_ENV = "OPENAI_BASE_URL";

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

/** The exact command a user runs to fix a missing key. */
export const SET_ADMIN_KEY_COMMAND = setAdminKeyCommand(PROGRAM_CONFIG_KEYS);

function setAdminKeyCommand(keys: ConfigKeys): string {
    return `pulumi config set --secret ${keys.adminKey} <sk-admin-…>`;
}

export function missingAdminKeyError(keys: ConfigKeys = PROGRAM_CONFIG_KEYS): MissingAdminKeyError {
    const elsewhere = keys.elsewhere ? ` ${keys.elsewhere},` : "";
    return new MissingAdminKeyError(
        `No OpenAI admin key. Run \`${setAdminKeyCommand(keys)}\` in this stack,${elsewhere} or set ${ADMIN_KEY_ENV}. ` +
            "Checkpoint permissions need an organization admin key (sk-admin-…), not a project key.",
    );
}

/** Client options from config, then the environment; throws a message that says how to set the key. */
export function resolveClientOptions(
    config: ConfigLookup,
    env: Readonly<Record<string, string | undefined>> = process.env,
    keys: ConfigKeys = PROGRAM_CONFIG_KEYS,
): ClientOptions {
    const adminKey = nonEmpty(config(keys.adminKey)) ?? nonEmpty(env[ADMIN_KEY_ENV]);
    if (adminKey === undefined) throw missingAdminKeyError(keys);
    const baseUrl = nonEmpty(config(keys.baseUrl)) ?? nonEmpty(env[BASE_URL_ENV]);
    return { adminKey, baseUrl, env: {} };
}

function nonEmpty(value: string | undefined): string | undefined {
    return value === undefined || value.trim() === "" ? undefined : value;
}
