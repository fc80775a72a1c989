/**
 * The client against the emulator over real loopback HTTP: listing, grants, revokes, every error class,
 * retries, timeouts, malformed answers and stuck cursors, with the key kept out of every error.
 */
import { Agent } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startEmulator, type EmulatorSeed, type RunningEmulator } from "../../provider/emulator";
import {
    APIConnectionError,
    APITimeoutError,
    APIUserAbortError,
    AuthenticationError,
    BadRequestError,
    CheckpointPermissionsClient,
    ConflictError,
    InternalServerError,
    InvalidArgumentError,
    InvalidResponseError,
    MissingAdminKeyError,
    NotFoundError,
    OpenAIError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    RequestLimiter,
    type ClientOptions,
} from "../../provider/client";
import { ADMIN_KEY_CONFIG, BASE_URL_CONFIG, clientOptions } from "../../provider/resources/settings";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const EMPTY = "ft:gpt-4o-mini-2024-07-18:acme::Empty000";
const OWNER = "proj_owner";

function project(i: number): string {
    return `proj_${String(i).padStart(5, "0")}`;
}

/** A checkpoint with `count` permissions, created one second apart so the order is known. */
function seedWith(count: number): EmulatorSeed {
    return {
        checkpoints: {
            [CHECKPOINT]: {
                owner_project_id: OWNER,
                permissions: Array.from({ length: count }, (_, i) => ({ project_id: project(i), created_at: 1_700_000_000 + i })),
            },
            [EMPTY]: { owner_project_id: OWNER },
        },
    };
}

let emulator: RunningEmulator;
const debugLines: string[] = [];

function client(options: ClientOptions = {}): CheckpointPermissionsClient {
    return new CheckpointPermissionsClient({
        adminKey: emulator.adminKey,
        baseUrl: emulator.baseUrl,
        // Each test gets its own limiter so a test's 429s do not slow the next one.
        limiter: new RequestLimiter(8),
        logger: { debug: (line) => debugLines.push(line) },
        ...options,
    });
}

beforeAll(async () => {
    emulator = await startEmulator({ seed: seedWith(0) });
});
afterAll(async () => {
    await emulator?.close();
});
beforeEach(() => {
    debugLines.length = 0;
});

describe("listing", () => {
    it.each([0, 1, 100, 101])("returns all %i permissions, newest first, in as few pages as the API allows", async (count) => {
        emulator.reset(seedWith(count));
        const listing = await client().permissions.listAll(CHECKPOINT);
        expect(listing.permissions).toHaveLength(count);
        expect(listing.permissions.map((p) => p.projectId)).toEqual(Array.from({ length: count }, (_, i) => project(count - 1 - i)));
        expect(listing.pages).toBe(Math.max(1, Math.ceil(count / 100)));
        expect(emulator.requests.every((r) => r.query["limit"] === "100")).toBe(true);
    });

    it("follows the cursor through 10,000 permissions without a gap or a repeat", async () => {
        emulator.reset(seedWith(10_000));
        const pages: number[] = [];
        const listing = await client().permissions.listAll(CHECKPOINT, { order: "ascending", onPage: ({ count }) => pages.push(count) });
        expect(listing.pages).toBe(100);
        expect(pages.at(-1)).toBe(10_000);
        expect(new Set(listing.permissions.map((p) => p.id)).size).toBe(10_000);
        expect(listing.permissions[0]).toMatchObject({ projectId: project(0), createdAt: 1_700_000_000 });
        expect(listing.permissions[9_999]).toMatchObject({ projectId: project(9_999) });
    });

    it("lists in ascending order and pages of a chosen size", async () => {
        emulator.reset(seedWith(5));
        const listing = await client().permissions.listAll(CHECKPOINT, { order: "ascending", pageSize: 2 });
        expect(listing.permissions.map((p) => p.projectId)).toEqual([0, 1, 2, 3, 4].map(project));
        expect(listing.pages).toBe(3);
    });

    it("filters by project", async () => {
        emulator.reset(seedWith(5));
        const listing = await client().permissions.listAll(CHECKPOINT, { projectId: project(3) });
        expect(listing.permissions.map((p) => p.projectId)).toEqual([project(3)]);
        expect(emulator.requests[0]?.query["project_id"]).toBe(project(3));
    });

    it("returns one page with its cursors", async () => {
        emulator.reset(seedWith(3));
        const page = await client().permissions.listPage(CHECKPOINT, { limit: 2 });
        expect(page.data).toHaveLength(2);
        expect(page.hasMore).toBe(true);
        expect(page.firstId).toBe(page.data[0]?.id);
        expect(page.lastId).toBe(page.data[1]?.id);
        const empty = await client().permissions.listPage(EMPTY);
        expect(empty).toEqual({ data: [], firstId: null, lastId: null, hasMore: false });
    });
});

