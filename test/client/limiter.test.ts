/**
 * The limiter on its own: how many requests it lets out, how the cap grows and backs off, the pause after a
 * 429 and who goes first when it ends, and the hold while the API's request quota is spent. The same behaviour over real requests is in concurrency.test.ts.
 */
import { describe, expect, it, vi } from "vitest";
import {
    DEFAULT_INITIAL_REQUESTS_IN_FLIGHT,
    DEFAULT_MAX_REQUESTS_IN_FLIGHT,
    CheckpointPermissionsClient,
    InvalidArgumentError,
    RequestLimiter,
    setMaxRequestsInFlight,
    type AcquireOptions,
    type Permit,
} from "../../provider/client";

function deferred() {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
}

/** Lets queued promise callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Asks for `count` places at once; `granted` holds the permits in the order they were given. */
function ask(limiter: RequestLimiter, count: number, options: AcquireOptions = {}) {
    const granted: Permit[] = [];
    const all = Array.from({ length: count }, () => limiter.acquire(options).then((permit) => (granted.push(permit), permit)));
    return { granted, all: Promise.all(all) };
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
        await settle();
        expect(limiter.activeCount).toBe(3);
        expect(limiter.queuedCount).toBe(7);
        gates.forEach((g) => g.resolve());
        await Promise.all(tasks);
        expect(peak).toBe(3);
        expect(limiter.activeCount).toBe(0);
    });

    it("starts high, below a ceiling that leaves room to grow; a lower ceiling or start is honoured", () => {
        const client = new CheckpointPermissionsClient({ adminKey: "sk-admin-limiter-test", baseUrl: "http://127.0.0.1:9/v1" });
        expect(client.limiter.maxInFlight).toBe(DEFAULT_MAX_REQUESTS_IN_FLIGHT);
        expect(new RequestLimiter(DEFAULT_MAX_REQUESTS_IN_FLIGHT).allowedInFlight).toBe(DEFAULT_INITIAL_REQUESTS_IN_FLIGHT);
        expect(DEFAULT_INITIAL_REQUESTS_IN_FLIGHT).toBeLessThan(DEFAULT_MAX_REQUESTS_IN_FLIGHT);
        expect(new RequestLimiter(8).allowedInFlight).toBe(8);
        expect(new RequestLimiter(100, { initial: 5 }).allowedInFlight).toBe(5);
    });

    it("grows by one per success while requests wait: the cap doubles every round trip", async () => {
        const limiter = new RequestLimiter(100, { initial: 4 });
        const { granted } = ask(limiter, 50);
        await settle();
        expect(granted).toHaveLength(4);
        // One round trip: the 4 in flight succeed, each freeing its place and adding one.
        granted.slice(0, 4).forEach((permit) => permit.succeeded());
        await settle();
        expect(limiter.allowedInFlight).toBe(8);
        expect(limiter.activeCount).toBe(8);
        granted.slice(4, 12).forEach((permit) => permit.succeeded());
        await settle();
        expect(limiter.allowedInFlight).toBe(16);
    });

    it("does not grow while nothing waits for it", async () => {
        const limiter = new RequestLimiter(100, { initial: 4 });
        for (let i = 0; i < 50; i++) (await limiter.acquire()).succeeded();
        expect(limiter.allowedInFlight).toBe(4);
    });

    it("never grows past the ceiling", async () => {
        const limiter = new RequestLimiter(6, { initial: 2 });
        const { granted, all } = ask(limiter, 40);
        for (let i = 0; i < 40; i++) {
            await settle();
            granted[i]!.succeeded();
            expect(limiter.activeCount).toBeLessThanOrEqual(6);
        }
        await all;
        expect(limiter.allowedInFlight).toBe(6);
    });

    it("halves on a 429, once for every request already out, and says which answers were already backed off", async () => {
        const limiter = new RequestLimiter(100, { initial: 16 });
        const { granted } = ask(limiter, 16);
        await settle();
        granted.slice(0, 12).forEach((permit) => permit.succeeded());
        const first = granted[12]!.rateLimited(0);
        expect(first.alreadyBackedOff).toBe(false);
        expect(limiter.allowedInFlight).toBe(8);
        // Sent before that back-off: the same congestion, no second halving.
        expect(granted[13]!.rateLimited(0).alreadyBackedOff).toBe(true);
        expect(granted[14]!.rateLimited(0).alreadyBackedOff).toBe(true);
        expect(limiter.allowedInFlight).toBe(8);
        // Sent after it: a new congestion event halves again.
        const later = await limiter.acquire();
        expect(later.rateLimited(0).alreadyBackedOff).toBe(false);
        expect(limiter.allowedInFlight).toBe(1);
    });

    it("backs off to what the API accepted since the last 429 when that is less than half", async () => {
        const limiter = new RequestLimiter(100, { initial: 32 });
        const { granted } = ask(limiter, 32);
        await settle();
        granted.slice(0, 3).forEach((permit) => permit.succeeded());
        granted[3]!.rateLimited(0);
        expect(limiter.allowedInFlight).toBe(3);
    });

    it("after a back-off grows one per round trip, not one per success", async () => {
        const limiter = new RequestLimiter(100, { initial: 8 });
        const first = ask(limiter, 8);
        await settle();
        first.granted.slice(0, 4).forEach((permit) => permit.succeeded());
        first.granted[4]!.rateLimited(0);
        expect(limiter.allowedInFlight).toBe(4);
        const { granted } = ask(limiter, 40);
        first.granted.slice(5).forEach((permit) => permit.release());
        await settle();
        // Four successes at a cap of 4: one round trip, one more place.
        granted.slice(0, 4).forEach((permit) => permit.succeeded());
        expect(limiter.allowedInFlight).toBe(5);
        await settle();
        granted.slice(4, 8).forEach((permit) => permit.succeeded());
        expect(limiter.allowedInFlight).toBe(5);
        granted[8]!.succeeded();
        expect(limiter.allowedInFlight).toBe(6);
    });

    it("holds every request back until the retry-after has passed, then lets retries out first, then requests sent again", async () => {
        const limiter = new RequestLimiter(4);
        const { granted } = ask(limiter, 4);
        await settle();
        const order: string[] = [];
        const served = (name: string) => (permit: Permit) => {
            order.push(name);
            permit.release();
        };
        const fresh = limiter.acquire().then(served("fresh"));
        granted[0]!.rateLimited(100);
        granted.slice(1).forEach((permit) => permit.release());
        await settle();
        // Places are free, but the API asked to wait.
        expect(limiter.activeCount).toBe(0);
        expect(order).toEqual([]);
        expect(limiter.queuedCount).toBe(1);
        const requeue = limiter.acquire({ turn: "requeue" }).then(served("requeue"));
        const retry = limiter.acquire({ turn: "retry" }).then(served("retry"));
        await Promise.all([fresh, requeue, retry]);
        expect(order).toEqual(["retry", "requeue", "fresh"]);
    });

    it("drops a waiter whose caller gives up, and serves the next", async () => {
        const limiter = new RequestLimiter(1);
        const held = await limiter.acquire();
        const controller = new AbortController();
        const abandoned = limiter.acquire({ signal: controller.signal });
        const next = limiter.acquire();
        controller.abort(new Error("gave up"));
        await expect(abandoned).rejects.toThrow("gave up");
        expect(limiter.queuedCount).toBe(1);
        held.release();
        const permit = await next;
        expect(limiter.activeCount).toBe(1);
        permit.release();
        expect(limiter.activeCount).toBe(0);
    });

    it("gives a place back once, however many times a permit is ended", async () => {
        const limiter = new RequestLimiter(2);
        const permit = await limiter.acquire();
        permit.succeeded();
        permit.release();
        permit.rateLimited(0);
        expect(limiter.activeCount).toBe(0);
        expect(limiter.allowedInFlight).toBe(2);
    });

    it("a new ceiling caps at once and leaves room to grow", async () => {
        const limiter = new RequestLimiter(64, { initial: 32 });
        limiter.setMax(10);
        expect(limiter.allowedInFlight).toBe(10);
        limiter.setMax(20);
        const { granted } = ask(limiter, 40);
        await settle();
        granted.slice(0, 10).forEach((permit) => permit.succeeded());
        expect(limiter.allowedInFlight).toBe(20);
        expect(limiter.maxInFlight).toBe(20);
    });

    it("releases the place when the task throws", async () => {
        const limiter = new RequestLimiter(1);
        await expect(limiter.run(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
        await expect(limiter.run(() => Promise.resolve("ok"))).resolves.toBe("ok");
    });

    it("rejects a cap that is not a positive integer, naming it", () => {
        expect(() => new RequestLimiter(0)).toThrow(InvalidArgumentError);
        expect(() => new RequestLimiter(2.5)).toThrow(/maxRequestsInFlight.*2\.5/);
        expect(() => new RequestLimiter(8, { initial: -1 })).toThrow(/initial.*-1/);
        expect(() => setMaxRequestsInFlight(Number.NaN)).toThrow(/maxRequestsInFlight/);
    });
});

