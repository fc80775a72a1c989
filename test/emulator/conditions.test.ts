/**
 * The emulator's standing conditions over real loopback HTTP: a rate limit answering 429 as OpenAI does,
 * a latency on every API request, set by option, by the control endpoint and by CLI flags.
 */
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { InvalidConditionsError, startEmulator, type RunningEmulator } from "../../provider/emulator";
import { parseCliArgs, UsageError } from "../../provider/emulator/cli-args";
import { formatDuration } from "../../provider/emulator/conditions";
import { call, expectError, permissionsUrl } from "./support/http";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::Limited";
const seed = { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner" } } };

let emulator: RunningEmulator | undefined;
afterEach(async () => {
    await emulator?.close();
    emulator = undefined;
});

const controlUrl = (running: RunningEmulator, path: string) => `${new URL(running.baseUrl).origin}/_emulator${path}`;

describe("rate limit", () => {
    it("lets the burst through, then answers 429 with retry-after, retry-after-ms and OpenAI's error", async () => {
        // One request per 100 s after a burst of 2: the third request is refused, however slow the machine.
        emulator = await startEmulator({ seed, rateLimit: { requestsPerSecond: 0.01, burst: 2 } });
        const url = permissionsUrl(emulator, CHECKPOINT);
        expect((await call(url)).status).toBe(200);
        expect((await call(url)).status).toBe(200);
        const refused = await call(url);
        expectError(refused, 429, { type: "requests", code: "rate_limit_exceeded", param: null });
        expect((refused.json as { error: { message: string } }).error.message).toMatch(/^Rate limit reached for requests per second \(RPS\): Limit 0\.01.*Please try again in \d/);
        const retryAfterMs = Number(refused.headers.get("retry-after-ms"));
        expect(retryAfterMs).toBeGreaterThan(90_000);
        expect(retryAfterMs).toBeLessThanOrEqual(100_000);
        expect(refused.headers.get("retry-after")).toBe(String(Math.ceil(retryAfterMs / 1000)));
        expect(refused.headers.get("x-ratelimit-remaining-requests")).toBe("0");
        expect(emulator.requests.map((r) => r.status)).toEqual([200, 200, 429]);
    });

    it("says on every answer where the limit stands: x-ratelimit-limit, -remaining and -reset-requests, as OpenAI documents them", async () => {
        // 0.01 a second: the bucket does not visibly refill during the test, however slow the machine.
        emulator = await startEmulator({ seed, rateLimit: { requestsPerSecond: 0.01, burst: 3 } });
        const url = permissionsUrl(emulator, CHECKPOINT);
        const answers = [await call(url), await call(url), await call(url), await call(url)];
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
        expect(answers.map((a) => a.headers.get("x-ratelimit-limit-requests"))).toEqual(["3", "3", "3", "3"]);
        expect(answers.map((a) => a.headers.get("x-ratelimit-remaining-requests"))).toEqual(["2", "1", "0", "0"]);
        // The time until the limit is back to its initial state (a full bucket), as a duration: 100 s per request used.
        const resets = answers.map((a) => a.headers.get("x-ratelimit-reset-requests")!);
        for (const reset of resets) expect(reset).toMatch(/^(\d+m)?\d+(\.\d+)?s$/);
        expect(resets[0]).toMatch(/^1m40(\.\d+)?s$/);
        expect(resets[2]).toMatch(/^(4m59\.\d+|5m0)s$/);
        // An error answer carries them too (a fault answering by itself uses none of the limit).
        emulator.inject({ kind: "status", status: 503 });
        const failed = await call(url);
        expect(failed.status).toBe(503);
        expect(failed.headers.get("x-ratelimit-remaining-requests")).toBe("0");
        expect(failed.headers.get("x-ratelimit-limit-requests")).toBe("3");
    });

    it("writes durations as OpenAI's headers do", () => {
        expect([0, 0.2, 20, 999, 1000, 1500, 59_999, 60_000, 360_000, 3_723_000].map(formatDuration)).toEqual([
            "0s",
            "1ms",
            "20ms",
            "999ms",
            "1s",
            "1.5s",
            "59.999s",
            "1m0s",
            "6m0s",
            "1h2m3s",
        ]);
    });

    it("sends no rate-limit headers without a rate limit", async () => {
        emulator = await startEmulator({ seed });
        const answer = await call(permissionsUrl(emulator, CHECKPOINT));
        expect(answer.headers.get("x-ratelimit-remaining-requests")).toBeNull();
    });

    it("does not limit the control endpoints, and lifts or sets the limit through them", async () => {
        emulator = await startEmulator({ seed, rateLimit: { requestsPerSecond: 0.01, burst: 1 } });
        const url = permissionsUrl(emulator, CHECKPOINT);
        expect((await call(url)).status).toBe(200);
        expect((await call(url)).status).toBe(429);
        for (let i = 0; i < 3; i++) expect((await call(controlUrl(emulator, "/conditions"), { key: null })).status).toBe(200);

        const lifted = await call(controlUrl(emulator, "/conditions"), { method: "PUT", key: null, body: { rateLimit: null } });
        expect(lifted.json).toEqual({ conditions: { latencyMs: 0, rateLimit: null, auditLogDelaySeconds: 0 } });
        expect((await call(url)).status).toBe(200);

        const set = await call(controlUrl(emulator, "/conditions"), { method: "PUT", key: null, body: { rateLimit: { requestsPerSecond: 0.01 } } });
        // The burst defaults to one second's worth, and at least one request.
        expect(set.json).toEqual({ conditions: { latencyMs: 0, rateLimit: { requestsPerSecond: 0.01, burst: 1 }, auditLogDelaySeconds: 0 } });
        expect((await call(url)).status).toBe(200);
        expect((await call(url)).status).toBe(429);
        expect((await call(controlUrl(emulator, "/state"), { key: null })).json).toMatchObject({
            conditions: { rateLimit: { requestsPerSecond: 0.01, burst: 1 } },
        });
    });

    it("keeps the conditions across a reset", async () => {
        emulator = await startEmulator({ seed, latencyMs: 5, rateLimit: { requestsPerSecond: 3, burst: 4 }, auditLogDelaySeconds: 30 });
        emulator.reset();
        expect(emulator.conditions()).toEqual({ latencyMs: 5, rateLimit: { requestsPerSecond: 3, burst: 4 }, auditLogDelaySeconds: 30 });
    });

    it("a fault that answers by itself stands in front of the limit and uses none of it", async () => {
        emulator = await startEmulator({ seed, rateLimit: { requestsPerSecond: 0.01, burst: 1 } });
        emulator.inject({ kind: "status", status: 503 });
        const url = permissionsUrl(emulator, CHECKPOINT);
        expect((await call(url)).status).toBe(503);
        expect((await call(url)).status).toBe(200);
        expect((await call(url)).status).toBe(429);
    });
});

describe("latency", () => {
    it("holds every API request back, and not the control endpoints", async () => {
        emulator = await startEmulator({ seed, latencyMs: 60_000 });
        const slow = fetch(permissionsUrl(emulator, CHECKPOINT), { signal: AbortSignal.timeout(200) });
        await expect(slow).rejects.toThrow(/abort|timeout/i);
        expect((await call(controlUrl(emulator, "/conditions"), { key: null })).json).toEqual({ conditions: { latencyMs: 60_000, rateLimit: null, auditLogDelaySeconds: 0 } });
        emulator.setConditions({ latencyMs: 0 });
        expect((await call(permissionsUrl(emulator, CHECKPOINT))).status).toBe(200);
    });
});

describe("invalid conditions", () => {
    it("are refused before the emulator starts, naming the field and the value", async () => {
        await expect(startEmulator({ rateLimit: { requestsPerSecond: 0 } })).rejects.toThrow(InvalidConditionsError);
        await expect(startEmulator({ rateLimit: { requestsPerSecond: 10, burst: 1.5 } })).rejects.toThrow(/rateLimit\.burst.*1\.5/);
        await expect(startEmulator({ latencyMs: -1 })).rejects.toThrow(/latencyMs.*-1/);
        await expect(startEmulator({ auditLogDelaySeconds: 2.5 })).rejects.toThrow(/auditLogDelaySeconds: expected an integer from 0 to 86400, got 2\.5/);
        await expect(startEmulator({ auditLogDelaySeconds: 300_000 })).rejects.toThrow(/auditLogDelaySeconds.*300000/);
    });

    it("are answered 400 by the control endpoint, and change nothing", async () => {
        emulator = await startEmulator({ seed, latencyMs: 3 });
        const reply = await call(controlUrl(emulator, "/conditions"), { method: "PUT", key: null, body: { latencyMs: 1, rateLimit: { rps: 5 } } });
        expectError(reply, 400);
        expect(reply.text).toContain('unknown field \\"rps\\"');
        expect(emulator.conditions()).toEqual({ latencyMs: 3, rateLimit: null, auditLogDelaySeconds: 0 });
        expectError(await call(controlUrl(emulator, "/conditions"), { method: "DELETE", key: null }), 405);
    });
});

describe("CLI flags", () => {
    it("set the latency, the rate limit and the audit log's delay", () => {
        expect(parseCliArgs(["--port", "0", "--latency-ms", "20", "--rate-limit", "100", "--rate-limit-burst", "10"]).conditions).toEqual({
            latencyMs: 20,
            rateLimit: { requestsPerSecond: 100, burst: 10 },
        });
        expect(parseCliArgs(["--port", "0", "--rate-limit", "0.5"]).conditions).toEqual({ rateLimit: { requestsPerSecond: 0.5 } });
        expect(parseCliArgs(["--port", "0", "--audit-log-delay-seconds", "30"]).conditions).toEqual({ auditLogDelaySeconds: 30 });
    });

    it.each([
        [["--latency-ms", "soon"], "--latency-ms value 'soon'"],
        [["--latency-ms", "1.5"], "latencyMs"],
        [["--rate-limit", "0"], "rateLimit.requestsPerSecond"],
        [["--rate-limit-burst", "5"], "--rate-limit-burst needs --rate-limit"],
        [["--audit-log-delay-seconds", "later"], "--audit-log-delay-seconds value 'later'"],
        [["--audit-log-delay-seconds", "0.5"], "auditLogDelaySeconds"],
    ])("reject %j, naming the flag or the field", (flags, message) => {
        expect(() => parseCliArgs(["--port", "0", ...flags])).toThrow(UsageError);
        expect(() => parseCliArgs(["--port", "0", ...flags])).toThrow(message);
    });
});

describe("connections", () => {
    it("counts the TCP connections it accepted", async () => {
        const running = (emulator = await startEmulator({ seed }));
        const before = running.connectionsAccepted;
        // A fresh connection each time: no keep-alive agent.
        for (let i = 0; i < 3; i++) {
            await new Promise<void>((resolve, reject) => {
                request(permissionsUrl(running, CHECKPOINT), { agent: false, headers: { authorization: `Bearer ${running.adminKey}` } }, (res) => {
                    res.resume();
                    res.on("end", resolve);
                })
                    .on("error", reject)
                    .end();
            });
        }
        expect(running.connectionsAccepted - before).toBe(3);
    });
});
