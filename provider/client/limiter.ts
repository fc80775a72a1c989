/**
 * How many requests a limiter lets out at once, adapting to what the API accepts. A client's default limiter is
 * its organization's (default-limiters.ts): a rate limit belongs to one admin key against one base URL.
 *
 * Reading hundreds of checkpoints is bound by latency: the more requests in flight, the sooner it is done,
 * until the API's rate limit answers 429. So the cap works like TCP's congestion window:
 *
 * - It starts at 64, or at the ceiling if that is lower.
 * - Each success lets one more request out while the cap is below its threshold (no threshold until the
 *   first 429), so it doubles every round trip; above the threshold it grows by one per `cap` successes,
 *   one more per round trip. It grows only while requests are waiting for it: a cap is never raised
 *   beyond what was tried.
 * - A 429 is a congestion event. The threshold becomes half the cap, and the cap drops to the threshold
 *   or, if fewer, to the number of requests the API accepted since the previous event (at least 1).
 *   Requests sent before that back-off and answered 429 after it belong to the same event: they do not
 *   lower the cap again, and go out again without using a retry. Every request then waits until the
 *   API's `retry-after` has passed; then requests that used a retry go first, then those sent again.
 * - Where the API says how many requests it will still accept (OpenAI's `x-ratelimit-remaining-requests` and
 *   `-reset-requests`, given to `Permit.quota`), the limiter spends that allowance, less the requests already in
 *   flight, and once it is spent holds every request until the reset, instead of sending them to be refused
 *   with 429. After the reset it lets out at most `x-ratelimit-limit-requests` before an answer says more.
 *   Answers without those headers change nothing.
 * - It never passes the ceiling (256 by default; `setMaxRequestsInFlight` sets it for the default limiters),
 *   which is also how many connections the limiter's HTTP pool may open.
 */
import { InvalidArgumentError } from "./errors";
import type { RequestQuota } from "./retry";

/** The ceiling of every default limiter unless `setMaxRequestsInFlight` says otherwise. */
export const DEFAULT_MAX_REQUESTS_IN_FLIGHT = 256;
/** Where a limiter's cap starts unless told otherwise (lowered to the ceiling). */
export const DEFAULT_INITIAL_REQUESTS_IN_FLIGHT = 64;
/** The longest every request is held back after a 429, whatever the API asks for. */
export const MAX_PAUSE_MS = 60_000;
/**
 * How many times one request answered 429 may go out again without using one of its retries, because the
 * limiter had already backed off since it was sent.
 */
export const MAX_REQUEUES_AFTER_BACK_OFF = 16;

export interface RequestLimiterOptions {
    /** The cap to start at. Default 64, or the ceiling if lower. */
    initial?: number;
    /** The time pauses and the API's quota are reckoned by. Default: `performance.now()` and Node's timers. */
    clock?: LimiterClock;
}

/** A limiter's time: a reading in milliseconds and a timer, so a test can move it by events rather than wait. */
export interface LimiterClock {
    now(): number;
    setTimeout(callback: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
}

const SYSTEM_CLOCK: LimiterClock = {
    now: () => performance.now(),
    setTimeout: (callback, ms) => setTimeout(callback, ms),
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout | undefined),
};

/**
 * Where a request waits its turn. `retry`: it used one of its retries, and goes first, so the request
 * closest to failing gets the first place after a pause. `requeue`: it goes out again without using a
 * retry, before requests not sent yet. `new` (the default): not sent yet.
 */
export type Turn = "retry" | "requeue" | "new";

export interface AcquireOptions {
    turn?: Turn;
    /** Gives up waiting: the promise rejects with the signal's reason. */
    signal?: AbortSignal;
}

/** One request's place in flight. Exactly one of its methods gives the place back; later calls do nothing. */
export interface Permit {
    /** The API accepted the request: the cap may grow. */
    succeeded(): void;
    /**
     * The API answered 429 and asked to wait `delayMs`: the limiter backs off and holds every request back
     * that long. `alreadyBackedOff` is true when the request went out before the limiter's latest back-off,
     * which answered this 429 already.
     */
    rateLimited(delayMs: number): { alreadyBackedOff: boolean };
    /** Any other end: an error, another status. */
    release(): void;
    /** What the answer said of the API's request quota; called, if at all, before the permit is ended. */
    quota(quota: RequestQuota): void;
}

