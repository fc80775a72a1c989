/**
 * What a server says about retrying, over the wire: `retry-after` in seconds, `retry-after-ms`, an HTTP date,
 * junk, and `x-should-retry` either way. The client's announced wait is read from its log line, and the test
 * aborts there: nothing sleeps on the wall clock, and the HTTP date is read against a clock that stands still.
 */
import { describe, expect, it, vi } from "vitest";
import { APIUserAbortError, BadRequestError, InternalServerError } from "../../provider/client";
import { CHECKPOINT, failure, faultClient, hostileServers, pageWire, sendJson } from "./hostile-server";

const serve = hostileServers();

const OVERLOADED = JSON.stringify({ error: { message: "The server is overloaded or not ready yet.", type: "server_error", code: null, param: null } });

/**
 * The wait the client announces before retrying a 503 carrying `headers`. (A 503, not a 429: a 429 also
 * pauses the client's limiter, which has tests of its own.)
 */
async function announcedWaitMs(headers: Record<string, string>): Promise<number> {
    const server = await serve((_req, res) => sendJson(res, 503, OVERLOADED, headers));
    const abort = new AbortController();
    const lines: string[] = [];
    const client = faultClient(server, {
        maxRetries: 1,
        logger: {
            debug: (line) => {
                lines.push(line);
                abort.abort();
            },
        },
    });
    const error = await failure(client.permissions.listAll(CHECKPOINT, { signal: abort.signal }));
    expect(error).toBeInstanceOf(APIUserAbortError);
    // The first line the client logged announces the retry, with a whole number of milliseconds.
    expect(lines[0]).toMatch(/retrying in \d+ ms/);
    return Number(/retrying in (\d+) ms/.exec(lines[0]!)![1]);
}

describe("retry-after (held)", () => {
    it("in seconds", async () => {
        expect(await announcedWaitMs({ "retry-after": "3" })).toBe(3_000);
    });

    it("in milliseconds, preferred to seconds", async () => {
        expect(await announcedWaitMs({ "retry-after-ms": "1234", "retry-after": "9" })).toBe(1_234);
    });

    it("as an HTTP date", async () => {
        // The client's clock stands still on a whole second (only Date is faked: timers and sockets are real), so
        // the date five seconds on is a wait of exactly 5,000 ms however long the request takes.
        vi.useFakeTimers({ toFake: ["Date"], now: Date.UTC(2026, 11, 7, 12, 0, 0) });
        try {
            const inFiveSeconds = new Date(Date.now() + 5_000).toUTCString();
            expect(await announcedWaitMs({ "retry-after": inFiveSeconds })).toBe(5_000);
        } finally {
            vi.useRealTimers();
        }
    });

    it.each([["soon"], ["-5"], ["99999"], ["Thu, 99 Nov 9999 99:99:99 GMT"]])("as junk (%j): the usual backoff, never a wait the server picked", async (value) => {
        const wait = await announcedWaitMs({ "retry-after": value, "retry-after-ms": value });
        expect(wait).toBeGreaterThanOrEqual(375);
        expect(wait).toBeLessThanOrEqual(500);
    });
});

describe("x-should-retry (held)", () => {
    it("false: a 503 is not retried", async () => {
        const hostile = await serve((_req, res) => sendJson(res, 503, OVERLOADED, { "x-should-retry": "false" }));
        await expect(faultClient(hostile, { maxRetries: 2 }).permissions.listAll(CHECKPOINT)).rejects.toThrow(InternalServerError);
        expect(hostile.received).toHaveLength(1);
    });

    it("true: a 400 is retried, and the retry's answer is used", async () => {
        const hostile = await serve((_req, res, index) =>
            index === 0 ? sendJson(res, 400, OVERLOADED, { "x-should-retry": "true", "retry-after-ms": "0" }) : sendJson(res, 200, pageWire([], false)),
        );
        await expect(faultClient(hostile, { maxRetries: 1 }).permissions.listAll(CHECKPOINT)).resolves.toMatchObject({ permissions: [] });
        expect(hostile.received).toHaveLength(2);
    });

    it("true on every answer still stops after maxRetries", async () => {
        const hostile = await serve((_req, res) => sendJson(res, 400, OVERLOADED, { "x-should-retry": "true", "retry-after-ms": "0" }));
        await expect(faultClient(hostile, { maxRetries: 2 }).permissions.listAll(CHECKPOINT)).rejects.toThrow(BadRequestError);
        expect(hostile.received).toHaveLength(3);
    });
});
