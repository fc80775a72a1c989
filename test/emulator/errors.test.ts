import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorSeed, type RunningEmulator } from "../../provider/emulator";
import { call, expectError, permissionsUrl, permissionUrl } from "./support/http";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const UNKNOWN = "ft:gpt-4o-mini-2024-07-18:acme::Missing1";

const seed: EmulatorSeed = {
    checkpoints: {
        [CHECKPOINT]: {
            owner_project_id: "proj_owner",
            permissions: [{ id: "cp_existing", project_id: "proj_existing", created_at: 1_700_000_000 }],
        },
    },
};

const MISSING_KEY_MESSAGE =
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
    "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API " +
    "from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.";

let emulator: RunningEmulator;
beforeAll(async () => {
    emulator = await startEmulator({ seed });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const listUrl = (query: Record<string, string> = {}) => permissionsUrl(emulator, CHECKPOINT, query);
const post = (body: unknown) => call(listUrl(), { method: "POST", body });

describe("authentication", () => {
    it.each([
        ["no Authorization header", null as string | null, undefined],
        ["a non-Bearer scheme", null, "Basic c2stYWRtaW46"],
        ["an empty Bearer", null, "Bearer "],
    ])("answers 401 without a key (%s)", async (_, key, header) => {
        const reply = await call(listUrl(), { key, ...(header ? { headers: { authorization: header } } : {}) });
        expectError(reply, 401, { message: MISSING_KEY_MESSAGE, type: "invalid_request_error", param: null, code: null });
    });

    it("answers 401 invalid_api_key for a wrong key, echoing it masked like OpenAI", async () => {
        const key = "sk-admin-wrong-key-abcd";
        const reply = await call(listUrl(), { key });
        const error = expectError(reply, 401, { type: "invalid_request_error", param: null, code: "invalid_api_key" });
        expect(error.message).toBe(
            "Incorrect API key provided: sk-adm*************abcd. You can find your API key at https://platform.openai.com/account/api-keys.",
        );
        expect(reply.text).not.toContain(key);
    });

    it.each([
        ["GET", "api.fine_tuning.checkpoints.read"],
        ["POST", "api.fine_tuning.checkpoints.write"],
        ["DELETE", "api.fine_tuning.checkpoints.write"],
    ])("answers 403 for a project key on %s, naming the missing scope", async (method, scope) => {
        const url = method === "DELETE" ? permissionUrl(emulator, CHECKPOINT, "cp_existing") : listUrl();
        const body = method === "POST" ? { project_ids: ["proj_a"] } : undefined;
        const reply = await call(url, { method, key: "sk-proj-abcdefghijklmnopqrstuvwxyz", body });
        const error = expectError(reply, 403, { type: "invalid_request_error" });
        expect(error.message).toBe(`You have insufficient permissions for this operation. Missing scopes: ${scope}`);
        expect(emulator.permissions(CHECKPOINT)).toHaveLength(1);
    });

    it("accepts only the configured admin key", async () => {
        const custom = await startEmulator({ seed, adminKey: "sk-admin-custom-0123456789" });
        try {
            expect((await call(permissionsUrl(custom, CHECKPOINT), { key: "sk-admin-custom-0123456789" })).status).toBe(200);
            expectError(await call(permissionsUrl(custom, CHECKPOINT)), 401, { code: "invalid_api_key" });
        } finally {
            await custom.close();
        }
    });
});

describe("unknown checkpoints", () => {
    it.each(["GET", "POST", "DELETE"])("answers 404 model_not_found on %s, naming the checkpoint", async (method) => {
        const url = method === "DELETE" ? permissionUrl(emulator, UNKNOWN, "cp_existing") : permissionsUrl(emulator, UNKNOWN);
        const body = method === "POST" ? { project_ids: ["proj_a"] } : undefined;
        const error = expectError(await call(url, { method, body }), 404, { type: "invalid_request_error", code: "model_not_found" });
        expect(error.message).toContain(UNKNOWN);
    });
});

describe("list parameters", () => {
    it.each([
        ["limit", "abc"],
        ["limit", "1.5"],
        ["limit", ""],
        ["limit", "0"],
        ["limit", "-3"],
        ["limit", "101"],
        ["order", "newest"],
        ["order", "DESCENDING"],
        ["after", "cp_not_a_permission"],
        ["after", ""],
        ["project_id", ""],
    ])("answers 400 for %s=%j, naming the parameter", async (param, value) => {
        const error = expectError(await call(listUrl({ [param]: value })), 400, { type: "invalid_request_error", param });
        expect(error.message).toContain(param);
    });

    it("rejects an `after` that is a permission of another checkpoint", async () => {
        emulator.addCheckpoint("ft:other", "proj_owner");
        const foreign = emulator.grant("ft:other", "proj_z");
        expectError(await call(listUrl({ after: foreign.id })), 400, { param: "after" });
    });
});

describe("create bodies", () => {
    it.each([
        ["not JSON", "{project_ids: [", null],
        ["a JSON array", [], null],
        ["a JSON string", JSON.stringify("proj_a"), null],
        ["no project_ids", {}, "project_ids"],
        ["project_ids a string", { project_ids: "proj_a" }, "project_ids"],
        ["project_ids null", { project_ids: null }, "project_ids"],
        ["an empty list", { project_ids: [] }, "project_ids"],
        ["an empty project id", { project_ids: ["proj_a", ""] }, "project_ids[1]"],
        ["a number in the list", { project_ids: [42] }, "project_ids[0]"],
        ["an extra property", { project_ids: ["proj_a"], role: "reader" }, "role"],
    ])("answers 400 for %s", async (_, body, param) => {
        expectError(await post(body), 400, { type: "invalid_request_error", param });
        expect(emulator.permissions(CHECKPOINT)).toHaveLength(1);
    });

    it("answers 400 for an empty body", async () => {
        expectError(await call(listUrl(), { method: "POST" }), 400, { param: null });
    });
});

describe("routes", () => {
    it.each([
        "/v1/models",
        "/v1/fine_tuning/checkpoints//permissions",
        "/v1/fine_tuning/checkpoints/x/permissions/",
        "/v1/fine_tuning/checkpoints/x/permissions/cp_1/extra",
        "/v2/fine_tuning/checkpoints/x/permissions",
        "/",
        "/_emulatorx",
    ])("answers 404 for %s", async (path) => {
        const url = new URL(emulator.baseUrl).origin + path;
        const error = expectError(await call(url), 404, { type: "invalid_request_error" });
        expect(error.message).toBe(`Invalid URL (GET ${path})`);
    });

    it.each([
        ["PUT", "collection"],
        ["DELETE", "collection"],
        ["PATCH", "collection"],
        ["GET", "item"],
        ["POST", "item"],
    ])("answers 405 for %s on the %s path, with Allow", async (method, which) => {
        const url = which === "collection" ? listUrl() : permissionUrl(emulator, CHECKPOINT, "cp_existing");
        const reply = await call(url, { method });
        expectError(reply, 405, { type: "invalid_request_error" });
        expect(reply.headers.get("allow")).toBe(which === "collection" ? "GET, POST" : "DELETE");
    });

    it("answers 400 for a checkpoint segment with broken percent-encoding", async () => {
        expectError(await call(`${emulator.baseUrl}/fine_tuning/checkpoints/ft%E0%A4%A/permissions`), 400);
    });

    it("logs every error in the request log without the key", async () => {
        emulator.reset();
        await call(listUrl(), { key: "sk-admin-wrong-key-abcd" });
        await call(listUrl({ limit: "0" }));
        expect(emulator.requests.map((r) => r.status)).toEqual([401, 400]);
        expect(JSON.stringify(emulator.requests)).not.toContain("wrong-key");
    });
});