interface Waiter {
    readonly grant: (permit: Permit) => void;
    /** Set when the caller gave up waiting; the waiter is skipped when its turn comes. */
    cancelled: boolean;
}

/** A first-in first-out queue that takes and gives in constant time, however long it gets. */
class Fifo<T> {
    private items: T[] = [];
    private head = 0;

    get length(): number {
        return this.items.length - this.head;
    }

    push(item: T): void {
        this.items.push(item);
    }

    shift(): T | undefined {
        if (this.head >= this.items.length) return undefined;
        const item = this.items[this.head++];
        if (this.head > 1024 && this.head * 2 > this.items.length) {
            this.items = this.items.slice(this.head);
            this.head = 0;
        }
        return item;
    }
}

export class RequestLimiter {
    private ceiling: number;
    private cap: number;
    /** Below it the cap grows by one per success, at or above it by one per round trip. */
    private threshold = Number.POSITIVE_INFINITY;
    private successesAboveThreshold = 0;
    private acceptedSinceBackOff = 0;
    /** Counts back-offs; a permit remembers the one it was granted under. */
    private backOffs = 0;
    private inFlight = 0;
    /** Waiters in the queues that have not given up (a waiter who gives up stays queued, skipped when reached). */
    private waiting = 0;
    private pausedUntil = 0;
    /**
     * Requests the API will still accept before `quotaResetAt`, by its latest answer, less those let out since.
     * Infinite while no answer said. Spent before the reset, requests wait for it.
     */
    private quotaLeft = Number.POSITIVE_INFINITY;
    private quotaResetAt = 0;
    /** `x-ratelimit-limit-requests`: the allowance after a reset. */
    private quotaLimit = Number.POSITIVE_INFINITY;
    private pauseTimer: unknown;
    private readonly clock: LimiterClock;
    /** One queue per turn, served in this order. */
    private readonly queues: Record<Turn, Fifo<Waiter>> = { retry: new Fifo(), requeue: new Fifo(), new: new Fifo() };

    constructor(max: number, options: RequestLimiterOptions = {}) {
        this.ceiling = checkCap("maxRequestsInFlight", max);
        const initial = options.initial === undefined ? DEFAULT_INITIAL_REQUESTS_IN_FLIGHT : checkCap("initial", options.initial);
        this.cap = Math.min(initial, this.ceiling);
        this.clock = options.clock ?? SYSTEM_CLOCK;
    }

    /** The ceiling: the cap never passes it. */
    get maxInFlight(): number {
        return this.ceiling;
    }

    /** The cap in force now. */
    get allowedInFlight(): number {
        return this.cap;
    }

    get activeCount(): number {
        return this.inFlight;
    }

    /** Requests waiting for a place. */
    get queuedCount(): number {
        return this.waiting;
    }

    /** Sets the ceiling; the cap comes down to it at once if it is above. */
    setMax(max: number): void {
        this.ceiling = checkCap("maxRequestsInFlight", max);
        this.cap = Math.min(this.cap, this.ceiling);
        this.drain();
    }

    /** Waits for a place in flight. */
    acquire(options: AcquireOptions = {}): Promise<Permit> {
        const { signal } = options;
        if (signal?.aborted) return Promise.reject(signal.reason);
        return new Promise((resolve, reject) => {
            const onAbort = (): void => {
                waiter.cancelled = true;
                this.waiting--;
                reject(signal?.reason);
            };
            const waiter: Waiter = {
                grant: (permit) => {
                    signal?.removeEventListener("abort", onAbort);
                    resolve(permit);
                },
                cancelled: false,
            };
            signal?.addEventListener("abort", onAbort, { once: true });
            this.queues[options.turn ?? "new"].push(waiter);
            this.waiting++;
            this.drain();
        });
    }

    /** Runs `task` once a place is free; the place is given back however the task ends. */
    async run<T>(task: () => Promise<T>): Promise<T> {
        const permit = await this.acquire();
        try {
            return await task();
        } finally {
            permit.release();
        }
    }

