import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EmulatorSeedError, loadSeedFile, parseSeed, startEmulator } from "../../provider/emulator";
import { list, PERMISSION_ID } from "./support/http";

const DEMO_SEED = path.resolve(__dirname, "../../provider/emulator/demo-seed.json");

let dir: string;
beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "emulator-seed-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function seedFile(name: string, content: string): Promise<string> {
    const file = path.join(dir, name);
    await writeFile(file, content);
    return file;
}

/** The message of the EmulatorSeedError that parsing `value` throws. */
function seedError(value: unknown): string {
    try {
        parseSeed(value);
    } catch (error) {
        expect(error).toBeInstanceOf(EmulatorSeedError);
        return (error as Error).message;
    }
    throw new Error("expected the seed to be rejected");
}

describe("seed validation", () => {
    it("accepts a checkpoint without permissions and permissions without id or created_at", () => {
        const seed = {
            checkpoints: {
                "ft:a": { owner_project_id: "proj_o" },
                "ft:b": { owner_project_id: "proj_o", permissions: [{ project_id: "proj_x" }] },
            },
        };
        expect(parseSeed(seed)).toEqual(seed);
    });

    it.each([
        ["a non-object", [], "(root)"],
        ["no checkpoints", {}, "checkpoints"],
        ["checkpoints as an array", { checkpoints: [] }, "checkpoints"],
        ["a missing owner", { checkpoints: { "ft:x:y": {} } }, 'checkpoints["ft:x:y"].owner_project_id'],
        ["an empty owner", { checkpoints: { "ft:x": { owner_project_id: "" } } }, 'checkpoints["ft:x"].owner_project_id'],
        [
            "a misspelt key",
            { checkpoints: { "ft:x": { owner_project_id: "proj_o", permision: [] } } },
            "permision",
        ],
        [
            "a fractional created_at",
            { checkpoints: { "ft:x": { owner_project_id: "proj_o", permissions: [{ project_id: "proj_a", created_at: 1.5 }] } } },
            'checkpoints["ft:x"].permissions[0].created_at',
        ],
        [
            "a created_at string",
            { checkpoints: { "ft:x": { owner_project_id: "proj_o", permissions: [{ project_id: "proj_a", created_at: "2024" }] } } },
            'checkpoints["ft:x"].permissions[0].created_at',
        ],
        [
            "a bad permission id",
            { checkpoints: { "ft:x": { owner_project_id: "proj_o", permissions: [{ project_id: "proj_a", id: "perm-1" }] } } },
            'checkpoints["ft:x"].permissions[0].id',
        ],
        [
            "a missing project_id",
            { checkpoints: { "ft:x": { owner_project_id: "proj_o", permissions: [{}] } } },
            'checkpoints["ft:x"].permissions[0].project_id',
        ],
        [
            "the owner among the permissions",
            { checkpoints: { "ft:x": { owner_project_id: "proj_o", permissions: [{ project_id: "proj_o" }] } } },
            'checkpoints["ft:x"].permissions[0].project_id',
        ],
        [
            "a project granted twice",
            { checkpoints: { "ft:x": { owner_project_id: "proj_o", permissions: [{ project_id: "proj_a" }, { project_id: "proj_a" }] } } },
            'checkpoints["ft:x"].permissions[1].project_id',
        ],
        [
            "a permission id used twice",
            {
                checkpoints: {
                    "ft:x": { owner_project_id: "proj_o", permissions: [{ project_id: "proj_a", id: "cp_1" }] },
                    "ft:y": { owner_project_id: "proj_o", permissions: [{ project_id: "proj_a", id: "cp_1" }] },
                },
            },
            'checkpoints["ft:y"].permissions[0].id',
        ],
    ])("rejects %s, naming the field", (_, value, field) => {
        expect(seedError(value)).toContain(field);
    });

    it("names the source in the message", () => {
        expect(() => parseSeed({}, "my-seed.json")).toThrow(/my-seed\.json/);
    });
});

