/**
 * The plugin's Provider object against the emulator over loopback: what the engine calls for `pulumi up`, refresh,
 * import and destroy, and for the `getCheckpointPermissions` invoke, called here directly. What it adds to the
 * resources' operations (test/resources) is the translation: ids, secrets, the answers the schema declares (every
 * answer is checked against it on the way, ./conforming.ts), and one client per provider instance.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import { CheckpointPermissionsProvider } from "../../provider/plugin/provider";
import { conforming, type ConformingProvider } from "./conforming";
import { GET_PERMISSIONS_TOKEN, GET_SHARED_CHECKPOINTS_TOKEN } from "../../provider/plugin/schema";
import { pluginCheckpointPermissionGrantType, pluginCheckpointPermissionsType } from "../../provider/resources/tokens";
import { UNKNOWN_STRING as UNKNOWN } from "../../provider/resources/unknowns";
import { encodeAccess } from "../../provider/resources/access-text";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
const EXISTING = "cp_existing00000000000000000";
const seed = {
    checkpoints: {
        [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_existing", id: EXISTING, created_at: 1_700_000_000 }] },
    },
};
const grantUrn = `urn:pulumi:dev::yaml::${pluginCheckpointPermissionGrantType}::grant`;
const recordUrn = `urn:pulumi:dev::yaml::${pluginCheckpointPermissionsType}::record`;
/** How the engine sends a secret to a provider that accepts secrets. */
const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

let emulator: RunningEmulator;
let plugin: ConformingProvider;

beforeAll(async () => {
    emulator = await startEmulator({ seed });
    plugin = conforming(new CheckpointPermissionsProvider("0.0.0-test"));
    plugin.configure({ adminKey: emulator.adminKey, baseUrl: emulator.baseUrl });
});
afterAll(async () => {
    await emulator?.close();
});
beforeEach(() => emulator.reset(seed));

describe("getCheckpointPermissions (invoke)", () => {
    it("reads every permission of a checkpoint, shaped as the TypeScript function's result", async () => {
        const { outputs, failures } = await plugin.invoke(GET_PERMISSIONS_TOKEN, { checkpoint: CHECKPOINT });
        expect(failures).toBeUndefined();
        expect(outputs).toMatchObject({
            id: CHECKPOINT,
            checkpoint: CHECKPOINT,
            order: "descending",
            projectIds: ["proj_existing"],
            permissionCount: 1,
            permissionsByProject: { proj_existing: { id: EXISTING, projectId: "proj_existing", createdAt: 1_700_000_000 } },
        });
    });

    it("says who granted each permission with attribution, in the shape the schema declares", async () => {
        emulator.grant(CHECKPOINT, "proj_intruder", { actor: { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } } });
        const { outputs } = await plugin.invoke(GET_PERMISSIONS_TOKEN, { checkpoint: CHECKPOINT, attribution: true });
        expect(outputs?.["permissionsByProject"]).toMatchObject({
            proj_intruder: { grantedBy: { kind: "dashboard", email: "mallory@acme.com", ipAddress: "203.0.113.7" }, grantedAt: expect.any(Number) },
            proj_existing: { grantedBy: { kind: "unknown", reason: expect.any(String) }, grantedAt: null },
        });
        const failed = await plugin.invoke(GET_PERMISSIONS_TOKEN, { checkpoint: CHECKPOINT, attribution: "yes" });
        expect(failed.failures).toEqual([{ property: "attribution", reason: expect.stringMatching(/must be true or false/) }]);
    });

    it("finds every checkpoint the organization shares (getSharedCheckpoints), in the shape the schema declares", async () => {
        emulator.grant(CHECKPOINT, "proj_new");
        const { outputs } = await plugin.invoke(GET_SHARED_CHECKPOINTS_TOKEN, {});
        expect(outputs).toEqual({
            checkpoints: [{ checkpoint: CHECKPOINT, projectIds: ["proj_existing", "proj_new"], permissionCount: 2 }],
            checkpointIds: [CHECKPOINT],
            auditLogging: true,
            candidateCount: 1,
        });
        const bad = await plugin.invoke(GET_SHARED_CHECKPOINTS_TOKEN, { include: "ft:x" });
        expect(bad.failures).toEqual([{ property: "include", reason: expect.stringMatching(/must be a list of checkpoint ids/) }]);
    });

    it("answers bad arguments with a failure naming the argument, before any request", async () => {
        const { outputs, failures } = await plugin.invoke(GET_PERMISSIONS_TOKEN, { checkpoint: CHECKPOINT, order: "sideways" });
        expect(outputs).toBeUndefined();
        expect(failures).toEqual([{ property: "order", reason: expect.stringMatching(/sideways/) }]);
        expect(emulator.requests).toHaveLength(0);
    });

    it("rejects a function it does not have", async () => {
        await expect(plugin.invoke("openai-checkpoints:index:getOther", {})).rejects.toThrow(/unknown function openai-checkpoints:index:getOther/);
    });
});

