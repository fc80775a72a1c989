/**
 * The dynamic provider's methods against the emulator: what the engine calls during preview, up,
 * refresh and destroy, called here directly.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import * as runtime from "../../provider/dynamic/runtime";
import { UNKNOWN_STRING as UNKNOWN } from "../../provider/resources/unknowns";
import type { GrantInputs, GrantState, ObservedPermissionsState } from "../../provider/resources/types";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
const seed = {
    checkpoints: {
        [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_existing", id: "cp_existing00000000000000000", created_at: 1_700_000_000 }] },
    },
};
let emulator: RunningEmulator;

beforeAll(async () => {
    emulator = await startEmulator({ seed });
    // What the engine hands the provider: the stack's config, secrets decrypted.
    const config: Record<string, string> = { "openai:adminKey": emulator.adminKey, "openai:baseUrl": emulator.baseUrl };
    await runtime.configure({ config: { get: (key) => config[key], require: (key) => config[key]! } });
});
afterAll(async () => {
    await emulator?.close();
});
beforeEach(() => emulator.reset(seed));

const grantInputs = (projectId: string, checkpoint = CHECKPOINT): GrantInputs => ({ kind: "CheckpointPermissionGrant", checkpoint, projectId });

describe("CheckpointPermissionGrant", () => {
    it("fails check on bad inputs, naming the property, before any request", async () => {
        const result = await runtime.check({}, { ...grantInputs(" "), checkpoint: "" });
        expect(result.failures?.map((f) => f.property).sort()).toEqual(["checkpoint", "projectId"]);
        expect(result.failures?.[0]?.reason).toMatch(/must not be empty/);
        expect(emulator.requests).toHaveLength(0);
    });

    it("passes check on values not known yet", async () => {
        const result = await runtime.check({}, grantInputs(UNKNOWN));
        expect(result.failures).toEqual([]);
    });

    it("creates a grant, reads it, and deletes it", async () => {
        const created = await runtime.create({ ...grantInputs("proj_new") });
        expect(created.id).toMatch(/^cp_[A-Za-z0-9]{24}$/);
        expect(created.outs).toMatchObject({ projectId: "proj_new", permissionId: created.id, adopted: false });
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toContain("proj_new");

        const read = await runtime.read(created.id, created.outs);
        expect(read).toMatchObject({ id: created.id, props: { permissionId: created.id, createdAt: created.outs.createdAt } });

        await runtime.remove(created.id, created.outs);
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_existing"]);
    });

    it("adopts access the project already has instead of duplicating it", async () => {
        const created = await runtime.create({ ...grantInputs("proj_existing") });
        expect(created.id).toBe("cp_existing00000000000000000");
        expect(created.outs).toMatchObject({ adopted: true, createdAt: 1_700_000_000 });
        expect(emulator.permissions(CHECKPOINT)).toHaveLength(1);
        expect(emulator.requests.filter((r) => r.method === "POST")).toHaveLength(0);
    });

    it("counts a grant already revoked as deleted", async () => {
        const created = await runtime.create({ ...grantInputs("proj_new") });
        emulator.revoke(CHECKPOINT, created.id);
        await expect(runtime.remove(created.id, created.outs)).resolves.toBeUndefined();
    });

    it("drops a grant revoked outside Pulumi on refresh", async () => {
        const created = await runtime.create({ ...grantInputs("proj_new") });
        emulator.revoke(CHECKPOINT, created.id);
        expect(await runtime.read(created.id, created.outs)).toEqual({});
    });

    it("replaces a grant moved to another project or checkpoint, and only then", async () => {
        const olds = (await runtime.create({ ...grantInputs("proj_new") })).outs as GrantState;
        expect(await runtime.diff(olds.permissionId, { ...olds }, { ...grantInputs("proj_new") })).toMatchObject({ changes: false, replaces: [] });
        expect(await runtime.diff(olds.permissionId, { ...olds }, { ...grantInputs("proj_other") })).toMatchObject({ changes: true, replaces: ["projectId"] });
        expect(await runtime.diff(olds.permissionId, { ...olds }, { ...grantInputs("proj_new", "ft:other") })).toMatchObject({ replaces: ["checkpoint"] });
        expect(await runtime.diff(olds.permissionId, { ...olds }, { ...grantInputs(UNKNOWN) })).toMatchObject({ changes: true, replaces: ["projectId"] });
    });
});

describe("CheckpointPermissions", () => {
    const observed = (projectIds: string[]): ObservedPermissionsState => ({
        kind: "CheckpointPermissions",
        checkpoint: CHECKPOINT,
        permissions: projectIds.map((projectId, i) => ({ id: `cp_${i}`, projectId, createdAt: 1 })),
        projectIds,
        permissionCount: projectIds.length,
    });

    it("records what was read without a request, keyed by the checkpoint", async () => {
        const created = await runtime.create({ ...observed(["proj_a"]) });
        expect(created).toEqual({ id: CHECKPOINT, outs: observed(["proj_a"]) });
        expect(emulator.requests).toHaveLength(0);
    });

    it("reports drift as a change, and no change when the listing is the same", async () => {
        expect(await runtime.diff(CHECKPOINT, { ...observed(["proj_a"]) }, { ...observed(["proj_a"]) })).toMatchObject({ changes: false });
        expect(await runtime.diff(CHECKPOINT, { ...observed(["proj_a"]) }, { ...observed(["proj_a", "proj_b"]) })).toMatchObject({ changes: true, replaces: [] });
    });

    it("re-reads the live listing on refresh, as state and as inputs", async () => {
        emulator.grant(CHECKPOINT, "proj_outside");
        const read = await runtime.read(CHECKPOINT, { ...observed(["proj_existing"]) });
        expect(read.props?.["projectIds"]).toEqual(["proj_existing", "proj_outside"]);
        expect(read.inputs).toEqual(read.props);
    });

    it("revokes nothing when the record is deleted", async () => {
        await runtime.remove(CHECKPOINT, { ...observed(["proj_existing"]) });
        expect(emulator.permissions(CHECKPOINT)).toHaveLength(1);
        expect(emulator.requests).toHaveLength(0);
    });
});
