/**
 * `CheckpointAccess` on the real engine, TypeScript (the dynamic resource), and YAML and Python (the plugin's; Python
 * from this repository's sdk/python, on Pulumi's Python SDK from PyPI), the same steps in order on one stack each:
 * - a plain preview (no --refresh) names each project `up` grants and revokes, and changes nothing;
 * - `up` converges, `--expect-no-changes` passes after it, and after a refresh;
 * - a dashboard share is named with its grantor in the next preview and revoked by the next `up`;
 * - `checkpoint-max-revocations` fails a preview that would revoke too many, naming them;
 * - destroy revokes nothing;
 * - the plugin's import takes a checkpoint id and adopts the live set.
 */
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSeed } from "../../provider/emulator";
import { PACKAGE_NAME } from "../../provider/plugin/schema";
import { checkpointAccessType, pluginCheckpointAccessType } from "../../provider/resources/tokens";
import { REPO_ROOT } from "../../tools/engine/engine";
import { cachedPythonSdk, sitePackages } from "../installed/support/plugin-language-suite";
import { runOrThrow as run } from "../support/run";
import { FIXTURES_DIR, startEngineStack, type EngineStack } from "./harness";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const OTHER = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-200";
const KEPT = "cp_kept000000000000000000000";
const OLD = "cp_old0000000000000000000000";
// Granted long before audit logging: no event to wait for.
const seed: EmulatorSeed = {
    checkpoints: {
        [CHECKPOINT]: {
            owner_project_id: "proj_owner",
            permissions: [
                { project_id: "proj_kept", id: KEPT, created_at: 1_700_000_000 },
                { project_id: "proj_old", id: OLD, created_at: 1_700_000_000 },
            ],
        },
        [OTHER]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_x", created_at: 1_700_000_000 }, { project_id: "proj_y", created_at: 1_700_000_000 }] },
    },
};
const MALLORY = { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } };

/**
 * The Python program's virtual environment (`venv`, which its Pulumi.yaml names) in the stack's project folder: it
 * sees the cached Pulumi SDK's packages through a .pth file, and has the repository's sdk/python installed (from a
 * copy, so the build writes nothing into the repository; pip fetches its build tools from PyPI).
 */
async function pythonEnvironment(projectDir: string): Promise<void> {
    const venv = path.join(projectDir, "venv");
    const runtime = await cachedPythonSdk();
    await run("python3", ["-m", "venv", venv], { cwd: projectDir });
    await writeFile(path.join(await sitePackages(venv), "_pulumi_sdk.pth"), `${await sitePackages(runtime)}\n`);
    const sdk = path.join(projectDir, "sdk-python");
    await cp(path.join(REPO_ROOT, "sdk", "python"), sdk, { recursive: true });
    await run(path.join(venv, "bin", "pip"), ["install", "--quiet", "--no-deps", sdk], { cwd: projectDir, timeoutMs: 300_000 });
}

interface Surface {
    readonly language: string;
    readonly fixture: string;
    readonly type: string;
    readonly prepare?: (projectDir: string) => Promise<void>;
    /** The code `pulumi import` prints for a checkpoint holding proj_x and proj_y (the plugin's only). */
    readonly importedCode?: RegExp;
}

const surfaces: readonly Surface[] = [
    { language: "TypeScript", fixture: "access", type: checkpointAccessType },
    { language: "YAML", fixture: "access-yaml", type: pluginCheckpointAccessType, importedCode: /projectIds:\s+- proj_x\s+- proj_y/ },
    {
        language: "Python",
        fixture: "access-python",
        type: pluginCheckpointAccessType,
        prepare: pythonEnvironment,
        importedCode: /openai_checkpoints\.CheckpointAccess\("imported",[^)]*project_ids=\[\s*"proj_x",\s*"proj_y",?\s*\]/,
    },
];

