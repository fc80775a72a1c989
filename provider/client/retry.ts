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
