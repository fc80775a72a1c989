import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorSeed, type RunningEmulator } from "../../provider/emulator";
import { ADMIN_KEY, call, encodeCheckpoint, expectError, list, permissionsUrl, REQUEST_ID } from "./support/http";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";

const seed: EmulatorSeed = {
    checkpoints: {
        [CHECKPOINT]: {
            owner_project_id: "proj_owner",
            permissions: [{ id: "cp_seeded", project_id: "proj_seeded", created_at: 1_700_000_000 }],
        },
    },
};

let emulator: RunningEmulator;
let control: string;
beforeAll(async () => {
    emulator = await startEmulator({ seed });
    control = `${new URL(emulator.baseUrl).origin}/_emulator`;
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

/** Control calls carry no API key: none is needed. */
const ctl = (path: string, method = "GET", body?: unknown) => call(`${control}${path}`, { method, key: null, body });

describe("control endpoints", () => {
    it("GET /state shows checkpoints, pending faults and the request log, with no key and no log entry of its own", async () => {
        await list(emulator, CHECKPOINT, { limit: "5" });
        emulator.inject({ kind: "reset", match: { method: "DELETE" } });
        const reply = await ctl("/state");
        expect(reply.status).toBe(200);
        expect(reply.headers.get("x-request-id")).toMatch(REQUEST_ID);
        expect(reply.json).toMatchObject({
            checkpoints: {
                [CHECKPOINT]: {
                    owner_project_id: "proj_owner",
                    permissions: [{ id: "cp_seeded", project_id: "proj_seeded", created_at: 1_700_000_000 }],
                },
            },
            faults: [{ fault: { kind: "reset", match: { method: "DELETE" } }, remaining: 1 }],
            requests: [{ method: "GET", query: { limit: "5" }, status: 200 }],
        });
        expect(reply.text).not.toContain(ADMIN_KEY);
        expect(emulator.requests).toHaveLength(1);
    });

    it("POST /faults queues one fault or a batch, which API requests then take", async () => {
        expect((await ctl("/faults", "POST", { kind: "status", status: 429, retryAfter: 1 })).status).toBe(200);
        const batch = await ctl("/faults", "POST", [{ kind: "status", status: 500 }, { kind: "malformed", body: "invalid-json" }]);
        expect((batch.json as { faults: unknown[] }).faults).toHaveLength(3);
        const url = permissionsUrl(emulator, CHECKPOINT);
        expect((await call(url)).status).toBe(429);
        expect((await call(url)).status).toBe(500);
        expect((await call(url)).json).toBeUndefined();
        expect((await call(url)).status).toBe(200);
    });

    it("POST /faults rejects an invalid fault, and a batch with one queues nothing", async () => {
        const error = expectError(await ctl("/faults", "POST", { kind: "status", status: 42 }), 400);
        expect(error.message).toContain("status");
        expectError(await ctl("/faults", "POST", [{ kind: "reset" }, { kind: "nope" }]), 400);
        expectError(await ctl("/faults", "POST", "not json"), 400);
        expect(emulator.pendingFaults()).toEqual([]);
    });

    it("GET and DELETE /faults list and drop pending faults", async () => {
        emulator.inject({ kind: "reset" });
        expect((await ctl("/faults")).json).toEqual({ faults: [{ fault: { kind: "reset" }, remaining: 1 }] });
        expect((await ctl("/faults", "DELETE")).json).toEqual({ faults: [] });
        expect(emulator.pendingFaults()).toEqual([]);
    });

    it("POST /checkpoints/{id}/grants grants a project outside Pulumi, visible to the API", async () => {
        const reply = await ctl(`/checkpoints/${encodeCheckpoint(CHECKPOINT)}/grants`, "POST", { project_id: "proj_dashboard" });
        expect(reply.status).toBe(200);
        const granted = reply.json as { id: string; project_id: string; created_at: number };
        expect(granted).toMatchObject({ project_id: "proj_dashboard" });
        expect((await list(emulator, CHECKPOINT)).data[0]?.id).toBe(granted.id);

        const revoke = await ctl(`/checkpoints/${encodeCheckpoint(CHECKPOINT)}/grants/${granted.id}`, "DELETE");
        expect(revoke.json).toEqual({ id: granted.id, revoked: true });
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_seeded"]);
        expectError(await ctl(`/checkpoints/${encodeCheckpoint(CHECKPOINT)}/grants/${granted.id}`, "DELETE"), 404);
    });

    it("grants refuse unknown checkpoints, the owner and bad bodies", async () => {
        expectError(await ctl("/checkpoints/ft%3Anope/grants", "POST", { project_id: "proj_a" }), 404);
        expectError(await ctl(`/checkpoints/${encodeCheckpoint(CHECKPOINT)}/grants`, "POST", { project_id: "proj_owner" }), 400);
        expectError(await ctl(`/checkpoints/${encodeCheckpoint(CHECKPOINT)}/grants`, "POST", { projectId: "proj_a" }), 400);
    });

    it("POST /checkpoints adds a checkpoint", async () => {
        const body = { checkpoint: "ft:gpt-4o-2024-08-06:acme::New00001", owner_project_id: "proj_new" };
        expect((await ctl("/checkpoints", "POST", body)).json).toEqual(body);
        expect((await list(emulator, body.checkpoint)).data).toEqual([]);
        expectError(await ctl("/checkpoints", "POST", { ...body, owner_project_id: "proj_else" }), 400);
    });

    it("POST /reset restores the starting seed, or loads the seed it is given", async () => {
        emulator.grant(CHECKPOINT, "proj_extra");
        emulator.inject({ kind: "reset" });
        const reset = await ctl("/reset", "POST");
        // The grant's audit-log event goes with it.
        expect(reset.json).toEqual({
            checkpoints: { [CHECKPOINT]: expect.objectContaining({ permissions: [expect.objectContaining({ id: "cp_seeded" })] }) },
            organization: expect.objectContaining({ audit_logging: true }),
            projects: [],
            audit_logs: [],
        });
        expect(emulator.pendingFaults()).toEqual([]);

        const other: EmulatorSeed = { checkpoints: { "ft:other": { owner_project_id: "proj_o" } } };
        expect(((await ctl("/reset", "POST", other)).json as EmulatorSeed).checkpoints).toEqual({ "ft:other": { owner_project_id: "proj_o", permissions: [] } });
        expectError(await call(permissionsUrl(emulator, CHECKPOINT)), 404, { code: "model_not_found" });
    });

    it("POST /reset rejects a bad seed, naming the field, and keeps the state", async () => {
        const error = expectError(await ctl("/reset", "POST", { checkpoints: { "ft:x": { owner: "proj_o" } } }), 400);
        expect(error.message).toContain('checkpoints["ft:x"]');
        expect(emulator.permissions(CHECKPOINT)).toHaveLength(1);
    });

    it("DELETE /requests clears the request log", async () => {
        await list(emulator, CHECKPOINT);
        expect(emulator.requests).toHaveLength(1);
        expect((await ctl("/requests", "DELETE")).status).toBe(200);
        expect(emulator.requests).toEqual([]);
    });

    it("answers 404 for unknown control routes and 405 for wrong methods", async () => {
        expectError(await ctl("/nothing"), 404);
        expectError(await ctl(""), 404);
        expectError(await ctl("/state/x"), 404);
        expectError(await ctl("/state", "POST"), 405);
        expectError(await ctl("/reset"), 405);
    });

    it("is not subject to faults", async () => {
        emulator.inject({ kind: "status", status: 500 });
        expect((await ctl("/state")).status).toBe(200);
        expect(emulator.pendingFaults()).toHaveLength(1);
    });
});
