/**
 * Identifiers the emulator hands out, in the formats OpenAI uses, so code that checks or redacts ids
 * sees the real shapes.
 */
import { randomBytes, randomInt } from "node:crypto";

const ALPHANUMERICS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A permission id: `cp_` followed by 24 letters and digits, like OpenAI's. */
export function newPermissionId(): string {
    let id = "cp_";
    for (let i = 0; i < 24; i++) id += ALPHANUMERICS.charAt(randomInt(ALPHANUMERICS.length));
    return id;
}

/** The value of the `x-request-id` header: `req_` followed by 32 hex digits. */
export function newRequestId(): string {
    return `req_${randomBytes(16).toString("hex")}`;
}
