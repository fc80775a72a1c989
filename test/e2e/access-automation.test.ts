/**
 * `CheckpointAccess` in a long-lived process that runs one inline program after another (Pulumi's Automation API,
 * test/e2e/fixtures/access/automation.js), on the real engine: the second run's preview reads the live access
 * afresh and names the dashboard share, its up revokes it, and the preview after expects no changes.
 */
import { execFile } from "node:child_process";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import { REPO_ROOT } from "../../tools/engine/engine";
import { createWorkspace, type Workspace } from "../../tools/engine/workspace";
import { FIXTURES_DIR, requireEngine } from "./harness";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const FIXTURE = path.join(FIXTURES_DIR, "access");

let emulator: RunningEmulator;
let workspace: Workspace;
beforeAll(async () => {
    emulator = await startEmulator({ seed: { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_old", created_at: 1_700_000_000 }] } } } });
    workspace = await createWorkspace({ engine: await requireEngine(), programDir: FIXTURE, env: {} });
});
afterAll(async () => {
    await workspace?.dispose();
    await emulator?.close();
});

describe("CheckpointAccess from the Automation API", () => {
    it("reads afresh each run: the next preview names a dashboard share, the next up revokes it, then no changes", async () => {
        const workDir = path.join(workspace.projectDir, "automation");
        await mkdir(workDir, { recursive: true });
        const { stdout } = await promisify(execFile)(process.execPath, [path.join(FIXTURE, "automation.js"), workDir, emulator.baseUrl, emulator.adminKey, CHECKPOINT], {
            cwd: workDir,
            // The dynamic provider loads the package by name: from the repository, as a project's node_modules would.
            env: { ...workspace.env, NODE_PATH: path.join(REPO_ROOT, "node_modules") },
            maxBuffer: 16 * 1024 * 1024,
        });
        const seen = JSON.parse(stdout.slice(stdout.indexOf("RESULT ") + "RESULT ".length)) as {
            firstUp: string[];
            preview: { changeSummary: Record<string, number>; stdout: string };
            secondUp: Record<string, number>;
            noChanges: string;
        };
        expect(seen.firstUp).toEqual(["proj_a"]);
        expect(seen.preview.changeSummary["update"]).toBe(1);
        expect(seen.preview.stdout).toMatch(/- proj_outside cp_\S+ by mallory@acme\.com \(dashboard\)/);
        expect(seen.secondUp["update"]).toBe(1);
        expect(seen.noChanges).toBe("passed");
        // Destroy revoked nothing.
        expect(emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_a"]);
    });
});