    private grant(): Permit {
        this.inFlight++;
        const backOffsAtGrant = this.backOffs;
        let done = false;
        const finish = (): boolean => {
            if (done) return false;
            done = true;
            return true;
        };
        return {
            succeeded: () => {
                if (!finish()) return;
                this.onAccepted();
                this.giveBack();
            },
            rateLimited: (delayMs) => {
                if (!finish()) return { alreadyBackedOff: true };
                const alreadyBackedOff = backOffsAtGrant !== this.backOffs;
                if (!alreadyBackedOff) this.backOff();
                this.pause(delayMs);
                this.giveBack();
                return { alreadyBackedOff };
            },
            release: () => {
                if (finish()) this.giveBack();
            },
            quota: (quota) => {
                if (!done) this.onQuota(quota);
            },
        };
    }

    /**
     * The requests in flight besides this one may have reached the API after it: they are counted against
     * what it says is left.
     */
    private onQuota({ limit, remaining, resetMs }: RequestQuota): void {
        const others = this.inFlight - 1;
        this.quotaLeft = Math.max(0, remaining - others);
        this.quotaLimit = limit;
        this.quotaResetAt = this.clock.now() + Math.min(Math.max(resetMs, 0), MAX_PAUSE_MS);
    }

    /**
     * How long requests wait for the API's quota: 0 when they may go. Spent, it waits for the reset; past
     * the reset, the allowance is the limit again, less the requests still in flight (sent before the reset,
     * they may reach the API after it). Spent after a reset, it waits for an answer in flight to say more
     * (Infinity), or, with nothing in flight to say it, lets requests go.
     */
    private quotaWaitMs(now: number): number {
        if (this.quotaLeft > 0) return 0;
        if (now < this.quotaResetAt) return this.quotaResetAt - now;
        if (this.quotaResetAt > 0) {
            this.quotaLeft = Math.max(0, this.quotaLimit - this.inFlight);
            this.quotaResetAt = 0;
            return this.quotaWaitMs(now);
        }
        if (this.inFlight > 0) return Number.POSITIVE_INFINITY;
        this.quotaLeft = Number.POSITIVE_INFINITY;
        return 0;
    }

    private onAccepted(): void {
        this.acceptedSinceBackOff++;
        // Grow only when the cap was what held requests back (this one still counts as in flight).
        const wanted = this.inFlight + this.queuedCount;
        if (wanted < this.cap || this.cap >= this.ceiling) return;
        if (this.cap < this.threshold) {
            this.cap++;
        } else if (++this.successesAboveThreshold >= this.cap) {
            this.cap++;
            this.successesAboveThreshold = 0;
        }
    }

    private backOff(): void {
        this.backOffs++;
        this.threshold = Math.max(1, Math.floor(this.cap / 2));
        this.cap = Math.max(1, Math.min(this.threshold, this.acceptedSinceBackOff));
        this.acceptedSinceBackOff = 0;
        this.successesAboveThreshold = 0;
    }

    private pause(delayMs: number): void {
        const wait = Number.isFinite(delayMs) ? Math.min(Math.max(delayMs, 0), MAX_PAUSE_MS) : 0;
        const until = this.clock.now() + wait;
        this.pausedUntil = Math.max(this.pausedUntil, until);
    }

    private giveBack(): void {
        this.inFlight--;
        this.drain();
    }

    private drain(): void {
        const now = this.clock.now();
        const wait = this.pausedUntil - now;
        if (wait > 0) {
            if (this.queuedCount > 0) this.wakeIn(wait);
            return;
        }
        while (this.inFlight < this.cap) {
            if (this.queuedCount === 0) return;
            const quotaWait = this.quotaWaitMs(now);
            if (quotaWait > 0) {
                // An answer in flight wakes it otherwise (it ends a permit, which drains).
                if (Number.isFinite(quotaWait)) this.wakeIn(quotaWait);
                return;
            }
            const waiter = this.queues.retry.shift() ?? this.queues.requeue.shift() ?? this.queues.new.shift();
            if (waiter === undefined) return;
            if (waiter.cancelled) continue;
            this.waiting--;
            this.quotaLeft--;
            waiter.grant(this.grant());
        }
    }

    /** One timer at a time, for the end of the current pause (bounded by MAX_PAUSE_MS). */
    private wakeIn(ms: number): void {
        this.clock.clearTimeout(this.pauseTimer);
        this.pauseTimer = this.clock.setTimeout(() => {
            this.pauseTimer = undefined;
            this.drain();
        }, Math.ceil(ms));
    }
}

function checkCap(name: string, value: number): number {
    if (!Number.isInteger(value) || value < 1) {
        throw new InvalidArgumentError(name, value, "must be a positive integer");
    }
    return value;
}
