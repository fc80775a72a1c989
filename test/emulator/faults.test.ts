import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InvalidFaultError, startEmulator, type EmulatorSeed, type Fault, type RunningEmulator } from "../../provider/emulator";
import { call, expectError, expectList, list, permissionsUrl, permissionUrl, REQUEST_ID } from "./support/http";
import { schemaErrors } from "./support/spec";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const OTHER = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-200";

const seed: EmulatorSeed = {
    checkpoints: {
        [CHECKPOINT]: {
            owner_project_id: "proj_owner",
            permissions: [
                { project_id: "proj_a", created_at: 1_700_000_001 },
                { project_id: "proj_b", created_at: 1_700_000_002 },
                { project_id: "proj_c", created_at: 1_700_000_003 },
            ],
        },
        [OTHER]: { owner_project_id: "proj_owner" },
    },
};

let emulator: RunningEmulator;
beforeAll(async () => {
    emulator = await startEmulator({ seed });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const get = () => call(permissionsUrl(emulator, CHECKPOINT));
const post = (projectIds: string[]) => call(permissionsUrl(emulator, CHECKPOINT), { method: "POST", body: { project_ids: projectIds } });

describe("status faults", () => {
    it("answers 429 with Retry-After, retry-after-ms and x-should-retry, then recovers", async () => {
        emulator.inject({ kind: "status", status: 429, retryAfter: 2, retryAfterMs: 1500, shouldRetry: true });
        const reply = await get();
        expectError(reply, 429, { code: "rate_limit_exceeded", param: null });
        expect(reply.headers.get("retry-after")).toBe("2");
        expect(reply.headers.get("retry-after-ms")).toBe("1500");
        expect(reply.headers.get("x-should-retry")).toBe("true");
        expectList(await get());
        expect(emulator.requests.map((r) => [r.status, r.fault])).toEqual([
            [429, "status"],
            [200, undefined],
        ]);
    });

    it.each([
        [408, "timeout"],
        [500, "server_error"],
        [502, "server_error"],
        [503, "server_error"],
    ])("answers %i with an OpenAI-shaped body of type %s", async (status, type) => {
        emulator.inject({ kind: "status", status });
        const reply = await get();
        expectError(reply, status, { type });
        expect(reply.headers.get("retry-after")).toBeNull();
    });

    it("uses the fault's own message, type, code, param and headers, and x-should-retry: false", async () => {
        emulator.inject({
            kind: "status",
            status: 500,
            message: "boom",
            type: "server_error",
            code: "internal",
            param: "p",
            shouldRetry: false,
            headers: { "x-custom": "yes" },
        });
        const reply = await get();
        expectError(reply, 500, { message: "boom", type: "server_error", code: "internal", param: "p" });
        expect(reply.headers.get("x-should-retry")).toBe("false");
        expect(reply.headers.get("x-custom")).toBe("yes");
    });

    it("applies `times` times, then lets requests through", async () => {
        emulator.inject({ kind: "status", status: 503, times: 2 });
        expect((await get()).status).toBe(503);
        expect(emulator.pendingFaults()).toEqual([{ fault: { kind: "status", status: 503, times: 2 }, remaining: 1 }]);
        expect((await get()).status).toBe(503);
        expect((await get()).status).toBe(200);
        expect(emulator.pendingFaults()).toEqual([]);
    });

    it("answers before auth and without changing state", async () => {
        emulator.inject({ kind: "status", status: 500 });
        expect((await call(permissionsUrl(emulator, CHECKPOINT), { method: "POST", key: null, body: { project_ids: ["proj_z"] } })).status).toBe(500);
        expect(emulator.permissions(CHECKPOINT)).toHaveLength(3);
    });
});

describe("matching", () => {
    it("matches by method, leaving other requests alone", async () => {
        emulator.inject({ kind: "status", status: 500, match: { method: "post" } });
        expect((await get()).status).toBe(200);
        expect((await post(["proj_z"])).status).toBe(500);
        expect((await post(["proj_z"])).status).toBe(200);
    });

    it("matches by operation", async () => {
        emulator.inject({ kind: "status", status: 500, match: { operation: "delete" } });
        expect((await post(["proj_z"])).status).toBe(200);
        const [permission] = emulator.permissions(CHECKPOINT);
        expect((await call(permissionUrl(emulator, CHECKPOINT, permission?.id ?? ""), { method: "DELETE" })).status).toBe(500);
    });

    it("matches by a path substring, raw or decoded", async () => {
        emulator.inject({ kind: "status", status: 500, match: { pathIncludes: "ckpt-step-200" } });
        emulator.inject({ kind: "status", status: 502, match: { pathIncludes: "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100" } });
        expect((await get()).status).toBe(502);
        expect((await call(permissionsUrl(emulator, OTHER))).status).toBe(500);
    });

    it("takes the first matching fault in queue order, one per request", async () => {
        emulator.inject({ kind: "status", status: 500, match: { method: "POST" } });
        emulator.inject({ kind: "status", status: 502 });
        emulator.inject({ kind: "status", status: 503 });
        expect((await get()).status).toBe(502);
        expect((await post(["proj_z"])).status).toBe(500);
        expect((await get()).status).toBe(503);
        expect((await get()).status).toBe(200);
    });

    it("rejects a malformed fault without queueing it", () => {
        expect(() => emulator.inject({ kind: "status", status: 200 } as Fault)).toThrow(InvalidFaultError);
        expect(() => emulator.inject({ kind: "teleport" } as unknown as Fault)).toThrow(InvalidFaultError);
        expect(() => emulator.inject({ kind: "reset", times: 0 })).toThrow(/times/);
        expect(emulator.pendingFaults()).toEqual([]);
    });
});

describe("latency", () => {
    it("delays the response, then answers normally", async () => {
        emulator.inject({ kind: "latency", delayMs: 120 });
        const started = performance.now();
        const page = expectList(await get());
        expect(performance.now() - started).toBeGreaterThanOrEqual(100);
        expect(page.data).toHaveLength(3);
    });

    it("delays a status fault by delayMs", async () => {
        emulator.inject({ kind: "status", status: 503, delayMs: 80 });
        const started = performance.now();
        expect((await get()).status).toBe(503);
        expect(performance.now() - started).toBeGreaterThanOrEqual(60);
    });
});

describe("connection resets", () => {
    it("drops the connection without a response, then serves the next request", async () => {
        emulator.inject({ kind: "reset" });
        await expect(get()).rejects.toThrow(TypeError);
        expect(emulator.requests).toMatchObject([{ method: "GET", status: 0, fault: "reset" }]);
        expectList(await get());
    });
});

describe("malformed bodies", () => {
    it("answers 200 with a body that is not JSON", async () => {
        emulator.inject({ kind: "malformed", body: "invalid-json" });
        const reply = await get();
        expect(reply.status).toBe(200);
        expect(reply.headers.get("content-type")).toBe("application/json");
        expect(reply.headers.get("x-request-id")).toMatch(REQUEST_ID);
        expect(() => JSON.parse(reply.text)).toThrow(SyntaxError);
    });

    it("answers 200 with JSON that fits none of the spec's responses", async () => {
        emulator.inject({ kind: "malformed", body: "wrong-shape", match: { operation: "create" } });
        const reply = await post(["proj_z"]);
        expect(reply.status).toBe(200);
        expect(schemaErrors("ListFineTuningCheckpointPermissionResponse", reply.json)).toBeDefined();
        expect(schemaErrors("DeleteFineTuningCheckpointPermissionResponse", reply.json)).toBeDefined();
        expect(schemaErrors("ErrorResponse", reply.json)).toBeDefined();
        expect(emulator.permissions(CHECKPOINT)).toHaveLength(3);
    });
});

describe("stuck cursors", () => {
    it("repeat-page: keeps answering the first page with has_more, so last_id never advances", async () => {
        emulator.inject({ kind: "stuck-cursor", variant: "repeat-page", times: 3 });
        const first = await list(emulator, CHECKPOINT, { limit: "2" });
        expect(first.has_more).toBe(true);
        const second = await list(emulator, CHECKPOINT, { limit: "2", after: first.last_id ?? "" });
        expect(second.last_id).toBe(first.last_id);
        expect(second.has_more).toBe(true);
        // Even a page that is really the last one claims more.
        const third = await list(emulator, CHECKPOINT, { limit: "10" });
        expect(third).toMatchObject({ has_more: true });
        expect(third.data).toHaveLength(3);
        // Fault used up: the cursor works again.
        expect((await list(emulator, CHECKPOINT, { limit: "2", after: first.last_id ?? "" })).data).toHaveLength(1);
    });

    it("empty-page: no data, null ids, has_more true (schema-valid but useless)", async () => {
        emulator.inject({ kind: "stuck-cursor", variant: "empty-page" });
        expect(await list(emulator, CHECKPOINT)).toEqual({ object: "list", data: [], first_id: null, last_id: null, has_more: true });
    });

    it("applies only to successful list requests", async () => {
        emulator.inject({ kind: "stuck-cursor", variant: "empty-page" });
        expect(expectList(await post(["proj_z"])).data).toHaveLength(1);
        expect(emulator.pendingFaults()).toHaveLength(1);
        expect((await list(emulator, CHECKPOINT)).has_more).toBe(true);
    });
});

describe("closing during latency", () => {
    it("drops a delayed request at close() instead of waiting it out", async () => {
        const short = await startEmulator({ seed });
        short.inject({ kind: "latency", delayMs: 60_000 });
        const pending = call(permissionsUrl(short, CHECKPOINT));
        // Wait for the request to be in flight: the fault is taken on arrival.
        while (short.pendingFaults().length > 0) await new Promise((resolve) => setImmediate(resolve));
        await short.close();
        // Dropped, not answered once the latency is waited out.
        await expect(pending).rejects.toThrow(TypeError);
    });
});