describe.each(surfaces)("CheckpointAccess in $language", ({ fixture, type, prepare, importedCode }) => {
    let stack: EngineStack;
    let policyDir: string;
    const live = (checkpoint = CHECKPOINT) => stack.emulator.permissions(checkpoint).map((p) => p.project_id).sort();
    const changes = () => stack.emulator.requests.filter((r) => r.method === "POST" || r.method === "DELETE");
    const setProjects = async (projects: string[]) => {
        await stack.pulumi(["config", "rm", "--stack", stack.stackName, "projects"]).catch(() => undefined);
        for (const [i, projectId] of projects.entries()) await stack.pulumi(["config", "set", "--stack", stack.stackName, "--path", `projects[${i}]`, projectId]);
    };

    beforeAll(async () => {
        stack = await startEngineStack({
            fixture,
            programDir: path.join(FIXTURES_DIR, fixture),
            pluginPaths: { [PACKAGE_NAME]: path.join(REPO_ROOT, "plugin") },
            seed,
            config: { checkpoint: CHECKPOINT, attribution: "true" },
        });
        await prepare?.(stack.projectDir);
        await setProjects(["proj_kept", "proj_a", "proj_b"]);
        policyDir = await mkdtemp(path.join(tmpdir(), "access-policy-"));
        await writeFile(path.join(policyDir, "config.json"), JSON.stringify({ "checkpoint-max-revocations": { maxRevocations: 2 } }));
    });
    afterAll(async () => {
        await stack?.dispose();
        if (policyDir) await rm(policyDir, { recursive: true, force: true });
    });

    it("previews, without --refresh, each project up grants and each it revokes, changing nothing", async () => {
        const { stdout } = await stack.preview(["--diff"]);
        expect(stdout).toContain(type);
        expect(stdout).toMatch(/\+ proj_a\b/);
        expect(stdout).toMatch(/\+ proj_b\b/);
        expect(stdout).toContain(`- proj_old ${OLD} by unknown`);
        expect(stdout).not.toMatch(/\+ proj_kept\b/);
        expect(changes()).toEqual([]);
    });

    it("up converges: the set's projects and no others, the kept access not granted again", async () => {
        await stack.up();
        expect(live()).toEqual(["proj_a", "proj_b", "proj_kept"]);
        expect(stack.emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_kept")?.id).toBe(KEPT);
        expect(changes().filter((r) => r.method === "POST")).toHaveLength(1);
        const outputs = await stack.outputs();
        expect(outputs["projectIds"]).toEqual(["proj_a", "proj_b", "proj_kept"]);
        expect(outputs["accessText"]).toContain(`proj_kept ${KEPT}\n`);
        await stack.preview(["--expect-no-changes"]);
        await stack.refresh();
        await stack.preview(["--expect-no-changes"]);
    });

    it("names a dashboard share and who made it in the next preview, and the next up revokes it", async () => {
        const shared = stack.emulator.grant(CHECKPOINT, "proj_contractor", { actor: MALLORY });
        const { stdout } = await stack.preview(["--diff"]);
        expect(stdout).toContain(`- proj_contractor ${shared.id} by mallory@acme.com (dashboard)`);
        expect(stdout).not.toContain("203.0.113.7");
        // Only what changed: the plan, not the set (which a set of 1,000 projects would print whole).
        expect(stdout).not.toMatch(/projectIds\s*:/);
        await stack.preview(["--expect-no-changes"], { expectFailure: true });
        await stack.up();
        expect(live()).toEqual(["proj_a", "proj_b", "proj_kept"]);
        await stack.preview(["--expect-no-changes"]);
    });

    it("a failure part-way records what was done, and the next up finishes without granting twice", async () => {
        const shared = stack.emulator.grant(CHECKPOINT, "proj_contractor", { actor: MALLORY });
        await setProjects(["proj_kept", "proj_a", "proj_b", "proj_d"]);
        // The grant fails with a 500 the client does not retry; the revoke of the share goes through.
        stack.emulator.inject({ kind: "status", status: 500, shouldRetry: false, match: { operation: "create" }, times: 1 });
        await stack.up([], { expectFailure: true });
        expect(live()).toEqual(["proj_a", "proj_b", "proj_kept"]);
        const recorded = (await stack.exportState()).deployment.resources?.find((r) => r.type === type);
        expect(recorded?.outputs?.["plan"]).toBe("+ proj_d\n");
        expect(recorded?.outputs?.["access"]).not.toContain(shared.id);
        stack.emulator.clearRequests();
        await stack.up();
        expect(live()).toEqual(["proj_a", "proj_b", "proj_d", "proj_kept"]);
        expect(changes().map((r) => r.method)).toEqual(["POST"]);
        await stack.preview(["--expect-no-changes"]);
        // The same plan as that up's (grant proj_d), its grant revoked outside Pulumi: still a change, and done.
        stack.emulator.revoke(CHECKPOINT, stack.emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_d")!.id);
        await stack.preview(["--expect-no-changes"], { expectFailure: true });
        await stack.up();
        expect(live()).toEqual(["proj_a", "proj_b", "proj_d", "proj_kept"]);
        await setProjects(["proj_kept", "proj_a", "proj_b"]);
        await stack.up();
    });

    it("checkpoint-max-revocations fails a plain preview that would revoke more than maxRevocations, naming them", async () => {
        await setProjects(["proj_kept"]);
        stack.emulator.grant(CHECKPOINT, "proj_c", { actor: MALLORY });
        const args = ["--policy-pack", path.join(REPO_ROOT, "policy-pack"), "--policy-pack-config", path.join(policyDir, "config.json")];
        const failed = await stack.preview(args, { expectFailure: true });
        const text = failed.stdout + failed.stderr;
        expect(text).toContain("checkpoint-max-revocations");
        expect(text).toMatch(/would revoke 3 projects' access, more than maxRevocations \(2\)/);
        for (const projectId of ["proj_a", "proj_b", "proj_c"]) expect(text).toContain(`project ${projectId} (permission`);
        await stack.up(args, { expectFailure: true });
        expect(live()).toEqual(["proj_a", "proj_b", "proj_c", "proj_kept"]);
        await setProjects(["proj_kept", "proj_a", "proj_b"]);
        await stack.up(args);
        expect(live()).toEqual(["proj_a", "proj_b", "proj_kept"]);
    });

    it("destroy revokes nothing", async () => {
        await stack.destroy();
        expect(live()).toEqual(["proj_a", "proj_b", "proj_kept"]);
    });

    // Dynamic resources cannot be imported (pulumi/pulumi#16175): the plugin's only.
    if (importedCode) it("import takes a checkpoint id and adopts the live set, printing the program with its projects", async () => {
        const { stdout } = await stack.pulumi(["import", pluginCheckpointAccessType, "imported", OTHER, "--yes", "--stack", stack.stackName]);
        expect(stdout).toMatch(importedCode);
        const imported = (await stack.exportState()).deployment.resources?.find((r) => r.urn.endsWith("::imported"));
        expect(imported).toMatchObject({ id: OTHER, inputs: { checkpoint: OTHER, projectIds: ["proj_x", "proj_y"] } });
        expect(live(OTHER)).toEqual(["proj_x", "proj_y"]);
    });
});
