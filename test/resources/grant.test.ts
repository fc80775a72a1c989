/**
 * `CheckpointPermissionGrant`'s operations (provider/resources/grant.ts), which both surfaces run, against the
 * emulator over loopback. The surfaces' own tests cover only how they translate for the engine.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../provider/emulator";
import { grantOperations as grants } from "../../provider/resources/grant";
import type { GrantInputs } from "../../provider/resources/grant";
import { UNKNOWN_STRING as UNKNOWN } from "../../provider/resources/unknowns";
import { CHECKPOINT, EXISTING, testOrganization } from "./organization";

const organization = testOrganization();
const client = organization.client;
let emulator: RunningEmulator;
beforeEach(() => {
    emulator = organization.emulator();
});

const inputs = (projectId: string, checkpoint = CHECKPOINT): GrantInputs => ({ checkpoint, projectId });
const projects = () => emulator.permissions(CHECKPOINT).map((p) => p.project_id).sort();

describe("check", () => {
    it("names each bad or absent input, before any request", async () => {
        const bad = await grants.check({}, { checkpoint: "", projectId: " " }, client);
        expect(bad.failures).toEqual([
            { property: "checkpoint", reason: expect.stringMatching(/^checkpoint: must not be empty/) },
            { property: "projectId", reason: expect.stringMatching(/^projectId: must not be empty/) },
        ]);
        const absent = await grants.check({}, { checkpoint: CHECKPOINT }, client);
        expect(absent).toEqual({ inputs: { checkpoint: CHECKPOINT, projectId: undefined }, failures: [{ property: "projectId", reason: expect.stringMatching(/must be a string/) }] });
        expect(emulator.requests).toHaveLength(0);
    });

    it("passes values not known yet (preview), to be checked when they are", async () => {
        expect(await grants.check({}, inputs(UNKNOWN), client)).toEqual({ inputs: inputs(UNKNOWN), failures: [] });
    });
});

describe("create, read, delete", () => {
    it("grants access, reads it back, and revokes it", async () => {
        const created = await grants.create(inputs("proj_new"), client);
        const permission = emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_new")!;
        expect(created).toEqual({ ...inputs("proj_new"), permissionId: permission.id, createdAt: permission.created_at, adopted: false });
        expect(await grants.read(created, client)).toEqual({ inputs: inputs("proj_new"), outputs: created });
        await grants.delete(created, client);
        expect(projects()).toEqual(["proj_existing"]);
    });

    it("adopts access the project already has instead of granting it twice", async () => {
        const created = await grants.create(inputs("proj_existing"), client);
        expect(created).toMatchObject({ permissionId: EXISTING, createdAt: 1_700_000_000, adopted: true });
        expect(emulator.requests.filter((r) => r.method === "POST")).toHaveLength(0);
    });

    it("counts a grant already revoked, or a checkpoint gone, as deleted", async () => {
        const created = await grants.create(inputs("proj_new"), client);
        emulator.revoke(CHECKPOINT, created.permissionId);
        await expect(grants.delete(created, client)).resolves.toBeUndefined();
        await expect(grants.delete({ ...created, checkpoint: "ft:gpt-4o-mini-2024-07-18:acme::Gone" }, client)).resolves.toBeUndefined();
    });
});

describe("read: refresh and import", () => {
    it("reads a grant revoked outside Pulumi as gone, and one granted again under its new permission", async () => {
        const created = await grants.create(inputs("proj_new"), client);
        emulator.revoke(CHECKPOINT, created.permissionId);
        expect(await grants.read(created, client)).toBeUndefined();
        const again = emulator.grant(CHECKPOINT, "proj_new");
        expect((await grants.read(created, client))?.outputs).toMatchObject({ permissionId: again.id, adopted: false });
    });

    it("imports a permission by checkpoint and permission id, adopted, with the inputs that match it", async () => {
        expect(await grants.read({ checkpoint: CHECKPOINT, permissionId: EXISTING }, client)).toEqual({
            inputs: inputs("proj_existing"),
            outputs: { ...inputs("proj_existing"), permissionId: EXISTING, createdAt: 1_700_000_000, adopted: true },
        });
        expect(await grants.read({ checkpoint: CHECKPOINT, permissionId: "cp_missing000000000000000000" }, client)).toBeUndefined();
        expect(await grants.read({ checkpoint: "ft:gpt-4o-mini-2024-07-18:acme::Gone", permissionId: EXISTING }, client)).toBeUndefined();
    });

    it("names what is missing when there is nothing to read by, before any request", async () => {
        await expect(grants.read({ permissionId: EXISTING }, client)).rejects.toThrow(/Invalid argument checkpoint: must be a string/);
        expect(emulator.requests).toHaveLength(0);
    });
});

describe("diff and update", () => {
    it("replaces a grant moved to another project or checkpoint, or to one not known yet, and only then", async () => {
        const olds = { ...inputs("proj_a"), permissionId: "cp_x", createdAt: 1, adopted: false };
        expect(grants.diff(olds, inputs("proj_a"))).toEqual({ changes: false, replaces: [] });
        expect(grants.diff(olds, inputs("proj_b"))).toEqual({ changes: true, replaces: ["projectId"] });
        expect(grants.diff(olds, inputs("proj_a", "ft:other"))).toEqual({ changes: true, replaces: ["checkpoint"] });
        expect(grants.diff(olds, inputs(UNKNOWN))).toEqual({ changes: true, replaces: ["projectId"] });
    });

    it("keeps the outputs on an update, which changes nothing in OpenAI", async () => {
        const olds = { ...inputs("proj_a"), permissionId: "cp_x", createdAt: 1, adopted: true };
        expect(await grants.update(olds, inputs("proj_a"), client)).toEqual(olds);
        expect(emulator.requests).toHaveLength(0);
    });
});
