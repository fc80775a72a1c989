/**
 * A cap on requests in flight, shared by every client in the process, so a stack that reads hundreds of
 * checkpoints at once does not set off the API's rate limits.
 *
 * The cap adapts (additive increase, multiplicative decrease): each 429 halves the number of requests let
 * out at once, and each success lets one more out again, up to the configured maximum.
 */
import { InvalidArgumentError } from "./errors";

export class RequestLimiter {
    private max: number;
    private current: number;
    private inFlight = 0;
    private successesSinceChange = 0;
    private readonly waiting: Array<() => void> = [];

    constructor(max: number) {
        this.max = RequestLimiter.checkMax(max);
        this.current = this.max;
    }

    /** The configured ceiling. */
    get maxInFlight(): number {
        return this.max;
    }

    /** The ceiling in force now: lower than the maximum while the API is answering 429. */
    get allowedInFlight(): number {
        return this.current;
    }

    get activeCount(): number {
        return this.inFlight;
    }

    setMax(max: number): void {
        this.max = RequestLimiter.checkMax(max);
        this.current = Math.min(Math.max(this.current, 1), this.max);
        this.drain();
    }

    /** Runs `task` once a slot is free; the slot is released however it ends. */
    async run<T>(task: () => Promise<T>): Promise<T> {
        await this.acquire();
        try {
            return await task();
        } finally {
            this.inFlight--;
            this.drain();
        }
    }

    /** The API said 429: let fewer requests out. */
    onRateLimited(): void {
        this.current = Math.max(1, Math.floor(this.current / 2));
        this.successesSinceChange = 0;
    }

    /** A request succeeded: after as many successes as the current cap, let one more out. */
    onSuccess(): void {
        if (this.current >= this.max) return;
        this.successesSinceChange++;
        if (this.successesSinceChange >= this.current) {
            this.current++;
            this.successesSinceChange = 0;
            this.drain();
        }
    }

    private acquire(): Promise<void> {
        if (this.inFlight < this.current) {
            this.inFlight++;
            return Promise.resolve();
        }
        return new Promise((resolve) => this.waiting.push(resolve));
    }

    private drain(): void {
        while (this.inFlight < this.current && this.waiting.length > 0) {
            this.inFlight++;
            this.waiting.shift()!();
        }
    }

    private static checkMax(max: number): number {
        if (!Number.isInteger(max) || max < 1) {
            throw new InvalidArgumentError("maxRequestsInFlight", max, "must be a positive integer");
        }
        return max;
    }
}

/** The process-wide limiter every client uses unless given its own. */
export const DEFAULT_MAX_REQUESTS_IN_FLIGHT = 8;
export const sharedLimiter = new RequestLimiter(DEFAULT_MAX_REQUESTS_IN_FLIGHT);

/** Sets the process-wide cap on requests in flight (default 8). */
export function setMaxRequestsInFlight(max: number): void {
    sharedLimiter.setMax(max);
}
