/**
 * The dynamic providers' methods against the emulator: what the engine calls during preview, up,
 * refresh and destroy, called here directly.
 */
import { createHash } from "node:crypto";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import * as runtime from "../../provider/dynamic/runtime";
import { UNKNOWN_STRING as UNKNOWN } from "../../provider/resources/unknowns";
import { encodeAccess } from "../../provider/resources/access-text";
import type { GrantInputs, GrantState, LegacyObservedPermissionsState, ObservedPermissionsInputs, ObservedPermissionsState } from "../../provider/resources/types";

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

const grantInputs = (projectId: string, checkpoint = CHECKPOINT): GrantInputs => ({ checkpoint, projectId });
/**
 * Each resource's provider, as the shims that this version serializes take it on, driven as the engine drives
 * it: property bags in whatever shape a stack holds (earlier versions', malformed, with `__provider`).
 */
type AsTheEngineDrivesIt = Required<dynamic.ResourceProvider>;
const grants: AsTheEngineDrivesIt = runtime.grantProvider;
const records: AsTheEngineDrivesIt = runtime.recordProvider;

describe("CheckpointPermissionGrant", () => {
    it("fails check on bad inputs, naming the property, before any request", async () => {
        const result = await grants.check({}, { ...grantInputs(" "), checkpoint: "" });
        expect(result.failures?.map((f) => f.property).sort()).toEqual(["checkpoint", "projectId"]);
        expect(result.failures?.[0]?.reason).toMatch(/must not be empty/);
        expect(emulator.requests).toHaveLength(0);
    });

    it("passes check on values not known yet", async () => {
        const result = await grants.check({}, grantInputs(UNKNOWN));
        expect(result.failures).toEqual([]);
    });

    it("creates a grant, reads it, and deletes it", async () => {
        const created = await grants.create({ ...grantInputs("proj_new") });
        expect(created.id).toMatch(/^cp_[A-Za-z0-9]{24}$/);
        expect(created.outs).toMatchObject({ projectId: "proj_new", permissionId: created.id, adopted: false });
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toContain("proj_new");

        const read = await grants.read(created.id, created.outs);
        expect(read).toMatchObject({ id: created.id, props: { permissionId: created.id, createdAt: created.outs.createdAt } });

        await grants.delete(created.id, created.outs);
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_existing"]);
    });

    it("adopts access the project already has instead of duplicating it", async () => {
        const created = await grants.create({ ...grantInputs("proj_existing") });
        expect(created.id).toBe("cp_existing00000000000000000");
        expect(created.outs).toMatchObject({ adopted: true, createdAt: 1_700_000_000 });
        expect(emulator.permissions(CHECKPOINT)).toHaveLength(1);
        expect(emulator.requests.filter((r) => r.method === "POST")).toHaveLength(0);
    });

    it("counts a grant already revoked as deleted", async () => {
        const created = await grants.create({ ...grantInputs("proj_new") });
        emulator.revoke(CHECKPOINT, created.id);
        await expect(grants.delete(created.id, created.outs)).resolves.toBeUndefined();
    });

    it("drops a grant revoked outside Pulumi on refresh", async () => {
        const created = await grants.create({ ...grantInputs("proj_new") });
        emulator.revoke(CHECKPOINT, created.id);
        expect(await grants.read(created.id, created.outs)).toEqual({});
    });

    it("replaces a grant moved to another project or checkpoint, and only then", async () => {
        const olds = (await grants.create({ ...grantInputs("proj_new") })).outs as GrantState;
        expect(await grants.diff(olds.permissionId, { ...olds }, { ...grantInputs("proj_new") })).toMatchObject({ changes: false, replaces: [] });
        expect(await grants.diff(olds.permissionId, { ...olds }, { ...grantInputs("proj_other") })).toMatchObject({ changes: true, replaces: ["projectId"] });
        expect(await grants.diff(olds.permissionId, { ...olds }, { ...grantInputs("proj_new", "ft:other") })).toMatchObject({ replaces: ["checkpoint"] });
        expect(await grants.diff(olds.permissionId, { ...olds }, { ...grantInputs(UNKNOWN) })).toMatchObject({ changes: true, replaces: ["projectId"] });
    });
});