describe("CheckpointPermissionGrant", () => {
    it("names a required input that is absent (an Output that resolved to undefined or None), and answers only what was given", async () => {
        const { inputs, failures } = await plugin.check(grantUrn, {}, { checkpoint: CHECKPOINT });
        expect(failures).toEqual([{ property: "projectId", reason: expect.stringMatching(/^projectId: must be a string/) }]);
        expect(inputs).toEqual({ checkpoint: CHECKPOINT });
        expect(Object.values(inputs ?? {})).not.toContain(undefined);
        expect(emulator.requests).toHaveLength(0);
    });

    it("never repeats a secret input in a failure", async () => {
        const hidden = "ft:gpt-4o-mini-2024-07-18:acme-secret-org::AbC123 ";
        const { failures } = await plugin.check(grantUrn, {}, { checkpoint: secret(hidden), projectId: secret("proj bad") });
        expect(failures?.map((f) => f.property).sort()).toEqual(["checkpoint", "projectId"]);
        for (const { reason } of failures ?? []) {
            expect(reason).not.toContain("acme-secret-org");
            expect(reason).not.toContain("proj bad");
            expect(reason).toContain("[secret]");
        }
    });

    it("passes check on values not known yet", async () => {
        const { failures } = await plugin.check(grantUrn, {}, { checkpoint: CHECKPOINT, projectId: UNKNOWN });
        expect(failures).toEqual([]);
    });

    it("creates a grant under the id <checkpoint>/<permission id>, refreshes it and deletes it", async () => {
        const created = await plugin.create(grantUrn, { checkpoint: CHECKPOINT, projectId: "proj_new" });
        const permissionId = emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_new")?.id;
        expect(created.id).toBe(`${CHECKPOINT}/${permissionId}`);
        expect(created.outs).toEqual({ checkpoint: CHECKPOINT, projectId: "proj_new", permissionId, createdAt: expect.any(Number), adopted: false });

        const read = await plugin.read(created.id, grantUrn, created.outs);
        expect(read).toEqual({ id: created.id, props: created.outs, inputs: { checkpoint: CHECKPOINT, projectId: "proj_new" } });

        await plugin.delete(created.id, grantUrn, created.outs);
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_existing"]);
    });

    it("imports a permission granted outside Pulumi by <checkpoint>/<permission id>, with the inputs that match it", async () => {
        const imported = await plugin.read(`${CHECKPOINT}/${EXISTING}`, grantUrn, {});
        expect(imported).toEqual({
            id: `${CHECKPOINT}/${EXISTING}`,
            props: { checkpoint: CHECKPOINT, projectId: "proj_existing", permissionId: EXISTING, createdAt: 1_700_000_000, adopted: true },
            inputs: { checkpoint: CHECKPOINT, projectId: "proj_existing" },
        });
    });

    it("rejects an import id without a permission id, naming the expected form, before any request", async () => {
        await expect(plugin.read(CHECKPOINT, grantUrn, {})).rejects.toThrow(/Invalid argument id: must be `<checkpoint>\/<permission id>`/);
        expect(emulator.requests).toHaveLength(0);
    });

    it("keeps a secret input secret in the outputs", async () => {
        const checked = await plugin.check(grantUrn, {}, { checkpoint: CHECKPOINT, projectId: secret("proj_hidden") });
        expect(checked.inputs).toEqual({ checkpoint: CHECKPOINT, projectId: secret("proj_hidden") });
        const created = await plugin.create(grantUrn, checked.inputs);
        expect(created.outs).toMatchObject({ checkpoint: CHECKPOINT, projectId: secret("proj_hidden") });
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toContain("proj_hidden");
    });
});

