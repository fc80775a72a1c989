/**
 * Many listings at once against the emulator over real loopback HTTP: the cap grows while the API accepts,
 * comes down on 429 without failing a listing, and the connection pool follows it. Behaviour only: how
 * fast is for `npm run bench`.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type ConditionOptions, type RunningEmulator } from "../../provider/emulator";
import { APIUserAbortError, CheckpointPermissionsClient, RateLimitError, RequestLimiter, type ClientOptions } from "../../provider/client";
import { JumpClock } from "../support/jump-clock";

const CHECKPOINTS = Array.from({ length: 200 }, (_, i) => `ft:gpt-4o-mini-2024-07-18:acme::Many${i}`);
const PERMISSIONS_EACH = 50;

let emulator: RunningEmulator | undefined;
afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
});

/** An emulator holding 200 checkpoints of 50 permissions each, under `conditions`, its rate limit timed by `rateLimitClock`. */
async function manyCheckpoints(conditions: ConditionOptions = {}, rateLimitClock?: () => number): Promise<RunningEmulator> {
    emulator = await startEmulator({
        ...conditions,
        ...(rateLimitClock ? { rateLimitClock } : {}),
        seed: {
            checkpoints: Object.fromEntries(
                CHECKPOINTS.map((checkpoint) => [
                    checkpoint,
                    { owner_project_id: "proj_owner", permissions: Array.from({ length: PERMISSIONS_EACH }, (_, i) => ({ project_id: `proj_${i}` })) },
                ]),
            ),
        },
    });
    return emulator;
}

function clientOf(running: RunningEmulator, options: ClientOptions): CheckpointPermissionsClient {
    return new CheckpointPermissionsClient({ adminKey: running.adminKey, baseUrl: running.baseUrl, ...options });
}

/** Lists every checkpoint at once, as a stack reading them all does; returns how many permissions each had. */
async function listAll(client: CheckpointPermissionsClient, checkpoints = CHECKPOINTS): Promise<number[]> {
    const listings = await Promise.all(checkpoints.map((checkpoint) => client.permissions.listAll(checkpoint)));
    return listings.map((listing) => listing.permissions.length);
}

describe("many listings at once", () => {
    it("under a rate limit, every listing of 200 checkpoints succeeds, paced by the API's rate-limit headers", async () => {
        // 100 requests a second with 20 ms latency: the answers say how many requests remain and when the limit
        // resets, and the limiter holds requests until then instead of sending them to be refused.
        // The limit's bucket refills only while the limiter waits for it (JumpClock), however fast the machine.
        const clock = new JumpClock();
        const running = await manyCheckpoints({ latencyMs: 20, rateLimit: { requestsPerSecond: 100 } }, () => clock.now());
        const limiter = new RequestLimiter(256, { clock });
        const counts = await listAll(clientOf(running, { limiter }));
        expect(counts).toEqual(CHECKPOINTS.map(() => PERMISSIONS_EACH));
        expect(running.requests.filter((r) => r.status === 429)).toEqual([]);
        expect(running.requests).toHaveLength(CHECKPOINTS.length);
        expect(limiter.activeCount).toBe(0);
    });

    it("without a rate limit, the cap grows from where it started", async () => {
        const running = await manyCheckpoints({ latencyMs: 10 });
        const limiter = new RequestLimiter(256, { initial: 4 });
        expect(await listAll(clientOf(running, { limiter }))).toEqual(CHECKPOINTS.map(() => PERMISSIONS_EACH));
        expect(limiter.allowedInFlight).toBeGreaterThan(4);
        expect(running.requests.every((r) => r.status === 200)).toBe(true);
    });

    it("the pool opens connections as the limiter lets requests out: no more than its ceiling, and more once it is raised", async () => {
        const running = await manyCheckpoints({ latencyMs: 20 });
        const limiter = new RequestLimiter(4);
        const client = clientOf(running, { limiter });
        await listAll(client, CHECKPOINTS.slice(0, 40));
        expect(running.connectionsAccepted).toBeLessThanOrEqual(4);

        // What setMaxRequestsInFlight does to the default limiters: the pool used to stay at 16 connections.
        limiter.setMax(64);
        const before = running.connectionsAccepted;
        await listAll(client);
        expect(limiter.allowedInFlight).toBeGreaterThan(16);
        expect(running.connectionsAccepted - before).toBeGreaterThan(16);
        expect(running.connectionsAccepted - before).toBeLessThanOrEqual(64);
    });

    it("of requests rate limited together, only the one the client backed off for uses a retry", async () => {
        const running = await manyCheckpoints({ latencyMs: 20 });
        const checkpoints = CHECKPOINTS.slice(0, 8);
        // All 8 go out at once and are all refused; with no retries allowed, only the first refusal costs one.
        running.inject({ kind: "status", status: 429, retryAfterMs: 1, times: 8 });
        const client = clientOf(running, { limiter: new RequestLimiter(8), maxRetries: 0 });
        const results = await Promise.allSettled(checkpoints.map((checkpoint) => client.permissions.listAll(checkpoint)));
        const failures = results.flatMap((result) => (result.status === "rejected" ? [result.reason] : []));
        expect(failures).toHaveLength(1);
        expect(failures[0]).toBeInstanceOf(RateLimitError);
        expect(running.requests.map((r) => r.status).sort()).toEqual([...Array(7).fill(200), ...Array(8).fill(429)]);
    });

    it("a caller who gives up while waiting for a place sends nothing", async () => {
        const running = await manyCheckpoints({ latencyMs: 50 });
        const client = clientOf(running, { limiter: new RequestLimiter(1) });
        const [first, second] = CHECKPOINTS as [string, string];
        const controller = new AbortController();
        const sent = client.permissions.listAll(first);
        const waiting = client.permissions.listAll(second, { signal: controller.signal });
        controller.abort();
        await expect(waiting).rejects.toThrow(APIUserAbortError);
        await sent;
        expect(running.requests.map((r) => decodeURIComponent(r.path))).toEqual([`/v1/fine_tuning/checkpoints/${first}/permissions`]);
    });
});
