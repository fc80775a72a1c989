/**
 * Identifiers the emulator hands out, in the formats OpenAI uses, so code that checks or redacts ids
 * sees the real shapes.
 */
import { randomBytes, randomInt } from "node:crypto";

const ALPHANUMERICS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function randomAlphanumerics(length: number): string {
    let text = "";
    for (let i = 0; i < length; i++) text += ALPHANUMERICS.charAt(randomInt(ALPHANUMERICS.length));
    return text;
}

/** A permission id: `cp_` followed by 24 letters and digits, like OpenAI's. */
export function newPermissionId(): string {
    return `cp_${randomAlphanumerics(24)}`;
}

/** A user id: `user-` followed by 24 letters and digits. */
export function newUserId(): string {
    return `user-${randomAlphanumerics(24)}`;
}

/** An API key's tracking id: `key_` followed by 16 letters and digits. */
export function newKeyId(): string {
    return `key_${randomAlphanumerics(16)}`;
}

/** An audit-log event id, as OpenAI's examples show them: `audit_log-`, 24 letters and digits, `_` and the UTC day. */
export function newEventId(effectiveAt: number): string {
    const day = new Date(effectiveAt * 1000).toISOString().slice(0, 10).replaceAll("-", "");
    return `audit_log-${randomAlphanumerics(24)}_${day}`;
}

/** The value of the `x-request-id` header: `req_` followed by 32 hex digits. */
export function newRequestId(): string {
    return `req_${randomBytes(16).toString("hex")}`;
}
