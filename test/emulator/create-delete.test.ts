import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorSeed, type RunningEmulator } from "../../provider/emulator";
import { call, expectError, expectList, list, permissionsUrl, permissionUrl, PERMISSION_ID, REQUEST_ID } from "./support/http";
import { assertSchema } from "./support/spec";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const OTHER = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-200";

const seed: EmulatorSeed = {
    checkpoints: {
        [CHECKPOINT]: {
            owner_project_id: "proj_owner",
            permissions: [{ id: "cp_existing", project_id: "proj_existing", created_at: 1_600_000_000 }],
        },
        [OTHER]: { owner_project_id: "proj_owner", permissions: [{ id: "cp_other", project_id: "proj_x", created_at: 1 }] },
    },
};

let clock = 0;
let emulator: RunningEmulator;
beforeAll(async () => {
    emulator = await startEmulator({ seed, now: () => clock });
});
afterAll(() => emulator.close());
beforeEach(() => {
    clock = 1_800_000_000;
    emulator.reset();
});

function create(projectIds: string[], checkpoint = CHECKPOINT) {
    return call(permissionsUrl(emulator, checkpoint), { method: "POST", body: { project_ids: projectIds } });
}

describe("creating permissions", () => {
    it("grants each project and answers the created permissions as a list", async () => {
        const body = expectList(await create(["proj_a", "proj_b"]));
        expect(body.data.map((p) => p.project_id)).toEqual(["proj_a", "proj_b"]);
        for (const permission of body.data) {
            expect(permission.object).toBe("checkpoint.permission");
            expect(permission.id).toMatch(PERMISSION_ID);
            expect(permission.created_at).toBe(1_800_000_000);
        }
        expect(body.first_id).toBe(body.data[0]?.id);
        expect(body.last_id).toBe(body.data[1]?.id);
        expect(body.has_more).toBe(false);

        const listed = await list(emulator, CHECKPOINT);
        expect(listed.data.map((p) => p.project_id)).toEqual(["proj_b", "proj_a", "proj_existing"]);
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_b", "proj_a", "proj_existing"]);
    });

    it("returns the existing permission for a project that already has access, without a duplicate", async () => {
        clock = 1_900_000_000;
        const body = expectList(await create(["proj_existing", "proj_new"]));
        expect(body.data[0]).toEqual({
            object: "checkpoint.permission",
            id: "cp_existing",
            project_id: "proj_existing",
            created_at: 1_600_000_000,
        });
        const again = expectList(await create(["proj_new"]));
        expect(again.data[0]?.id).toBe(body.data[1]?.id);
        expect((await list(emulator, CHECKPOINT)).data).toHaveLength(2);
    });

    it("collapses a project named twice in one request", async () => {
        const body = expectList(await create(["proj_a", "proj_a"]));
        expect(body.data).toHaveLength(1);
        expect((await list(emulator, CHECKPOINT)).data).toHaveLength(2);
    });

    it("grants nothing when the request names the owning project", async () => {
        expectError(await create(["proj_a", "proj_owner"]), 400, {
            message: "Cannot modify checkpoint permissions for the owning project: proj_owner",
            type: "invalid_request_error",
            param: "project_ids",
        });
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_existing"]);
    });
});

describe("deleting permissions", () => {
    it("deletes a permission and answers the spec's deleted object", async () => {
        const reply = await call(permissionUrl(emulator, CHECKPOINT, "cp_existing"), { method: "DELETE" });
        expect(reply.status).toBe(200);
        expect(reply.headers.get("x-request-id")).toMatch(REQUEST_ID);
        assertSchema("DeleteFineTuningCheckpointPermissionResponse", reply.json);
        expect(reply.json).toEqual({ object: "checkpoint.permission", id: "cp_existing", deleted: true });
        expect((await list(emulator, CHECKPOINT)).data).toEqual([]);
    });

    it("answers 404 for a permission already deleted", async () => {
        await call(permissionUrl(emulator, CHECKPOINT, "cp_existing"), { method: "DELETE" });
        const error = expectError(await call(permissionUrl(emulator, CHECKPOINT, "cp_existing"), { method: "DELETE" }), 404, {
            type: "invalid_request_error",
        });
        expect(error.message).toContain("cp_existing");
    });

    it("answers 404 for a permission of another checkpoint, and keeps it", async () => {
        expectError(await call(permissionUrl(emulator, CHECKPOINT, "cp_other"), { method: "DELETE" }), 404);
        expect(emulator.permissions(OTHER)).toHaveLength(1);
    });

    it("deletes a permission created through the API", async () => {
        const created = expectList(await create(["proj_a"])).data[0];
        const reply = await call(permissionUrl(emulator, CHECKPOINT, created?.id ?? ""), { method: "DELETE" });
        expect(reply.json).toEqual({ object: "checkpoint.permission", id: created?.id, deleted: true });
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_existing"]);
    });
});

describe("the in-process API", () => {
    it("grants like the API: idempotent, refusing the owner and unknown checkpoints", () => {
        const first = emulator.grant(CHECKPOINT, "proj_side");
        expect(emulator.grant(CHECKPOINT, "proj_side")).toEqual(first);
        expect(() => emulator.grant(CHECKPOINT, "proj_owner")).toThrow(/owning project: proj_owner/);
        expect(() => emulator.grant("ft:nope", "proj_a")).toThrow(/Unknown checkpoint/);
        expect(emulator.revoke(CHECKPOINT, "cp_missing")).toBe(false);
    });

    it("adds checkpoints, idempotently for the same owner", async () => {
        emulator.addCheckpoint("ft:new", "proj_n");
        emulator.addCheckpoint("ft:new", "proj_n");
        expect(() => emulator.addCheckpoint("ft:new", "proj_other")).toThrow(/already exists/);
        expect((await list(emulator, "ft:new")).data).toEqual([]);
        expectList(await create(["proj_a"], "ft:new"));
    });
});