describe("CheckpointPermissions", () => {
    /** The inputs a program gives: the listing as access text, and the projects its grants manage. */
    const record = (access: Record<string, string>, managed: string[] = [], checkpoint = CHECKPOINT, revoking: Record<string, string> = {}): ObservedPermissionsInputs => ({
        checkpoint,
        access: encodeAccess(access),
        managedProjects: [...managed].sort(),
        revoking,
    });
    /** A change is left for the engine to diff from the inputs (`changes` unknown), so it shows only what changed. */
    const CHANGED = { replaces: [], deleteBeforeReplace: false };
    const UNCHANGED = { changes: false, replaces: [], deleteBeforeReplace: false };
    /** What the provider kept in state for those inputs. */
    const stateOf = async (inputs: ObservedPermissionsInputs) => (await records.create({ ...inputs })).outs as ObservedPermissionsState;

    it("records what was read without a request, keyed by the checkpoint; its outputs keep the access text's SHA-256, not the text", async () => {
        const inputs = record({ proj_a: "cp_a" });
        const created = await records.create({ ...inputs, __provider: "the shim" });
        const accessDigest = createHash("sha256").update(inputs.access).digest("base64url");
        expect(created).toEqual({ id: CHECKPOINT, outs: { ...inputs, accessDigest, access: null } });
        expect(emulator.requests).toHaveLength(0);
    });

    it("keeps the text in the outputs too for an up that revokes: the program reads it back to leave that access out", async () => {
        const inputs = record({ proj_a: "cp_a" }, [], CHECKPOINT, { proj_b: "cp_b" });
        expect((await records.update(CHECKPOINT, await stateOf(record({})), { ...inputs })).outs).toMatchObject({ access: inputs.access, revoking: { proj_b: "cp_b" } });
    });

    it("sees no change against outputs that an earlier version stored with the access text in them, and a change for another text", async () => {
        const inputs = record({ proj_a: "cp_a" });
        expect(await records.diff(CHECKPOINT, { ...inputs }, { ...inputs })).toEqual(UNCHANGED);
        expect(await records.diff(CHECKPOINT, { ...inputs }, record({ proj_a: "cp_a2" }))).toEqual(CHANGED);
    });

    it("records no managed projects when a program leaves them out, and sees no change against a record that has none", async () => {
        const { managedProjects: _, revoking: __, ...given } = record({ proj_a: "cp_a" });
        const checked = await records.check({}, given);
        expect(checked).toEqual({ inputs: record({ proj_a: "cp_a" }), failures: [] });
        expect(await records.diff(CHECKPOINT, await stateOf(record({ proj_a: "cp_a" })), checked.inputs)).toMatchObject({ changes: false });
    });

    it("records the managed projects sorted and once each, so the same grants in another order are no change", async () => {
        const checked = await records.check({}, { ...record({ proj_a: "cp_a" }), managedProjects: ["proj_b", "proj_a", "proj_b"] });
        expect(checked).toEqual({ inputs: record({ proj_a: "cp_a" }, ["proj_a", "proj_b"]), failures: [] });
        const olds = await stateOf(record({ proj_a: "cp_a" }, ["proj_a", "proj_b"]));
        expect(await records.diff(CHECKPOINT, { ...olds }, checked.inputs)).toEqual(UNCHANGED);
    });

    it("reports no change for the same listing in any key order, and a change for a project added, removed or granted again", async () => {
        const olds = await stateOf(record({ proj_a: "cp_a", proj_b: "cp_b" }));
        const diff = (inputs: ObservedPermissionsInputs) => records.diff(CHECKPOINT, { ...olds }, { ...inputs });
        expect(await diff(record({ proj_b: "cp_b", proj_a: "cp_a" }))).toEqual(UNCHANGED);
        expect(await diff(record({ proj_a: "cp_a", proj_b: "cp_b", proj_c: "cp_c" }))).toEqual(CHANGED);
        expect(await diff(record({ proj_a: "cp_a" }))).toEqual(CHANGED);
        expect(await diff(record({ proj_a: "cp_a", proj_b: "cp_b2" }))).toEqual(CHANGED);
        expect(await diff(record({ proj_a: "cp_a", proj_b: "cp_b" }, ["proj_a"]))).toEqual(CHANGED);
    });

    it("reports no change when only the serialized provider changed (a package upgrade)", async () => {
        const olds = { ...(await stateOf(record({ proj_a: "cp_a" }))), __provider: "exports.handler = () => ({})" };
        expect(await records.diff(CHECKPOINT, olds, { ...record({ proj_a: "cp_a" }), __provider: "a newer shim" })).toEqual(UNCHANGED);
    });

    it("treats a listing not known yet as a change, and another checkpoint as another record", async () => {
        const olds = await stateOf(record({ proj_a: "cp_a" }));
        const unknownListing = { ...record({}), access: UNKNOWN };
        expect(await records.diff(CHECKPOINT, { ...olds }, unknownListing)).toEqual(CHANGED);
        expect(await records.diff(CHECKPOINT, { ...olds }, { ...record({ proj_a: "cp_a" }, [], "ft:other") })).toEqual({ ...CHANGED, replaces: ["checkpoint"] });
    });

    it("migrates a record stored before it was keyed by project with an update, not a replace", async () => {
        const legacy: LegacyObservedPermissionsState = {
            kind: "CheckpointPermissions",
            checkpoint: CHECKPOINT,
            permissions: [{ id: "cp_a", projectId: "proj_a", createdAt: 1 }],
            projectIds: ["proj_a"],
            permissionCount: 1,
        };
        const { revoking: _, ...news } = record({ proj_a: "cp_a" });
        expect(await records.check({ ...legacy }, news)).toEqual({ inputs: record({ proj_a: "cp_a" }), failures: [] });
        const checked = record({ proj_a: "cp_a" });
        expect(await records.diff(CHECKPOINT, { ...legacy }, { ...checked })).toEqual(CHANGED);
        expect((await records.update(CHECKPOINT, { ...legacy }, { ...checked })).outs).toEqual(await stateOf(checked));
    });

    it("migrates a record stored as an object keyed by project with an update, and still converges", async () => {
        const previous = { ...record({ proj_a: "cp_a", proj_c: "cp_c" }, ["proj_c"]), access: { proj_a: "cp_a", proj_c: "cp_c" } };
        // The grant of proj_c left the program in the same up: its access goes to `revoking`, as from this version's text.
        const checked = (await records.check({ ...previous }, record({ proj_a: "cp_a", proj_c: "cp_c" }))).inputs as ObservedPermissionsInputs;
        expect(checked).toEqual(record({ proj_a: "cp_a" }, [], CHECKPOINT, { proj_c: "cp_c" }));
        expect(await records.diff(CHECKPOINT, { ...previous }, { ...checked })).toEqual(CHANGED);
        expect((await records.update(CHECKPOINT, { ...previous }, { ...checked })).outs).toEqual(await stateOf(checked));
    });

    it("fails check on a malformed listing, naming the property, before any request", async () => {
        const result = await records.check({}, { ...record({ "proj a": "cp_a" }), managedProjects: ["proj_a", "proj b"] });
        expect(result.failures).toEqual([
            { property: "managedProjects[1]", reason: expect.stringMatching(/must not contain whitespace.*proj b/) },
            { property: "access", reason: expect.stringMatching(/must not contain whitespace.*proj a/) },
        ]);
        const keyed = { ...record({}), managedProjects: { proj_b: true } } as unknown as ObservedPermissionsInputs;
        expect((await records.check({}, keyed)).failures).toEqual([{ property: "managedProjects", reason: expect.stringMatching(/must be a list of project ids/) }]);
        expect((await records.check({}, { ...record({}), access: [] })).failures).toEqual([{ property: "access", reason: expect.stringMatching(/must be the access text/) }]);
        expect((await records.check({}, { ...record({}), access: "proj_a cp_a\nproj_b\n" })).failures).toEqual([
            { property: "access line 2", reason: expect.stringMatching(/must be `project permission`.*proj_b/) },
        ]);
        expect(emulator.requests).toHaveLength(0);
    });

    describe("converging in one up", () => {
        const check = async (olds: ObservedPermissionsInputs, news: ObservedPermissionsInputs) => (await records.check({ ...olds }, { ...news })).inputs;

        it("moves the access of a grant that left the stack to `revoking`: this up revokes it", async () => {
            const olds = record({ proj_a: "cp_a", proj_c: "cp_c" }, ["proj_c"]);
            // The listing was read before Pulumi deletes the grant, so it still shows proj_c.
            expect(await check(olds, record({ proj_a: "cp_a", proj_c: "cp_c" }))).toEqual(record({ proj_a: "cp_a" }, [], CHECKPOINT, { proj_c: "cp_c" }));
            // The next run reads it gone, and has nothing left to revoke: no change.
            const recorded = await stateOf(record({ proj_a: "cp_a" }, [], CHECKPOINT, { proj_c: "cp_c" }));
            const next = await check(record({ proj_a: "cp_a" }, [], CHECKPOINT, { proj_c: "cp_c" }), record({ proj_a: "cp_a" }));
            expect(next).toEqual(record({ proj_a: "cp_a" }));
            expect(await records.diff(CHECKPOINT, { ...recorded }, { ...next })).toEqual(UNCHANGED);
        });

        it("leaves out the old access of a grant moved to another project, and keeps the new one", async () => {
            const olds = record({ proj_a: "cp_a", proj_c: "cp_c" }, ["proj_c"]);
            expect(await check(olds, record({ proj_a: "cp_a", proj_c: "cp_c", proj_d: "cp_d" }, ["proj_d"]))).toEqual(
                record({ proj_a: "cp_a", proj_d: "cp_d" }, ["proj_d"], CHECKPOINT, { proj_c: "cp_c" }),
            );
        });

        it("keeps what no grant of this up revokes", async () => {
            const olds = record({ proj_a: "cp_a", proj_c: "cp_c" }, ["proj_c"]);
            // Still managed.
            expect(await check(olds, record({ proj_a: "cp_a", proj_c: "cp_c" }, ["proj_c"]))).toEqual(record({ proj_a: "cp_a", proj_c: "cp_c" }, ["proj_c"]));
            // Granted again outside Pulumi since: the grant's delete revokes the old permission, not this one.
            expect(await check(olds, record({ proj_a: "cp_a", proj_c: "cp_c2" }))).toEqual(record({ proj_a: "cp_a", proj_c: "cp_c2" }));
            // Never managed by the stack: drift, recorded as it is.
            expect(await check(record({ proj_a: "cp_a" }), record({ proj_a: "cp_a", proj_x: "cp_x" }))).toEqual(record({ proj_a: "cp_a", proj_x: "cp_x" }));
            // Another checkpoint: another record.
            expect(await check(olds, record({ proj_c: "cp_c" }, [], "ft:other"))).toEqual(record({ proj_c: "cp_c" }, [], "ft:other"));
        });

        it("keeps everything while the listing or the managed projects are not known yet", async () => {
            const olds = record({ proj_c: "cp_c" }, ["proj_c"]);
            const unknownManaged = { ...record({ proj_c: "cp_c" }), managedProjects: UNKNOWN } as unknown as ObservedPermissionsInputs;
            expect(await check(olds, unknownManaged)).toEqual(unknownManaged);
        });
    });

    it("re-reads the live listing on refresh as the inputs, keeping the projects the stack manages", async () => {
        emulator.grant(CHECKPOINT, "proj_outside");
        const live = emulator.permissions(CHECKPOINT);
        const read = await records.read(CHECKPOINT, { ...(await stateOf(record({ proj_existing: "cp_existing00000000000000000" }, ["proj_existing"]))) });
        const inputs = record(Object.fromEntries(live.map((p) => [p.project_id, p.id])), ["proj_existing"]);
        expect(read).toEqual({ id: CHECKPOINT, inputs, props: await stateOf(inputs) });
    });

    it("forgets the record on refresh when the checkpoint is gone", async () => {
        expect(await records.read("ft:gone", { ...(await stateOf(record({}, [], "ft:gone"))) })).toEqual({});
    });

    it("revokes nothing when the record is deleted", async () => {
        await records.delete(CHECKPOINT, { ...(await stateOf(record({ proj_existing: "cp_existing00000000000000000" }))) });
        expect(emulator.permissions(CHECKPOINT)).toHaveLength(1);
        expect(emulator.requests).toHaveLength(0);
    });
});

describe("the provider of shims that earlier versions put in state (one for both resources)", () => {
    it("tells a grant from a record by its properties, with or without the `kind` those versions stored", async () => {
        const grant = await runtime.create({ kind: "CheckpointPermissionGrant", checkpoint: CHECKPOINT, projectId: "proj_new" });
        expect(grant.outs).toMatchObject({ projectId: "proj_new", permissionId: grant.id });
        const record = await runtime.create({ kind: "CheckpointPermissions", checkpoint: CHECKPOINT, access: "", managedProjects: [], revoking: {} });
        expect(record.id).toBe(CHECKPOINT);
        // A record of the first versions: a permission list.
        expect(await runtime.read(CHECKPOINT, { kind: "CheckpointPermissions", checkpoint: CHECKPOINT, permissions: [] })).toMatchObject({ id: CHECKPOINT });
        await runtime.remove(grant.id, grant.outs);
        await runtime.resourceProvider.delete!(CHECKPOINT, record.outs);
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_existing"]);
    });
});