describe("CheckpointPermissions (the record)", () => {
    it("reads the live listing in check, as access text, so a YAML program gives only the checkpoint", async () => {
        const { inputs, failures } = await plugin.check(recordUrn, {}, { checkpoint: CHECKPOINT });
        expect(failures).toEqual([]);
        expect(inputs).toEqual({ checkpoint: CHECKPOINT, access: encodeAccess({ proj_existing: EXISTING }), managedProjects: [] });
        expect(inputs).not.toHaveProperty("kind"); // the dynamic provider's dispatch field: not part of the plugin's shapes
        const created = await plugin.create(recordUrn, inputs);
        // Only what the schema declares: the dynamic surface's `revoking` and `accessDigest` are not the plugin's.
        expect(created).toEqual({ id: CHECKPOINT, outs: { checkpoint: CHECKPOINT, access: encodeAccess({ proj_existing: EXISTING }), managedProjects: [] } });
        expect(await plugin.diff(CHECKPOINT, recordUrn, created.outs, inputs)).toEqual({ changes: false, replaces: [] });
    });

    it("never repeats a secret checkpoint, in a failure or in an error", async () => {
        const gone = "ft:gpt-4o-mini-2024-07-18:acme-secret-org::Gone";
        const { failures } = await plugin.check(recordUrn, {}, { checkpoint: secret(gone) });
        expect(failures).toEqual([{ property: "checkpoint", reason: "[secret] was not found with this provider's key" }]);
        const invoked = plugin.invoke(GET_PERMISSIONS_TOKEN, { checkpoint: secret(gone) });
        await expect(invoked).rejects.toThrow(/404/);
        await expect(invoked).rejects.not.toThrow(/acme-secret-org/);
        const bad = await plugin.invoke(GET_PERMISSIONS_TOKEN, { checkpoint: secret(`${gone}\u0000`) });
        expect(bad.failures).toEqual([{ property: "checkpoint", reason: expect.not.stringContaining("acme-secret-org") }]);
    });

    it("leaves the listing unknown while the checkpoint or the managed projects are, without a request", async () => {
        expect((await plugin.check(recordUrn, {}, { checkpoint: UNKNOWN })).inputs).toEqual({ checkpoint: UNKNOWN, access: UNKNOWN });
        const managed = await plugin.check(recordUrn, {}, { checkpoint: CHECKPOINT, managedProjects: ["proj_a", UNKNOWN] });
        expect(managed).toEqual({ inputs: { checkpoint: CHECKPOINT, managedProjects: ["proj_a", UNKNOWN], access: UNKNOWN }, failures: [] });
        expect(emulator.requests).toHaveLength(0);
    });

    it("answers a failed check with the failure and what was given, never with an unknown access", async () => {
        // `up --skip-preview` and the Automation API read a check's answer with unknowns refused: the failure must come through.
        for (const news of [{}, { checkpoint: "" }, { checkpoint: CHECKPOINT, managedProjects: ["proj a"] }, { checkpoint: UNKNOWN, managedProjects: { proj_a: true } }]) {
            const { inputs, failures } = await plugin.check(recordUrn, {}, news);
            expect(failures).not.toEqual([]);
            expect(inputs).not.toHaveProperty("access");
        }
        expect((await plugin.check(recordUrn, {}, {})).failures).toEqual([{ property: "checkpoint", reason: expect.stringMatching(/must be a string/) }]);
        expect(emulator.requests).toHaveLength(0);
    });

    it("takes managedProjects as a list of project ids, and answers them as one, sorted", async () => {
        const { inputs, failures } = await plugin.check(recordUrn, {}, { checkpoint: CHECKPOINT, managedProjects: ["proj_z", "proj_existing"] });
        expect(failures).toEqual([]);
        expect(inputs).toMatchObject({ managedProjects: ["proj_existing", "proj_z"] });
        const created = await plugin.create(recordUrn, inputs);
        expect(created.outs).toMatchObject({ managedProjects: ["proj_existing", "proj_z"] });
        const next = await plugin.check(recordUrn, inputs, { checkpoint: CHECKPOINT, managedProjects: ["proj_existing", "proj_z"] });
        expect(await plugin.diff(CHECKPOINT, recordUrn, created.outs, next.inputs)).toEqual({ changes: false, replaces: [] });
    });

    it("re-reads the record on refresh, keeping the managed projects", async () => {
        const { inputs } = await plugin.check(recordUrn, {}, { checkpoint: CHECKPOINT, managedProjects: ["proj_existing"] });
        const created = await plugin.create(recordUrn, inputs);
        const outside = emulator.grant(CHECKPOINT, "proj_outside");
        const refreshed = await plugin.read(CHECKPOINT, recordUrn, created.outs);
        const live = { checkpoint: CHECKPOINT, access: encodeAccess({ proj_existing: EXISTING, proj_outside: outside.id }), managedProjects: ["proj_existing"] };
        expect(refreshed).toEqual({ id: CHECKPOINT, props: live, inputs: live });
    });

    it("imports a record by its checkpoint, and a program that gives managedProjects matches it", async () => {
        const imported = await plugin.read(CHECKPOINT, recordUrn, {});
        const live = { checkpoint: CHECKPOINT, access: encodeAccess({ proj_existing: EXISTING }) };
        expect(imported).toEqual({ id: CHECKPOINT, props: live, inputs: live });
        // What the engine then does with the program's inputs: check against the read inputs, and diff with the read outputs.
        const checked = await plugin.check(recordUrn, imported.inputs, { checkpoint: CHECKPOINT, managedProjects: ["proj_existing"] });
        expect(await plugin.diff(CHECKPOINT, recordUrn, imported.props, checked.inputs)).toEqual({ changes: false, replaces: [] });
    });

    it("keeps a secret checkpoint secret in its answers", async () => {
        const { inputs } = await plugin.check(recordUrn, {}, { checkpoint: secret(CHECKPOINT) });
        expect(inputs).toMatchObject({ checkpoint: secret(CHECKPOINT), access: encodeAccess({ proj_existing: EXISTING }) });
        expect((await plugin.create(recordUrn, inputs)).outs).toMatchObject({ checkpoint: secret(CHECKPOINT) });
    });
});

