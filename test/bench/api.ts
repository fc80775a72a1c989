/**
 * The API as the benches meet it: a client as cold as a program's first read, what the emulator's request log says a
 * run sent, the least time a rate limit allows for it, and ids shaped like OpenAI's.
 */
import { createHash } from "node:crypto";
import { CheckpointPermissionsClient, DEFAULT_MAX_REQUESTS_IN_FLIGHT, RequestLimiter } from "../../provider/client";
import type { RateLimit, RequestLogEntry } from "../../provider/emulator";

/** A new client with a new limiter at its defaults, and so a new connection pool, as at the start of a program. */
export function coldClient(baseUrl: string, adminKey: string): CheckpointPermissionsClient {
    return new CheckpointPermissionsClient({ adminKey, baseUrl, limiter: new RequestLimiter(DEFAULT_MAX_REQUESTS_IN_FLIGHT) });
}

/** A run's requests, from the emulator's log. */
export interface RequestCounts {
    /** Every API request, refused ones included. */
    readonly total: number;
    /** Answered (not refused) requests of checkpoints' permission listings, `GET …/fine_tuning/checkpoints/{id}/permissions`. */
    readonly listings: number;
    /** Answered (not refused) pages of the organization's audit log, `GET …/organization/audit_logs`. */
    readonly auditLogPages: number;
    /** Requests the rate limit refused (429). */
    readonly refused: number;
}

const LISTING = /\/fine_tuning\/checkpoints\/[^/]+\/permissions$/;
const AUDIT_LOG = /\/organization\/audit_logs$/;

export function countRequests(log: readonly RequestLogEntry[]): RequestCounts {
    const answered = log.filter((request) => request.status !== 429 && request.method === "GET");
    return {
        total: log.length,
        listings: answered.filter((request) => LISTING.test(request.path)).length,
        auditLogPages: answered.filter((request) => AUDIT_LOG.test(request.path)).length,
        refused: log.filter((request) => request.status === 429).length,
    };
}

/**
 * The least time any client can take for `requests` under a rate limit with `latencyMs` per request: every request
 * through the bucket (as many as it holds at once, the rest at the rate, the last answered one latency later), unless
 * the audit log's `auditLogPages` one after another (each needs the cursor of the one before), each taking the
 * latency, then one listing, take longer.
 */
export function rateLimitIdealMs(requests: number, auditLogPages: number, rateLimit: Required<RateLimit>, latencyMs: number): number {
    const throughBucket = (Math.max(0, requests - rateLimit.burst) * 1000) / rateLimit.requestsPerSecond + latencyMs;
    const oneAfterAnother = (auditLogPages + 1) * latencyMs;
    return Math.max(throughBucket, oneAfterAnother);
}

const ALPHANUMERICS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/** A project id shaped like OpenAI's: `proj_` and 24 letters and digits, the same for the same `n`. */
export function projectId(n: number): string {
    const bytes = createHash("sha256").update(String(n)).digest();
    return `proj_${Array.from(bytes.subarray(0, 24), (byte) => ALPHANUMERICS.charAt(byte % ALPHANUMERICS.length)).join("")}`;
}
