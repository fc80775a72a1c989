/**
 * When to retry and how long to wait, as the official `openai` SDK does it: 2 retries by default; on 408,
 * 409, 429, 5xx, connection errors and timeouts; `x-should-retry` overrides the status; the server's
 * `retry-after-ms`, then `retry-after` (seconds or an HTTP date) when between 0 and 60 s; otherwise
 * exponential backoff from 0.5 s, capped at 8 s, with up to 25% jitter taken off.
 */

export const DEFAULT_MAX_RETRIES = 2;
const INITIAL_RETRY_DELAY_MS = 500;
const MAX_RETRY_DELAY_MS = 8_000;
const MAX_SERVER_DELAY_MS = 60_000;

export type HeaderLookup = (name: string) => string | undefined;

/** Whether a response with this status (and these headers) should be tried again. */
export function shouldRetryStatus(status: number, header: HeaderLookup): boolean {
    const override = header("x-should-retry");
    if (override === "true") return true;
    if (override === "false") return false;
    return status === 408 || status === 409 || status === 429 || status >= 500;
}

/**
 * How long to wait before the next attempt, in milliseconds.
 * @param retriesSoFar how many retries have already been made (0 before the first retry).
 * @param random a source of jitter in [0, 1); injectable so tests can pin it.
 */
export function retryDelayMs(retriesSoFar: number, header: HeaderLookup | undefined, now = Date.now(), random = Math.random): number {
    const server = header ? serverRequestedDelayMs(header, now) : undefined;
    if (server !== undefined && server >= 0 && server <= MAX_SERVER_DELAY_MS) return server;
    const backoff = Math.min(INITIAL_RETRY_DELAY_MS * 2 ** retriesSoFar, MAX_RETRY_DELAY_MS);
    return backoff * (1 - random() * 0.25);
}

function serverRequestedDelayMs(header: HeaderLookup, now: number): number | undefined {
    const ms = header("retry-after-ms");
    if (ms !== undefined) {
        const value = Number.parseFloat(ms);
        if (Number.isFinite(value)) return value;
    }
    const after = header("retry-after");
    if (after === undefined) return undefined;
    const seconds = Number.parseFloat(after);
    if (Number.isFinite(seconds) && /^\s*[\d.]+\s*$/.test(after)) return seconds * 1000;
    const date = Date.parse(after);
    return Number.isNaN(date) ? undefined : date - now;
}

/** What the API says of its request rate limit on an answer: OpenAI's `x-ratelimit-*-requests` headers. */
export interface RequestQuota {
    /** Requests allowed before the limit is exhausted. */
    limit: number;
    /** Requests left. */
    remaining: number;
    /** Milliseconds until the limit is back to its initial state. */
    resetMs: number;
}

const DURATION = /^(?:\d+(?:\.\d+)?(?:h|ms|m|s|us|µs|ns))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(h|ms|m|s|us|µs|ns)/g;
const UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, "µs": 0.001, ns: 0.000001 };

/** A duration as OpenAI writes it (`20ms`, `1.5s`, `6m0s`), in milliseconds; undefined if malformed. */
export function parseDurationMs(text: string): number | undefined {
    const value = text.trim();
    if (!DURATION.test(value)) return undefined;
    let ms = 0;
    for (const [, amount, unit] of value.matchAll(DURATION_PART)) ms += Number(amount) * UNIT_MS[unit!]!;
    return Number.isFinite(ms) ? ms : undefined;
}

/** The answer's request quota, or undefined when the headers are missing or any of them is malformed. */
export function requestQuota(header: HeaderLookup): RequestQuota | undefined {
    const limit = header("x-ratelimit-limit-requests")?.trim();
    const remaining = header("x-ratelimit-remaining-requests")?.trim();
    const reset = header("x-ratelimit-reset-requests");
    if (limit === undefined || remaining === undefined || reset === undefined) return undefined;
    if (!/^\d+$/.test(limit) || !/^\d+$/.test(remaining)) return undefined;
    const resetMs = parseDurationMs(reset);
    const [limitCount, remainingCount] = [Number(limit), Number(remaining)];
    if (resetMs === undefined || !Number.isSafeInteger(limitCount) || !Number.isSafeInteger(remainingCount) || limitCount < 1) return undefined;
    return { limit: limitCount, remaining: remainingCount, resetMs };
}