describe("grants and revokes", () => {
    it("creates, lists and deletes a permission", async () => {
        emulator.reset(seedWith(0));
        const api = client().permissions;
        const created = await api.create(CHECKPOINT, ["proj_new", "proj_other", "proj_new"]);
        expect(created.map((p) => p.projectId).sort()).toEqual(["proj_new", "proj_other"]);
        expect(created[0]?.id).toMatch(/^cp_[A-Za-z0-9]{24}$/);
        expect((await api.listAll(CHECKPOINT)).permissions).toHaveLength(2);
        const target = created.find((p) => p.projectId === "proj_new")!;
        await expect(api.delete(CHECKPOINT, target.id)).resolves.toEqual({ id: target.id, deleted: true });
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_other"]);
    });

    it("names itself with the package's version, so a request in OpenAI's logs says which release sent it", async () => {
        emulator.reset(seedWith(0));
        await client().permissions.listAll(CHECKPOINT);
        const { version } = require("../../package.json") as { version: string };
        expect(emulator.requests[0]?.userAgent).toBe(`pulumi-openai-checkpoint-permissions/${version}`);
    });

    it("encodes a checkpoint id so it cannot change the request path", async () => {
        const odd = "ft:weird/../id?x=1#frag%";
        emulator.reset({ checkpoints: { [odd]: { owner_project_id: OWNER } } });
        await client().permissions.create(odd, ["proj_a"]);
        expect(emulator.permissions(odd).map((p) => p.project_id)).toEqual(["proj_a"]);
        expect(emulator.requests[0]?.path).toContain("ft:weird%2F..%2Fid%3Fx%3D1%23frag%25");
    });
});

