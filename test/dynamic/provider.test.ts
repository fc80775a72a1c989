/**
 * The dynamic providers (provider/dynamic/runtime.ts) as the engine drives them, against the emulator: what they add
 * to the resources' operations (test/resources), which is the translation for a dynamic provider: the stack config
 * it is configured with, the ids, and the diff answer.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import { grantProvider, recordProvider } from "../../provider/dynamic/runtime";
import { encodeAccess } from "../../provider/resources/access-text";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
const seed = { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_existing" }] } } };
let emulator: RunningEmulator;

/** Each resource's provider, driven as the engine drives it. */
const grants = grantProvider as Required<dynamic.ResourceProvider>;
const records = recordProvider as Required<dynamic.ResourceProvider>;

beforeAll(async () => {
    emulator = await startEmulator({ seed });
    // What the engine hands the provider: the stack's config, secrets decrypted; no OPENAI_* in the environment.
    const config: Record<string, string> = { "openai:adminKey": emulator.adminKey, "openai:baseUrl": emulator.baseUrl };
    await grants.configure({ config: { get: (key: string) => config[key], require: (key: string) => config[key]! } });
});
afterAll(async () => {
    await emulator?.close();
});
beforeEach(() => emulator.reset(seed));

describe("CheckpointPermissionGrant", () => {
    it("reaches the organization of the stack config it was configured with; its id is its permission's", async () => {
        const created = await grants.create({ checkpoint: CHECKPOINT, projectId: "proj_new" });
        const permission = emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_new")!;
        expect(created).toMatchObject({ id: permission.id, outs: { permissionId: permission.id } });
        expect(await grants.read(created.id, created.outs)).toMatchObject({ id: permission.id, inputs: { checkpoint: CHECKPOINT, projectId: "proj_new" } });
        await grants.delete(created.id, created.outs);
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_existing"]);
    });

    it("reads nothing without state (a dynamic resource cannot be imported), and drops what is gone", async () => {
        expect(await grants.read("cp_anything", undefined)).toEqual({});
        const created = await grants.create({ checkpoint: CHECKPOINT, projectId: "proj_new" });
        emulator.revoke(CHECKPOINT, created.id);
        expect(await grants.read(created.id, created.outs)).toEqual({});
    });

    it("answers a diff as a replace, or as no change", async () => {
        const olds = { checkpoint: CHECKPOINT, projectId: "proj_a", permissionId: "cp_x", createdAt: 1, adopted: false };
        expect(await grants.diff("cp_x", olds, { checkpoint: CHECKPOINT, projectId: "proj_a" })).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
        expect(await grants.diff("cp_x", olds, { checkpoint: CHECKPOINT, projectId: "proj_b" })).toEqual({ changes: true, replaces: ["projectId"], deleteBeforeReplace: false });
    });
});

describe("CheckpointPermissions", () => {
    const inputs = (access: Record<string, string>) => ({ checkpoint: CHECKPOINT, access: encodeAccess(access), managedProjects: [], revoking: {} });

    it("is identified by its checkpoint", async () => {
        expect((await records.create(inputs({ proj_a: "cp_a" }))).id).toBe(CHECKPOINT);
        expect(emulator.requests).toHaveLength(0);
    });

    it("leaves a change in place to the engine's own diff of the inputs, which shows only the lines that changed", async () => {
        const olds = (await records.create(inputs({ proj_a: "cp_a" }))).outs;
        expect(await records.diff(CHECKPOINT, olds, inputs({ proj_a: "cp_a", proj_b: "cp_b" }))).toEqual({ replaces: [], deleteBeforeReplace: false });
        expect(await records.diff(CHECKPOINT, olds, inputs({ proj_a: "cp_a" }))).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    });

    it("sees no change when only the serialized provider changed (a package upgrade)", async () => {
        const olds = { ...(await records.create(inputs({ proj_a: "cp_a" }))).outs, __provider: "exports.handler = () => ({})" };
        expect(await records.diff(CHECKPOINT, olds, { ...inputs({ proj_a: "cp_a" }), __provider: "a newer shim" })).toMatchObject({ changes: false });
    });

    it("re-reads the live listing on refresh under the same id", async () => {
        const olds = (await records.create(inputs({}))).outs;
        const live = emulator.permissions(CHECKPOINT)[0]!;
        expect(await records.read(CHECKPOINT, olds)).toMatchObject({ id: CHECKPOINT, inputs: inputs({ proj_existing: live.id }) });
    });
});
