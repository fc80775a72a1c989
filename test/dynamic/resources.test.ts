/**
 * The two resources' registrations in a mocked Pulumi runtime: type tokens, the properties recorded, and
 * the serialized provider they carry.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import { CheckpointPermissionGrant, CheckpointPermissions, SharedCheckpointRecords } from "../../provider/dynamic";
import { grantProvider, recordProvider } from "../../provider/dynamic/runtime";
import { decodeAccess, encodeAccess } from "../../provider/resources/access-text";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
let emulator: RunningEmulator;
const registered: pulumi.runtime.MockResourceArgs[] = [];

beforeAll(async () => {
    emulator = await startEmulator({
        adminKey: "sk-admin-resourcesTestKey0123456789",
        seed: {
            checkpoints: {
                [CHECKPOINT]: {
                    owner_project_id: "proj_owner",
                    permissions: [{ project_id: "proj_z" }, { project_id: "proj_a" }, { project_id: "proj_m" }],
                },
            },
        },
    });
    process.env["OPENAI_ADMIN_KEY"] = emulator.adminKey;
    process.env["OPENAI_BASE_URL"] = emulator.baseUrl;
    await pulumi.runtime.setMocks(
        {
            // As the engine does in a preview: the provider checks the inputs, which come back as the state.
            newResource: async (args) => {
                registered.push(args);
                const provider = args.type.endsWith(":CheckpointPermissions") ? recordProvider : grantProvider;
                const { inputs } = await provider.check!({}, args.inputs);
                return { id: `${args.name}-id`, state: inputs };
            },
            call: () => ({}),
        },
        "project",
        "stack",
        true,
    );
});
afterAll(async () => {
    await emulator?.close();
});

function output<T>(o: pulumi.Output<T>): Promise<T> {
    return (o as unknown as { promise(): Promise<T> }).promise();
}

describe("CheckpointPermissions", () => {
    it("records the live listing as access text keyed by project, under its type token, and derives its outputs from it", async () => {
        const observed = new CheckpointPermissions("shared", { checkpoint: CHECKPOINT });
        expect(await output(observed.projectIds)).toEqual(["proj_a", "proj_m", "proj_z"]);
        expect(await output(observed.permissionCount)).toBe(3);
        const permissions = await output(observed.permissions);
        expect(permissions.map((p) => p.projectId)).toEqual(["proj_a", "proj_m", "proj_z"]);
        expect(Object.keys(permissions[0]!).sort()).toEqual(["createdAt", "id", "projectId"]);
        const registration = registered.find((r) => r.name === "shared")!;
        expect(registration.type).toBe("pulumi-nodejs:dynamic/openai:CheckpointPermissions");
        const live = emulator.permissions(CHECKPOINT);
        const { __provider: _provider, ...recorded } = registration.inputs;
        // The listing is recorded once; the convenient views are not stored again.
        // What the program gives, and nothing more (the SDK pays for every property): without grants in its dependsOn,
        // no managedProjects; the provider's check records `[]`, and adds `revoking`.
        expect(recorded).toEqual({
            checkpoint: CHECKPOINT,
            access: encodeAccess(Object.fromEntries(live.map((p) => [p.project_id, p.id]))),
        });
        expect(await output(observed.revoking)).toEqual({});
        const access = decodeAccess(recorded.access);
        expect(permissions.map((p) => p.id)).toEqual(["proj_a", "proj_m", "proj_z"].map((projectId) => access[projectId]));
    });

    it("names the projects that its grants in dependsOn manage on its checkpoint, and only those", async () => {
        const mine = new CheckpointPermissionGrant("mine", { checkpoint: CHECKPOINT, projectId: "proj_m" });
        const elsewhere = new CheckpointPermissionGrant("elsewhere", { checkpoint: "ft:gpt-4o-mini-2024-07-18:acme::Other", projectId: "proj_q" });
        const observed = new CheckpointPermissions("with-grants", { checkpoint: CHECKPOINT }, { dependsOn: pulumi.output([mine, elsewhere]) });
        await output(observed.projectIds);
        await output(observed.id);
        expect(registered.find((r) => r.name === "with-grants")!.inputs["managedProjects"]).toEqual(["proj_m"]);
    });
});

describe("CheckpointPermissionGrant", () => {
    it("registers the checkpoint and project under its type token, with outputs to fill", async () => {
        const grant = new CheckpointPermissionGrant("analytics", { checkpoint: CHECKPOINT, projectId: "proj_analytics" });
        expect(await output(grant.projectId)).toBe("proj_analytics");
        const registration = registered.find((r) => r.name === "analytics")!;
        expect(registration.type).toBe("pulumi-nodejs:dynamic/openai:CheckpointPermissionGrant");
        expect(registration.inputs).toMatchObject({ checkpoint: CHECKPOINT, projectId: "proj_analytics" });
        expect(registration.inputs).not.toHaveProperty("kind");
        // The SDK made an Output for each property the provider fills in.
        expect(pulumi.Output.isInstance(grant.permissionId)).toBe(true);
        expect(pulumi.Output.isInstance(grant.adopted)).toBe(true);
    });
});

describe("the serialized provider", () => {
    it("is one shim per resource type, loading the implementation by package name, holding no key", async () => {
        await output(new CheckpointPermissions("again", { checkpoint: CHECKPOINT }).id);
        await output(new CheckpointPermissionGrant("again-grant", { checkpoint: CHECKPOINT, projectId: "proj_x" }).id);
        const textsOf = (type: string) => new Set(registered.filter((r) => r.type.endsWith(`:${type}`)).map((r) => r.inputs["__provider"] as string));
        const [records, grants] = [textsOf("CheckpointPermissions"), textsOf("CheckpointPermissionGrant")];
        expect([records.size, grants.size]).toEqual([1, 1]);
        const [[record], [grant]] = [[...records], [...grants]] as [[string], [string]];
        expect(record).toContain('name: "recordProvider"');
        expect(grant).toContain('name: "grantProvider"');
        for (const text of [record, grant]) {
            expect(text).toContain('"pulumi-openai-checkpoint-permissions"');
            expect(text).toContain("/provider-runtime`");
            expect(text).not.toContain(emulator.adminKey);
            expect(text).not.toContain("sk-admin");
        }
        for (const r of registered) expect(JSON.stringify(r.inputs)).not.toContain(emulator.adminKey);
    });
});

describe("SharedCheckpointRecords", () => {
    it("refuses an explicit provider of the plugin, naming the option, before anything is registered or read", () => {
        const partner = new (class extends pulumi.ProviderResource {})("openai-checkpoints", "partner", {});
        const before = registered.length;
        emulator.clearRequests();
        expect(() => new SharedCheckpointRecords("partner-audit", {}, { provider: partner })).toThrow(/Invalid argument opts\.provider: .*one per stack/);
        expect(() => new SharedCheckpointRecords("partner-audit", {}, { providers: { "openai-checkpoints": partner } })).toThrow(/Invalid argument opts\.providers/);
        expect(registered.slice(before).filter((r) => r.type.endsWith("SharedCheckpointRecords"))).toEqual([]);
        expect(emulator.requests).toHaveLength(0);
    });
});