describe("errors", () => {
    beforeEach(() => emulator.reset(seedWith(1)));

    it("rejects bad arguments before any request goes out", async () => {
        const api = client().permissions;
        await expect(api.listAll("  ")).rejects.toThrow(/checkpoint: must not be empty or whitespace \(got "  "\)/);
        await expect(api.listPage(CHECKPOINT, { limit: 500 })).rejects.toThrow(/limit: must be an integer from 1 to 100 \(got 500\)/);
        await expect(api.listPage(CHECKPOINT, { order: "sideways" as never })).rejects.toThrow(InvalidArgumentError);
        await expect(api.create(CHECKPOINT, [""])).rejects.toThrow(/projectIds\[0\]/);
        await expect(api.delete(CHECKPOINT, "")).rejects.toThrow(/permissionId/);
        expect(emulator.requests).toHaveLength(0);
    });

    it("needs a key, and says where to put one", () => {
        expect(() => new CheckpointPermissionsClient({ env: {} })).toThrow(MissingAdminKeyError);
        expect(() => new CheckpointPermissionsClient({ env: {} })).toThrow(/OPENAI_ADMIN_KEY/);
    });

    it("reads the key and base URL from the environment, as the official SDK does", async () => {
        const fromEnv = new CheckpointPermissionsClient({ env: { OPENAI_ADMIN_KEY: emulator.adminKey, OPENAI_BASE_URL: emulator.baseUrl } });
        expect(fromEnv.baseUrl).toBe(emulator.baseUrl);
        await expect(fromEnv.permissions.listAll(CHECKPOINT)).resolves.toMatchObject({ pages: 1 });
        expect(new CheckpointPermissionsClient({ env: { OPENAI_ADMIN_KEY: "sk-admin-x" } }).baseUrl).toBe("https://api.openai.com/v1");
    });

    it("sends the key in clear text only to this machine", () => {
        expect(() => new CheckpointPermissionsClient({ adminKey: "sk-admin-x", baseUrl: "http://api.example.com/v1" })).toThrow(
            /baseUrl: must use https unless the host is this machine/,
        );
        expect(new CheckpointPermissionsClient({ adminKey: "sk-admin-x", baseUrl: "http://localhost:8787/v1" }).baseUrl).toBe("http://localhost:8787/v1");
        expect(new CheckpointPermissionsClient({ adminKey: "sk-admin-x", baseUrl: "https://proxy.example.com/v1" }).baseUrl).toBe("https://proxy.example.com/v1");
    });

    it("maps a wrong key to AuthenticationError, with the request id and without the key", async () => {
        const secret = "sk-admin-thisIsTheWrongKeyAbcdef123456";
        const error = await client({ adminKey: secret }).permissions.listAll(CHECKPOINT).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AuthenticationError);
        const auth = error as AuthenticationError;
        expect(auth.status).toBe(401);
        expect(auth.code).toBe("invalid_api_key");
        expect(auth.requestId).toMatch(/^req_[0-9a-f]{32}$/);
        expect(auth.message).toMatch(/admin key/);
        expectNoKey(auth, secret);
    });

    it("maps a project key to PermissionDeniedError naming the missing scope", async () => {
        const secret = "sk-proj-aProjectKeyNotAnAdminKey0123456789";
        const error = await client({ adminKey: secret }).permissions.create(CHECKPOINT, ["proj_x"]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PermissionDeniedError);
        expect((error as Error).message).toContain("api.fine_tuning.checkpoints.write");
        expectNoKey(error, secret);
    });

    it("maps an unknown checkpoint to NotFoundError", async () => {
        const error = await client().permissions.listAll("ft:gpt-4o-mini:acme::Missing").catch((e: unknown) => e);
        expect(error).toBeInstanceOf(NotFoundError);
        expect((error as NotFoundError).status).toBe(404);
    });

    it("maps a rejected grant to BadRequestError with OpenAI's param", async () => {
        const error = await client().permissions.create(CHECKPOINT, [OWNER]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BadRequestError);
        expect((error as Error).message).toContain(`owning project: ${OWNER}`);
    });

    it("maps 409 to ConflictError once retries run out, and 422 to BadRequestError at once", async () => {
        emulator.inject({ kind: "status", status: 409, retryAfterMs: 1, times: 2 });
        await expect(client({ maxRetries: 1 }).permissions.listAll(CHECKPOINT)).rejects.toThrow(ConflictError);
        expect(emulator.requests).toHaveLength(2);
        emulator.clearRequests();
        emulator.inject({ kind: "status", status: 422, param: "project_ids" });
        const error = await client().permissions.create(CHECKPOINT, ["proj_x"]).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(BadRequestError);
        expect((error as BadRequestError).param).toBe("project_ids");
        expect(emulator.requests).toHaveLength(1);
    });

    it("gives up on 429 after the retries with RateLimitError, and halves the requests let out", async () => {
        const limiter = new RequestLimiter(8);
        emulator.inject({ kind: "status", status: 429, retryAfterMs: 1, times: 3 });
        const error = await client({ limiter }).permissions.listAll(CHECKPOINT).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(RateLimitError);
        expect(emulator.requests).toHaveLength(3);
        expect(limiter.allowedInFlight).toBe(1);
    });

    it("gives up on 5xx after the retries with InternalServerError", async () => {
        emulator.inject({ kind: "status", status: 503, retryAfterMs: 1, times: 2 });
        const error = await client({ maxRetries: 1 }).permissions.listAll(CHECKPOINT).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InternalServerError);
        expect((error as InternalServerError).status).toBe(503);
    });

    it("does not retry when the server says x-should-retry: false", async () => {
        emulator.inject({ kind: "status", status: 500, shouldRetry: false });
        await expect(client().permissions.listAll(CHECKPOINT)).rejects.toThrow(InternalServerError);
        expect(emulator.requests).toHaveLength(1);
    });

    it("reports a reset connection as APIConnectionError once retries run out", async () => {
        emulator.inject({ kind: "reset", times: 2 });
        await expect(client({ maxRetries: 1 }).permissions.listAll(CHECKPOINT)).rejects.toThrow(APIConnectionError);
    });

    it("names the base URL and where it is set when its host has no address (ENOTFOUND), after the retries", async () => {
        // The resolver answers ENOTFOUND as getaddrinfo does for a mistyped host: no name server is asked.
        const lookups: string[] = [];
        const unresolvable = new Agent({
            connect: {
                lookup: (hostname, _options, callback) => {
                    lookups.push(hostname);
                    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND", syscall: "getaddrinfo", hostname }), "", 0);
                },
            },
        });
        try {
            const stackConfig: Record<string, string> = { [BASE_URL_CONFIG]: "https://api.openai.con/v1", [ADMIN_KEY_CONFIG]: "sk-admin-typo-test" };
            const typo = new CheckpointPermissionsClient({
                ...clientOptions((key) => stackConfig[key]),
                dispatcher: unresolvable,
                limiter: new RequestLimiter(8),
                maxRetries: 1,
            });
            const error = await typo.permissions.listAll(CHECKPOINT).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(APIConnectionError);
            expect((error as Error).message).toMatch(/getaddrinfo ENOTFOUND api\.openai\.con/);
            expect((error as Error).message).toContain(
                "api.openai.con has no address: check the base URL https://api.openai.con/v1, set in stack config openai:baseUrl, or OPENAI_BASE_URL",
            );
            expect((error as Error).message).not.toContain("sk-admin-typo-test");
            expect(lookups).toEqual(["api.openai.con", "api.openai.con"]);
        } finally {
            await unresolvable.close();
        }
    });

    it("times out a slow attempt with APITimeoutError", async () => {
        emulator.inject({ kind: "latency", delayMs: 5_000 });
        const error = await client({ timeoutMs: 50, maxRetries: 0 }).permissions.listAll(CHECKPOINT).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(APITimeoutError);
        expect((error as Error).message).toContain("50 ms");
        await requestArrived();
    });

    it("stops when the caller aborts", async () => {
        emulator.inject({ kind: "latency", delayMs: 5_000 });
        const controller = new AbortController();
        const pending = client().permissions.listAll(CHECKPOINT, { signal: controller.signal });
        await requestArrived();
        controller.abort();
        await expect(pending).rejects.toThrow(APIUserAbortError);
    });

    it("names the field, the status and the request id of a body that does not fit", async () => {
        emulator.inject({ kind: "malformed", body: "wrong-shape" });
        const error = await client().permissions.listAll(CHECKPOINT).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidResponseError);
        const invalid = error as InvalidResponseError;
        expect(invalid.status).toBe(200);
        expect(invalid.requestId).toMatch(/^req_/);
        expect(invalid.field).not.toBe("");
        expect(invalid.message).toContain(invalid.field);
        expect(invalid.message).toContain(invalid.requestId!);
    });

    it("says a body that is not JSON is not JSON", async () => {
        emulator.inject({ kind: "malformed", body: "invalid-json" });
        await expect(client().permissions.listAll(CHECKPOINT)).rejects.toThrow(/\(body\): not JSON/);
    });

    it.each(["repeat-page", "empty-page"] as const)("ends a stuck cursor (%s) with PaginationError", async (variant) => {
        emulator.inject({ kind: "stuck-cursor", variant, times: 10 });
        const error = await client().permissions.listAll(CHECKPOINT).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PaginationError);
        expect(emulator.requests.length).toBeLessThanOrEqual(2);
    });

    it("every error is an OpenAIError", async () => {
        emulator.inject({ kind: "status", status: 400 });
        await expect(client().permissions.listAll(CHECKPOINT)).rejects.toBeInstanceOf(OpenAIError);
    });
});

