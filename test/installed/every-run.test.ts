/**
 * Right every run, as a user has the package: the packed tarball in a project outside the repository, on the real
 * engine. An audit stack with attribution (a record and the component) in TypeScript and in YAML lives its whole
 * life (up, no change, refresh, no change, destroy); a preview whose `include` is unknown plans no delete; and a
 * long-lived process runs one inline program after another (the Automation API), each reading afresh.
 */
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordNames } from "../../provider/components/shared-checkpoint-records";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import type { Workspace } from "../../tools/engine/workspace";
import { createUserProject, NEWEST_PULUMI, typescriptProject, type UserProject } from "./support/user-project";

const execFileAsync = promisify(execFile);

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
/** Shared before the organization's audit logging began: only `include` names it. */
const LEGACY = "ft:gpt-4o-mini-2024-07-18:acme::Legacy:ckpt-step-10";
/** Where a later grant of the stack goes, so the preview that makes it has an unknown `include`. */
const SCRATCH = "ft:gpt-4o-mini-2024-07-18:acme::Scratch:ckpt-step-1";
const MALLORY = { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } };

let project: UserProject;
let emulator: RunningEmulator;

beforeAll(async () => {
    project = await createUserProject({ fixture: "every-run", dependencies: typescriptProject(NEWEST_PULUMI) });
    emulator = await startEmulator({
        seed: {
            checkpoints: {
                [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_research", created_at: 1_700_000_000 }] },
                [LEGACY]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_archive", created_at: 1_700_000_000 }] },
                [SCRATCH]: { owner_project_id: "proj_owner" },
            },
        },
    });
    // Attributed: its event is in the audit log.
    emulator.grant(CHECKPOINT, "proj_eval", { actor: MALLORY });
});
afterAll(async () => {
    await emulator?.close();
    await project?.dispose();
});

/**
 * A stack of the project's program in `dir`, pointed at the emulator through the environment. The YAML program
 * always grants `proj_later` access to SCRATCH (so the audit also records SCRATCH); the TypeScript one only once
 * `grantTo` is set.
 */
async function stackIn(dir: string, stackName: string): Promise<Workspace["pulumi"]> {
    const workspace = await project.workspace({ OPENAI_BASE_URL: emulator.baseUrl, OPENAI_ADMIN_KEY: emulator.adminKey }, undefined, dir);
    const pulumi: Workspace["pulumi"] = (args, options) => workspace.pulumi([...args, "--stack", stackName], options);
    await workspace.pulumi(["stack", "init", stackName]);
    await pulumi(["config", "set", "checkpoint", CHECKPOINT]);
    await pulumi(["config", "set", "legacy", LEGACY]);
    if (dir === "yaml") {
        await pulumi(["config", "set", "scratch", SCRATCH]);
        await pulumi(["config", "set", "grantTo", "proj_later"]);
    }
    return pulumi;
}

const forms = [
    { form: "TypeScript", dir: ".", shared: [CHECKPOINT, LEGACY].sort() },
    { form: "YAML on the plugin", dir: "yaml", shared: [CHECKPOINT, LEGACY, SCRATCH].sort() },
];

describe.each(forms)("an audit stack with attribution in $form", ({ dir, shared }) => {
    let pulumi: Workspace["pulumi"];

    beforeAll(async () => {
        pulumi = await stackIn(dir, "audit");
    });

    it("up, then a preview with no change; refresh (without the program, then with it), then a preview with no change: the grantors survive", async () => {
        await pulumi(["up", "--yes", "--skip-preview"]);
        const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
        expect(outputs["recordedAccess"]).toMatch(/proj_eval cp_\S+ by mallory@acme\.com \(dashboard\)\n/);
        expect(outputs["sharedCheckpoints"]).toEqual(shared);
        await pulumi(["preview", "--expect-no-changes"]);
        await pulumi(["refresh", "--yes", "--skip-preview"]);
        const refreshed = JSON.parse((await pulumi(["stack", "export"])).stdout) as { deployment: { resources: Array<{ urn: string; outputs?: Record<string, unknown> }> } };
        const record = refreshed.deployment.resources.find((r) => r.urn.endsWith("::model-access"));
        expect(record?.outputs?.["access"]).toMatch(/proj_eval cp_\S+ by mallory@acme\.com \(dashboard\)\n/);
        await pulumi(["preview", "--expect-no-changes"]);
        // With the program too.
        await pulumi(["refresh", "--yes", "--skip-preview", "--run-program"]);
        await pulumi(["preview", "--expect-no-changes"]);
    });

    it("destroy forgets the records and revokes nothing", async () => {
        await pulumi(["destroy", "--yes", "--skip-preview"]);
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id).sort()).toEqual(["proj_eval", "proj_research"]);
        expect(emulator.permissions(LEGACY).map((p) => p.project_id)).toEqual(["proj_archive"]);
    });
});