describe("the organization's seed: settings, projects, audit log", () => {
    const created = (id: string) => ({
        type: "checkpoint.permission.created",
        effective_at: 1_700_000_000,
        actor: { session: { user: { email: "mallory@acme.com" }, ip_address: "198.51.100.7" } },
        "checkpoint.permission.created": { id, data: { project_id: "proj_a", fine_tuned_model_checkpoint: "ft:x" } },
    });

    it("accepts every part, as given", () => {
        const seed = {
            checkpoints: {},
            organization: { audit_logging: false, admin_key_actor: { api_key: { id: "key_ci", service_account: { id: "svc_acct_ci" } } }, default_project_id: "proj_main" },
            projects: [{ id: "proj_main", name: "Main" }, { id: "proj_old", name: null, created_at: 1, archived_at: 2 }],
            audit_logs: [created("cp_1"), { id: "audit_log-x", type: "project.archived", effective_at: 2, actor: null, "project.archived": { id: "proj_old" } }],
        };
        expect(parseSeed(seed)).toEqual(seed);
    });

    it.each([
        ["an event type OpenAI does not have", { audit_logs: [{ ...created("cp_1"), type: "checkpoint.permission.granted" }] }, "audit_logs[0].type: must be one of OpenAI's audit-log event types"],
        ["a created event without its details", { audit_logs: [{ ...created("cp_1"), "checkpoint.permission.created": undefined }] }, 'audit_logs[0]["checkpoint.permission.created"]: is required'],
        ["a created event without its project", { audit_logs: [{ ...created("cp_1"), "checkpoint.permission.created": { id: "cp_1", data: { fine_tuned_model_checkpoint: "ft:x" } } }] }, '["checkpoint.permission.created"].data.project_id: is required'],
        ["a misspelt event field", { audit_logs: [{ ...created("cp_1"), efective_at: 3 }] }, "audit_logs[0].efective_at: is not a field of a checkpoint.permission.created event"],
        ["another type's details", { audit_logs: [{ ...created("cp_1"), "checkpoint.permission.deleted": { id: "cp_1" } }] }, 'audit_logs[0]["checkpoint.permission.deleted"]: is not a field'],
        ["an actor that is none", { audit_logs: [{ ...created("cp_1"), actor: { robot: {} } }] }, "audit_logs[0].actor: must be an actor"],
        ["an event id used twice", { audit_logs: [{ ...created("cp_1"), id: "audit_log-a" }, { ...created("cp_2"), id: "audit_log-a" }] }, "audit_logs[1].id: audit_log-a is used twice"],
        ["a project id used twice", { projects: [{ id: "proj_a" }, { id: "proj_a" }] }, "projects[1].id: proj_a is used twice"],
        ["an archived_at that is no time", { projects: [{ id: "proj_a", archived_at: "yesterday" }] }, "projects[0].archived_at"],
        ["an admin key that is a dashboard session", { organization: { admin_key_actor: { session: { user: { email: "a@b.c" } } } } }, "organization.admin_key_actor"],
        ["audit logging as text", { organization: { audit_logging: "no" } }, "organization.audit_logging: must be true or false"],
        ["an unknown setting", { organization: { audit_log: false } }, "organization"],
    ])("rejects %s, naming the field", (_, part, message) => {
        expect(seedError({ checkpoints: {}, ...part })).toContain(message);
    });
});

describe("seed files", () => {
    it("loads the demo organisation's seed", async () => {
        const seed = await loadSeedFile(DEMO_SEED);
        const checkpoints = Object.entries(seed.checkpoints);
        expect(checkpoints.length).toBeGreaterThanOrEqual(3);
        expect(checkpoints.some(([, entry]) => (entry.permissions ?? []).length >= 2)).toBe(true);
        expect(Object.keys(seed.checkpoints)).toContain("ft:gpt-4o-mini-2024-07-18:acme-corp::AbC123:ckpt-step-100");
    });

    it("names the file when it is not JSON", async () => {
        const file = await seedFile("broken.json", "{ checkpoints: ");
        await expect(loadSeedFile(file)).rejects.toThrow(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not valid JSON`));
    });

    it("names the file and the field when the seed is invalid", async () => {
        const file = await seedFile("invalid.json", JSON.stringify({ checkpoints: { "ft:x": { owner_project_id: 7 } } }));
        const error = await loadSeedFile(file).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(EmulatorSeedError);
        expect((error as Error).message).toContain(file);
        expect((error as Error).message).toContain('checkpoints["ft:x"].owner_project_id');
    });

    it("loads the example of the emulator's README", async () => {
        const readme = readFileSync(path.resolve(__dirname, "../../provider/emulator/README.md"), "utf8");
        const example = /## Seed format\n[^]*?```json\n([^]*?)```/.exec(readme)?.[1];
        const seed = await loadSeedFile(await seedFile("readme.json", example ?? ""));
        expect(seed.audit_logs?.length).toBeGreaterThan(0);
        expect(seed.projects?.some((project) => project.archived_at)).toBe(true);
    });

    it("reports a missing file", async () => {
        await expect(loadSeedFile(path.join(dir, "absent.json"))).rejects.toThrow(/Cannot read emulator seed file .*absent\.json/);
    });
});

describe("seeding an emulator", () => {
    it("refuses an invalid seed", async () => {
        await expect(startEmulator({ seed: { checkpoints: { "ft:x": { owner_project_id: "" } } } })).rejects.toThrow(EmulatorSeedError);
    });

    it("generates ids and timestamps the seed leaves out, from the injected clock", async () => {
        const emulator = await startEmulator({
            now: () => 1_234_567_890,
            seed: { checkpoints: { "ft:x": { owner_project_id: "proj_o", permissions: [{ project_id: "proj_a" }] } } },
        });
        try {
            const page = await list(emulator, "ft:x");
            expect(page.data[0]?.id).toMatch(PERMISSION_ID);
            expect(page.data[0]?.created_at).toBe(1_234_567_890);
        } finally {
            await emulator.close();
        }
    });
});