describe("RequestLimiter pacing", () => {
    it("holds every request once the API says none are left, until the reset; then lets out at most the limit until an answer says more", async () => {
        const limiter = new RequestLimiter(10, { initial: 10 });
        const first = await limiter.acquire();
        first.quota({ limit: 3, remaining: 0, resetMs: 20 });
        first.succeeded();
        const { granted, all } = ask(limiter, 5);
        await settle();
        // Places are free, but the API said it would refuse them.
        expect(granted).toHaveLength(0);
        expect(limiter.queuedCount).toBe(5);
        await vi.waitFor(() => expect(granted).toHaveLength(3));
        await settle();
        expect(granted).toHaveLength(3);
        // Their answers say nothing of the quota: once none is in flight, nothing holds the rest back.
        granted.forEach((permit) => permit.release());
        await all;
        expect(granted).toHaveLength(5);
        granted.slice(3).forEach((permit) => permit.release());
    });

    it("counts the requests already in flight against what is left", async () => {
        const limiter = new RequestLimiter(10, { initial: 10 });
        const out = ask(limiter, 4);
        await out.all;
        // 5 left, but 3 others went out and may not be counted yet: 2 more.
        out.granted[0]!.quota({ limit: 100, remaining: 5, resetMs: 60_000 });
        out.granted[0]!.succeeded();
        const { granted } = ask(limiter, 5);
        await settle();
        expect(granted).toHaveLength(2);
        expect(limiter.queuedCount).toBe(3);
        // A later answer with room lets the rest out.
        out.granted[1]!.quota({ limit: 100, remaining: 90, resetMs: 500 });
        out.granted[1]!.succeeded();
        await settle();
        expect(granted).toHaveLength(5);
        [...out.granted.slice(2), ...granted].forEach((permit) => permit.release());
    });
});