describe.each(forms)("a preview whose `include` is unknown, in $form", ({ dir, shared }) => {
    it("plans only what up will do: the records of the last up are kept, none is planned for deletion", async () => {
        const pulumi = await stackIn(dir, "unknown-include");
        await pulumi(["up", "--yes", "--skip-preview"]);
        // TypeScript: a new grant; YAML: the grant moved to another project, a replace. Either way `include` waits on it.
        await pulumi(["config", "set", "scratch", SCRATCH]);
        await pulumi(["config", "set", "grantTo", dir === "yaml" ? "proj_later_moved" : "proj_later"]);
        const { stdout } = await pulumi(["preview", "--json", "--show-sames"]);
        const steps = (JSON.parse(stdout) as { steps: Array<{ op: string; urn: string }> }).steps;
        const changed = steps.filter((step) => step.op !== "same").map((step) => `${step.op} ${step.urn.split("::").at(-1)}`);
        expect(changed).toEqual(dir === "yaml" ? ["replace later"] : ["create proj_later"]);
        const records = ["model-access", ...recordNames("acme", shared).values()];
        for (const name of records) expect(steps.find((step) => step.urn.endsWith(`::${name}`))?.op, name).toBe("same");
        await pulumi(["up", "--yes", "--skip-preview"]);
        await pulumi(["destroy", "--yes", "--skip-preview"]);
    });
});

describe("a TypeScript preview whose `attribution` is unknown", () => {
    it("shows each record as an update that may change, none planned for deletion", async () => {
        const pulumi = await stackIn(".", "unknown-attribution");
        await pulumi(["up", "--yes", "--skip-preview"]);
        await pulumi(["config", "set", "scratch", SCRATCH]);
        await pulumi(["config", "set", "grantTo", "proj_later"]);
        await pulumi(["config", "set", "attributionWaits", "true"]);
        const { stdout } = await pulumi(["preview", "--json", "--show-sames"]);
        const steps = (JSON.parse(stdout) as { steps: Array<{ op: string; urn: string }> }).steps;
        expect(steps.filter((step) => step.op === "delete")).toEqual([]);
        for (const name of recordNames("acme", [CHECKPOINT, LEGACY]).values()) expect(steps.find((step) => step.urn.endsWith(`::${name}`))?.op, name).toBe("update");
        expect(steps.find((step) => step.urn.endsWith("::model-access"))?.op).toBe("same");
        await pulumi(["up", "--yes", "--skip-preview"]);
        await pulumi(["destroy", "--yes", "--skip-preview"]);
    });
});

describe("a long-lived process running one inline program after another (Automation API)", () => {
    it("reads afresh each run, the record and the component: drift in the next preview, the new grant in the next up, a fixed key works", async () => {
        const workspace = await project.workspace({});
        const workDir = path.join(project.dir, "automation");
        await mkdir(workDir, { recursive: true });
        const { stdout } = await execFileAsync(process.execPath, ["automation.js", workDir, emulator.baseUrl, emulator.adminKey, CHECKPOINT, LEGACY], {
            cwd: project.dir,
            env: workspace.env,
            maxBuffer: 16 * 1024 * 1024,
        });
        const seen = JSON.parse(stdout.slice(stdout.indexOf("RESULT ") + "RESULT ".length)) as {
            firstUp: { read: string[]; recorded: string[]; shared: string[] };
            preview: { changeSummary: Record<string, number>; stdout: string };
            secondUp: { read: string[]; recorded: string[]; shared: string[] };
            wrongKey: string;
            fixedKey: { read: string[] };
        };
        expect(seen.firstUp.read).not.toContain("proj_outside");
        expect(seen.firstUp.shared).toEqual(seen.firstUp.recorded);
        // The record and the component's record of the same checkpoint.
        expect(seen.preview.changeSummary["update"]).toBe(2);
        expect(seen.preview.stdout).toMatch(/\+ proj_outside cp_\S+ by mallory@acme\.com \(dashboard\)/);
        expect(seen.secondUp.read).toContain("proj_outside");
        expect(seen.secondUp.recorded).toContain("proj_outside");
        expect(seen.secondUp.shared).toContain("proj_outside");
        expect(seen.wrongKey).toMatch(/Incorrect API key|401/);
        expect(seen.wrongKey).not.toContain("sk-admin-wrong-key-0000");
        expect(seen.fixedKey.read).toContain("proj_outside");
    });
});
