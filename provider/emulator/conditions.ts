/**
 * Standing conditions of the emulated API, unlike faults, which are one-off: a latency every API request
 * waits out, a rate limit that refuses requests past a number per second with 429 and `retry-after`,
 * as OpenAI does when an organization sends too much, and a delay before an audit-log event is listed.
 * Benchmarks, concurrency and attribution tests run under them.
 *
 * The rate limit is a token bucket. It holds `burst` requests, refills at `requestsPerSecond`, and a request
 * that finds it empty is refused without using it up; the refusal says how long until one would pass.
 */
import { ApiError } from "./errors";

export interface RateLimit {
    /** Requests let through per second, sustained; may be a fraction (0.5: one every two seconds). */
    requestsPerSecond: number;
    /** Requests let through at once after a quiet spell. Default: one second's worth, at least 1. */
    burst?: number;
}

export interface EmulatorConditions {
    /** Milliseconds every API request waits before it is answered; a fault's delay comes on top. 0: none. */
    readonly latencyMs: number;
    /** Null: no rate limit. */
    readonly rateLimit: Readonly<Required<RateLimit>> | null;
    /**
     * Seconds an audit-log event stays out of the listing after it took effect: one of `effective_at` T is listed
     * once the emulator's clock reaches T + this. 0: at once.
     */
    readonly auditLogDelaySeconds: number;
}

/** The conditions an emulator starts with; by default none. */
export interface ConditionOptions {
    /** Milliseconds every API request waits before it is answered; default 0. */
    latencyMs?: number;
    /** Refuse requests past this rate with 429 and `retry-after`; default none. */
    rateLimit?: RateLimit;
    /** Seconds before an audit-log event is listed, after its `effective_at`, by the emulator's clock; default 0. */
    auditLogDelaySeconds?: number;
}

/** A change to the conditions: what is left out stays; `rateLimit: null` lifts the rate limit. */
export interface ConditionChanges extends Omit<ConditionOptions, "rateLimit"> {
    rateLimit?: RateLimit | null;
}

export const NO_CONDITIONS: EmulatorConditions = { latencyMs: 0, rateLimit: null, auditLogDelaySeconds: 0 };

const MAX_LATENCY_MS = 600_000;
const MAX_REQUESTS_PER_SECOND = 1_000_000;
/** A day: far past any delay a client waits out, small enough that a typo (milliseconds) is caught. */
const MAX_AUDIT_LOG_DELAY_SECONDS = 86_400;

export class InvalidConditionsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InvalidConditionsError";
    }
}

/**
 * Validates untrusted changes (from options, the CLI or the control endpoint), naming the field. Checked by
 * hand rather than with zod, so the CLI can check its flags before it loads anything heavy.
 */
export function parseConditionChanges(value: unknown): ConditionChanges {
    const changes = fields(value, "(conditions)", ["latencyMs", "rateLimit", "auditLogDelaySeconds"]);
    const latencyMs = optionalNumber(changes, "latencyMs", "latencyMs", { integer: true, min: 0, max: MAX_LATENCY_MS });
    const rateLimit = changes["rateLimit"];
    const auditLogDelaySeconds = optionalNumber(changes, "auditLogDelaySeconds", "auditLogDelaySeconds", { integer: true, min: 0, max: MAX_AUDIT_LOG_DELAY_SECONDS });
    return {
        ...(latencyMs === undefined ? {} : { latencyMs }),
        ...(rateLimit === undefined ? {} : { rateLimit: rateLimit === null ? null : parseRateLimit(rateLimit) }),
        ...(auditLogDelaySeconds === undefined ? {} : { auditLogDelaySeconds }),
    };
}

function parseRateLimit(value: unknown): RateLimit {
    const limit = fields(value, "rateLimit", ["requestsPerSecond", "burst"]);
    const requestsPerSecond = optionalNumber(limit, "requestsPerSecond", "rateLimit.requestsPerSecond", { min: 0, above: true, max: MAX_REQUESTS_PER_SECOND });
    if (requestsPerSecond === undefined) throw new InvalidConditionsError("Invalid conditions: rateLimit.requestsPerSecond: required");
    const burst = optionalNumber(limit, "burst", "rateLimit.burst", { integer: true, min: 1, max: MAX_REQUESTS_PER_SECOND });
    return { requestsPerSecond, ...(burst === undefined ? {} : { burst }) };
}

function fields(value: unknown, name: string, known: readonly string[]): Record<string, unknown> {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new InvalidConditionsError(`Invalid conditions: ${name}: expected an object`);
    }
    const unknown = Object.keys(value).find((key) => !known.includes(key));
    if (unknown !== undefined) throw new InvalidConditionsError(`Invalid conditions: ${name}: unknown field ${JSON.stringify(unknown)}`);
    return value as Record<string, unknown>;
}

