import { describe, expect, it } from "vitest";
import { InvalidArgumentError, RequestLimiter } from "../../provider/client";

function deferred() {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
}

describe("RequestLimiter", () => {
    it("never lets more than the cap run at once", async () => {
        const limiter = new RequestLimiter(3);
        let running = 0;
        let peak = 0;
        const gates = Array.from({ length: 10 }, deferred);
        const tasks = gates.map((gate) =>
            limiter.run(async () => {
                running++;
                peak = Math.max(peak, running);
                await gate.promise;
                running--;
            }),
        );
        await Promise.resolve();
        expect(limiter.activeCount).toBe(3);
        gates.forEach((g) => g.resolve());
        await Promise.all(tasks);
        expect(peak).toBe(3);
        expect(limiter.activeCount).toBe(0);
    });

    it("halves the cap on each 429 and climbs back with successes", () => {
        const limiter = new RequestLimiter(8);
        limiter.onRateLimited();
        expect(limiter.allowedInFlight).toBe(4);
        limiter.onRateLimited();
        limiter.onRateLimited();
        limiter.onRateLimited();
        expect(limiter.allowedInFlight).toBe(1);
        limiter.onSuccess();
        expect(limiter.allowedInFlight).toBe(2);
        for (let i = 0; i < 100; i++) limiter.onSuccess();
        expect(limiter.allowedInFlight).toBe(8);
    });

    it("releases the slot when the task throws", async () => {
        const limiter = new RequestLimiter(1);
        await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
        await expect(limiter.run(() => Promise.resolve("ok"))).resolves.toBe("ok");
    });

    it("rejects a cap that is not a positive integer, naming it", () => {
        expect(() => new RequestLimiter(0)).toThrow(InvalidArgumentError);
        expect(() => new RequestLimiter(2.5)).toThrow(/maxRequestsInFlight.*2\.5/);
    });
});
