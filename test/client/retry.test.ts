import { describe, expect, it } from "vitest";
import { retryDelayMs, shouldRetryStatus } from "../../provider/client/retry";

const headers = (h: Record<string, string>) => (name: string) => h[name];
const noJitter = () => 0;

describe("shouldRetryStatus", () => {
    it.each([408, 409, 429, 500, 502, 503])("retries %i", (status) => {
        expect(shouldRetryStatus(status, headers({}))).toBe(true);
    });
    it.each([400, 401, 403, 404, 422])("does not retry %i", (status) => {
        expect(shouldRetryStatus(status, headers({}))).toBe(false);
    });
    it("lets x-should-retry override the status either way", () => {
        expect(shouldRetryStatus(400, headers({ "x-should-retry": "true" }))).toBe(true);
        expect(shouldRetryStatus(503, headers({ "x-should-retry": "false" }))).toBe(false);
    });
});

describe("retryDelayMs", () => {
    it("backs off exponentially from 0.5 s and caps at 8 s", () => {
        expect([0, 1, 2, 3, 4, 5, 9].map((n) => retryDelayMs(n, headers({}), 0, noJitter))).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
    });
    it("takes at most a quarter off for jitter", () => {
        expect(retryDelayMs(0, headers({}), 0, () => 0.999)).toBeGreaterThan(375);
        expect(retryDelayMs(0, headers({}), 0, () => 0.999)).toBeLessThan(500);
    });
    it("prefers retry-after-ms, then retry-after in seconds", () => {
        expect(retryDelayMs(0, headers({ "retry-after-ms": "1234", "retry-after": "9" }), 0, noJitter)).toBe(1234);
        expect(retryDelayMs(0, headers({ "retry-after": "3" }), 0, noJitter)).toBe(3000);
        expect(retryDelayMs(0, headers({ "retry-after": "0.25" }), 0, noJitter)).toBe(250);
    });
    it("reads retry-after as an HTTP date", () => {
        const now = Date.parse("2026-11-28T12:00:00Z");
        expect(retryDelayMs(0, headers({ "retry-after": "Sat, 28 Nov 2026 12:00:05 GMT" }), now, noJitter)).toBe(5000);
    });
    it("ignores a server delay over 60 s or in the past and backs off instead", () => {
        expect(retryDelayMs(1, headers({ "retry-after": "120" }), 0, noJitter)).toBe(1000);
        const now = Date.parse("2026-11-28T12:00:00Z");
        expect(retryDelayMs(0, headers({ "retry-after": "Sat, 28 Nov 2026 11:59:00 GMT" }), now, noJitter)).toBe(500);
    });
});