describe("provider instances", () => {
    it("two providers with two keys reach two organizations", async () => {
        const other = await startEmulator({ seed, adminKey: "sk-admin-other-organization" });
        try {
            const second = conforming(new CheckpointPermissionsProvider("0.0.0-test"));
            second.configure({ adminKey: secret(other.adminKey).value, baseUrl: other.baseUrl });
            await second.create(grantUrn, { checkpoint: CHECKPOINT, projectId: "proj_second_org" });
            await plugin.create(grantUrn, { checkpoint: CHECKPOINT, projectId: "proj_first_org" });
            expect(other.permissions(CHECKPOINT).map((p) => p.project_id).sort()).toEqual(["proj_existing", "proj_second_org"]);
            expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id).sort()).toEqual(["proj_existing", "proj_first_org"]);
        } finally {
            await other.close();
        }
    });

    it("without a key anywhere, says how to set one for the plugin", async () => {
        const saved = process.env["OPENAI_ADMIN_KEY"];
        delete process.env["OPENAI_ADMIN_KEY"];
        try {
            const unconfigured = conforming(new CheckpointPermissionsProvider("0.0.0-test"));
            unconfigured.configure({ baseUrl: emulator.baseUrl });
            await expect(unconfigured.invoke(GET_PERMISSIONS_TOKEN, { checkpoint: CHECKPOINT })).rejects.toThrow(
                /pulumi config set --secret openai-checkpoints:adminKey .*pass `adminKey` to an explicit provider.*OPENAI_ADMIN_KEY/,
            );
        } finally {
            if (saved !== undefined) process.env["OPENAI_ADMIN_KEY"] = saved;
        }
    });

    it("falls back to OPENAI_ADMIN_KEY and OPENAI_BASE_URL", async () => {
        const saved = { key: process.env["OPENAI_ADMIN_KEY"], url: process.env["OPENAI_BASE_URL"] };
        process.env["OPENAI_ADMIN_KEY"] = emulator.adminKey;
        process.env["OPENAI_BASE_URL"] = emulator.baseUrl;
        try {
            const fromEnvironment = conforming(new CheckpointPermissionsProvider("0.0.0-test"));
            fromEnvironment.configure({});
            const { outputs } = await fromEnvironment.invoke(GET_PERMISSIONS_TOKEN, { checkpoint: CHECKPOINT });
            expect(outputs).toMatchObject({ permissionCount: 1 });
        } finally {
            for (const [name, value] of [["OPENAI_ADMIN_KEY", saved.key], ["OPENAI_BASE_URL", saved.url]] as const) {
                if (value === undefined) delete process.env[name];
                else process.env[name] = value;
            }
        }
    });
});