describe("retries", () => {
    beforeEach(() => emulator.reset(seedWith(2)));

    it("waits as long as Retry-After says, then succeeds", async () => {
        emulator.inject({ kind: "status", status: 429, retryAfter: "0.02" });
        const listing = await client().permissions.listAll(CHECKPOINT);
        expect(listing.permissions).toHaveLength(2);
        expect(emulator.requests.map((r) => r.status)).toEqual([429, 200]);
        expect(debugLines.join("\n")).toMatch(/answered 429 .*retrying in 20 ms/);
    });

    it("backs off exponentially when the server names no delay", async () => {
        emulator.inject({ kind: "status", status: 500, times: 2 });
        const listing = await client().permissions.listAll(CHECKPOINT);
        expect(listing.permissions).toHaveLength(2);
        const delays = debugLines.map((line) => Number(/retrying in (\d+) ms/.exec(line)?.[1]));
        expect(delays).toHaveLength(2);
        expect(delays[0]).toBeGreaterThanOrEqual(375);
        expect(delays[0]).toBeLessThanOrEqual(500);
        expect(delays[1]).toBeGreaterThanOrEqual(750);
        expect(delays[1]).toBeLessThanOrEqual(1000);
    });

    it("retries a reset connection", async () => {
        emulator.inject({ kind: "reset" });
        await expect(client().permissions.listAll(CHECKPOINT)).resolves.toMatchObject({ pages: 1 });
    });
});

/**
 * Waits until the emulator has taken the queued fault, i.e. the request reached it. A request still on its
 * way when a test ends would otherwise take the next test's fault.
 */
async function requestArrived(): Promise<void> {
    await vi.waitFor(() => expect(emulator.pendingFaults()).toHaveLength(0), { interval: 5 });
}

function expectNoKey(error: unknown, secret: string): void {
    const err = error as Error & Record<string, unknown>;
    const everything = [err.message, err.stack, JSON.stringify(err), String(err.cause ?? ""), JSON.stringify(Object.entries(err))].join("\n");
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain(secret.slice(-8));
}
