/**
 * Who may call the API: exactly one admin key. Checkpoint permissions, like the organization admin listings, need an admin key at OpenAI;
 * a project key (`sk-proj-…`) is recognised and refused with the scope it lacks, any other key is
 * "incorrect".
 */
import { incorrectApiKey, missingApiKey, missingScope } from "./errors";
import type { Operation } from "./faults";

export const DEFAULT_ADMIN_KEY = "sk-admin-emulator-key";

const PROJECT_KEY_PREFIX = "sk-proj-";

// OpenAI publishes no scope names for the admin listings; these follow the fine-tuning ones' pattern.
const REQUIRED_SCOPE: Record<Operation, string> = {
    list: "api.fine_tuning.checkpoints.read",
    create: "api.fine_tuning.checkpoints.write",
    delete: "api.fine_tuning.checkpoints.write",
    "list-audit-logs": "api.organization.audit_logs.read",
    "list-projects": "api.organization.projects.read",
};

/** Refuses an admin key the emulator could never accept (it would be taken for a project key). */
export function checkAdminKey(adminKey: string): void {
    if (adminKey.trim() === "" || /\s/.test(adminKey)) {
        throw new Error("The emulator's admin key must be non-empty and contain no whitespace");
    }
    if (adminKey.startsWith(PROJECT_KEY_PREFIX)) {
        throw new Error(`The emulator's admin key must not start with ${PROJECT_KEY_PREFIX} (that marks a project key)`);
    }
}

/** The key of a `Bearer` Authorization header; anything else counts as no key, as at OpenAI. */
function bearerKey(header: string | undefined): string | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
    return match?.[1];
}

/** Throws the 401/403 ApiError unless the header carries the admin key. */
export function authorize(header: string | undefined, adminKey: string, operation: Operation): void {
    const key = bearerKey(header);
    if (key === undefined) throw missingApiKey();
    if (key === adminKey) return;
    // Any project key is taken as a genuine one, so the 403 path can be tested without configuring keys.
    if (key.startsWith(PROJECT_KEY_PREFIX)) throw missingScope(REQUIRED_SCOPE[operation]);
    throw incorrectApiKey(key);
}