function optionalNumber(
    record: Record<string, unknown>,
    key: string,
    name: string,
    rule: { integer?: boolean; min: number; above?: boolean; max: number },
): number | undefined {
    const value = record[key];
    if (value === undefined) return undefined;
    const low = (v: number) => (rule.above ? v > rule.min : v >= rule.min);
    const fits = typeof value === "number" && Number.isFinite(value) && low(value) && value <= rule.max;
    if (!fits || (rule.integer && !Number.isInteger(value))) {
        const kind = rule.integer ? "an integer" : "a number";
        const range = rule.above ? `above ${rule.min} and at most ${rule.max}` : `from ${rule.min} to ${rule.max}`;
        throw new InvalidConditionsError(`Invalid conditions: ${name}: expected ${kind} ${range}, got ${JSON.stringify(value)}`);
    }
    return value;
}

/** The conditions after `changes`. */
export function applyConditionChanges(current: EmulatorConditions, changes: ConditionChanges): EmulatorConditions {
    const { latencyMs, rateLimit, auditLogDelaySeconds } = parseConditionChanges(changes);
    return {
        latencyMs: latencyMs ?? current.latencyMs,
        auditLogDelaySeconds: auditLogDelaySeconds ?? current.auditLogDelaySeconds,
        rateLimit:
            rateLimit === undefined
                ? current.rateLimit
                : rateLimit === null
                  ? null
                  : { requestsPerSecond: rateLimit.requestsPerSecond, burst: rateLimit.burst ?? Math.max(1, Math.floor(rateLimit.requestsPerSecond)) },
    };
}

/** What the rate limit says of itself on every answer, as OpenAI does: `x-ratelimit-*-requests`. */
export type RateLimitHeaders = Readonly<Record<string, string>>;

export class RateLimitBucket {
    private tokens: number;
    private refilledAt: number;

    constructor(
        readonly limit: Readonly<Required<RateLimit>>,
        private readonly now: () => number = () => performance.now(),
    ) {
        this.tokens = limit.burst;
        this.refilledAt = now();
    }

    /**
     * Lets one request through, or refuses it with the 429 OpenAI would answer; either way with the headers
     * the answer carries.
     */
    take(): { refusal: ApiError | undefined; headers: RateLimitHeaders } {
        this.refill();
        if (this.tokens >= 1) {
            this.tokens -= 1;
            return { refusal: undefined, headers: this.headers() };
        }
        const headers = this.headers();
        return { refusal: rateLimited(this.limit, ((1 - this.tokens) * 1000) / this.limit.requestsPerSecond, headers), headers };
    }

    /** The headers for an answer that used none of the limit (a fault that answers by itself). */
    peek(): RateLimitHeaders {
        this.refill();
        return this.headers();
    }

    private refill(): void {
        const now = this.now();
        const { requestsPerSecond, burst } = this.limit;
        this.tokens = Math.min(burst, this.tokens + ((now - this.refilledAt) * requestsPerSecond) / 1000);
        this.refilledAt = now;
    }

    /**
     * As OpenAI documents them: the requests allowed before the limit is exhausted (the burst), those left,
     * and the time until the limit is back to its initial state (the bucket full), as a duration (`20ms`,
     * `1.5s`, `6m0s`).
     */
    private headers(): RateLimitHeaders {
        const { requestsPerSecond, burst } = this.limit;
        return {
            "x-ratelimit-limit-requests": String(burst),
            "x-ratelimit-remaining-requests": String(Math.floor(this.tokens)),
            "x-ratelimit-reset-requests": formatDuration(((burst - this.tokens) * 1000) / requestsPerSecond),
        };
    }
}

/** A duration as OpenAI's headers (and Go) write it: `0s`, `20ms`, `1.5s`, `6m0s`, `1h2m3s`; whole milliseconds, rounded up. */
export function formatDuration(ms: number): string {
    const total = Math.max(0, Math.ceil(ms));
    if (total === 0) return "0s";
    if (total < 1000) return `${total}ms`;
    const hours = Math.floor(total / 3_600_000);
    const minutes = Math.floor((total % 3_600_000) / 60_000);
    const seconds = ((total % 60_000) / 1000).toFixed(3).replace(/\.?0+$/, "");
    return `${hours > 0 ? `${hours}h` : ""}${hours > 0 || minutes > 0 ? `${minutes}m` : ""}${seconds}s`;
}

/**
 * OpenAI's 429 for too many requests: its message shape and `x-ratelimit-*` headers, `retry-after` in whole
 * seconds as HTTP has it, and the exact wait in `retry-after-ms`, which the official SDKs prefer.
 */
function rateLimited(limit: Readonly<Required<RateLimit>>, waitMs: number, headers: RateLimitHeaders): ApiError {
    const wait = Math.max(1, Math.ceil(waitMs));
    const shown = wait < 1000 ? `${wait}ms` : `${(wait / 1000).toFixed(3).replace(/\.?0+$/, "")}s`;
    return new ApiError(
        429,
        `Rate limit reached for requests per second (RPS): Limit ${limit.requestsPerSecond}, Used ${limit.burst}, Requested 1. Please try again in ${shown}.`,
        "requests",
        null,
        "rate_limit_exceeded",
        {
            "retry-after": String(Math.ceil(wait / 1000)),
            "retry-after-ms": String(wait),
            ...headers,
        },
    );
}
