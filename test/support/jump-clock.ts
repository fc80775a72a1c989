/**
 * Time that passes only when a limiter waits for it: a timer set for `ms` moves the clock on by `ms` at once
 * and fires on the next turn of the event loop; nothing else moves it. Given to a limiter (`clock`) and to the
 * emulator's rate limit (`rateLimitClock`), the bucket refills only when the limiter waits, so what the limit
 * refuses follows the order of the requests, not how fast a loaded machine sends them.
 */
import type { LimiterClock } from "../../provider/client";

export class JumpClock implements LimiterClock {
    private ms = 0;

    now(): number {
        return this.ms;
    }

    setTimeout(callback: () => void, ms: number): unknown {
        this.ms += Math.max(0, ms);
        return setImmediate(callback);
    }

    clearTimeout(handle: unknown): void {
        if (handle !== undefined) clearImmediate(handle as NodeJS.Immediate);
    }
}
