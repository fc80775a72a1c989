/**
 * Where the admin key and base URL come from, in the program and in the dynamic provider alike:
 * stack config (`openai:adminKey`, a secret, and `openai:baseUrl`), else the environment
 * (`OPENAI_ADMIN_KEY`, `OPENAI_BASE_URL`), as every Pulumi provider reads its configuration.
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

/** The exact command a user runs to fix a missing key. */
export const SET_ADMIN_KEY_COMMAND = `pulumi config set --secret ${ADMIN_KEY_CONFIG} <sk-admin-…>`;

export function missingAdminKeyError(): MissingAdminKeyError {
    return new MissingAdminKeyError(
        `No OpenAI admin key. Run \`${SET_ADMIN_KEY_COMMAND}\` in this stack, or set ${ADMIN_KEY_ENV}. ` +
            "Checkpoint permissions need an organization admin key (sk-admin-…), not a project key.",
    );
}

/** Client options from config, then the environment; throws a message that says how to set the key. */
export function resolveClientOptions(config: ConfigLookup, env: Readonly<Record<string, string | undefined>> = process.env): ClientOptions {
    const adminKey = nonEmpty(config(ADMIN_KEY_CONFIG)) ?? nonEmpty(env[ADMIN_KEY_ENV]);
    if (adminKey === undefined) throw missingAdminKeyError();
    const baseUrl = nonEmpty(config(BASE_URL_CONFIG)) ?? nonEmpty(env[BASE_URL_ENV]);
    return { adminKey, baseUrl, env: {} };
}

function nonEmpty(value: string | undefined): string | undefined {
    return value === undefined || value.trim() === "" ? undefined : value;
}
