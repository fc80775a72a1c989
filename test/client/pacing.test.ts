/**
 * Pacing from what the API says: OpenAI's `x-ratelimit-*-requests` headers read (a malformed one ignored) and,
 * over real loopback HTTP, a burst of listings under a rate limit finishing without a refusal, where the same
 * limiter deaf to those headers is refused. The limit's time moves only while a limiter waits (JumpClock), so the
 * counts do not depend on the machine's speed. Behaviour only: how fast is for `npm run bench`.
 */
import { describe, expect, it } from "vitest";
import { startEmulator } from "../../provider/emulator";
import { CheckpointPermissionsClient, RequestLimiter, type AcquireOptions, type Permit } from "../../provider/client";
import { parseDurationMs, requestQuota } from "../../provider/client/retry";
import { JumpClock } from "../support/jump-clock";

const headers = (h: Record<string, string>) => (name: string) => h[name];
const valid = { "x-ratelimit-limit-requests": "60", "x-ratelimit-remaining-requests": "59", "x-ratelimit-reset-requests": "1s" };

describe("requestQuota", () => {
    it("reads OpenAI's request headers, durations as OpenAI writes them", () => {
        expect(requestQuota(headers(valid))).toEqual({ limit: 60, remaining: 59, resetMs: 1000 });
        expect(["20ms", "1.5s", "6m0s", "1h2m3s", "0s", "2m59.5s"].map(parseDurationMs)).toEqual([20, 1500, 360_000, 3_723_000, 0, 179_500]);
    });

    it.each([
        ["missing", { "x-ratelimit-remaining-requests": undefined }],
        ["a remaining that is no count", { "x-ratelimit-remaining-requests": "-1" }],
        ["a remaining that is a fraction", { "x-ratelimit-remaining-requests": "2.5" }],
        ["a limit of 0", { "x-ratelimit-limit-requests": "0" }],
        ["a limit that is text", { "x-ratelimit-limit-requests": "lots" }],
        ["a reset without unit", { "x-ratelimit-reset-requests": "20" }],
        ["a reset as a date", { "x-ratelimit-reset-requests": "Fri, 04 Dec 2026 21:00:00 GMT" }],
        ["a negative reset", { "x-ratelimit-reset-requests": "-1s" }],
        ["an empty reset", { "x-ratelimit-reset-requests": "" }],
    ])("ignores the quota when a header is %s", (_, change) => {
        const h: Record<string, string> = { ...valid };
        for (const [name, value] of Object.entries(change)) {
            if (value === undefined) delete h[name];
            else h[name] = value;
        }
        expect(requestQuota(headers(h))).toBeUndefined();
    });
});

/** The same limiter, deaf to the API's quota: how the client behaved before it paced. */
class UnpacedLimiter extends RequestLimiter {
    override async acquire(options?: AcquireOptions): Promise<Permit> {
        const permit = await super.acquire(options);
        return { ...permit, quota: () => undefined };
    }
}

describe("a burst of listings under a rate limit", () => {
    it("finishes with no failure and no 429 when paced from the headers; the same limiter deaf to them is refused", async () => {
        // The limit's bucket and the limiters share a clock that moves only while a limiter waits: 200 listings
        // meet 100 requests' worth of bucket, and it refills only when a limiter holds back for it.
        const clock = new JumpClock();
        const checkpoints = Array.from({ length: 200 }, (_, i) => `ft:gpt-4o-mini-2024-07-18:acme::Paced${i}`);
        const permissionsEach = 50;
        const running = await startEmulator({
            latencyMs: 20,
            rateLimitClock: () => clock.now(),
            seed: {
                checkpoints: Object.fromEntries(
                    checkpoints.map((checkpoint) => [
                        checkpoint,
                        { owner_project_id: "proj_owner", permissions: Array.from({ length: permissionsEach }, (_, i) => ({ project_id: `proj_${i}` })) },
                    ]),
                ),
            },
        });
        const burst = async (limiter: RequestLimiter) => {
            running.setConditions({ rateLimit: { requestsPerSecond: 100, burst: 100 } }); // a full bucket
            running.clearRequests();
            const client = new CheckpointPermissionsClient({ adminKey: running.adminKey, baseUrl: running.baseUrl, limiter });
            const results = await Promise.allSettled(checkpoints.map((checkpoint) => client.permissions.listAll(checkpoint)));
            const failed = results.filter((r) => r.status === "rejected" || r.value.permissions.length !== permissionsEach).length;
            const requests = running.requests;
            return { failed, requests: requests.length, refused: requests.filter((r) => r.status === 429).length };
        };
        let paced, unpaced;
        try {
            paced = await burst(new RequestLimiter(256, { clock }));
            unpaced = await burst(new UnpacedLimiter(256, { clock }));
        } finally {
            await running.close();
        }
        expect(paced).toEqual({ failed: 0, requests: 200, refused: 0 });
        // Deaf, it sends on past the bucket before any wait has moved the clock: the 101st request at least is refused.
        expect(unpaced.refused).toBeGreaterThan(0);
    });
});
