/**
 * `npm run demo`: the package at work in a few minutes, on this machine only.
 *
 * With no OPENAI_ADMIN_KEY it starts the bundled emulator, seeded with a believable organization, and runs the
 * repository's stack (Pulumi.yaml → examples/checkpoint-access) on a local backend: preview and up under the
 * policy pack, a table of who may use each checkpoint, then a grant made outside Pulumi, the drift diff and the
 * policy violation that follow, and a clean-up. With OPENAI_ADMIN_KEY (and OPENAI_CHECKPOINTS, a comma-separated
 * list) it reads the real API instead: read-only, nothing is granted or revoked.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { startEmulator, type EmulatorSeed, type RunningEmulator } from "../../provider/emulator";
import { findEngine, REPO_ROOT } from "../engine/engine";
import { createWorkspace, type PulumiResult, type Workspace } from "../engine/workspace";
import { diffBlock, planLines, policyFindings } from "./preview-text";
import { renderAccessTable } from "./table";

const STACK = "demo";
const DEMO_SEED = path.join(REPO_ROOT, "provider", "emulator", "demo-seed.json");
/** The demo's policy: nobody outside the company gets at the models; no checkpoint is shared with more than 3 projects. */
const CONTRACTOR = "proj_ExternalContractor9x2Q";
/** A project of the seeded organization that the demo stack shares one more checkpoint with. */
const RESEARCH = "proj_Bd0Kh8oOOL8dKLzdocJ2isAj";
const POLICY_CONFIG = {
    "checkpoint-forbidden-projects": { forbiddenProjects: [CONTRACTOR] },
    "checkpoint-max-projects": { maxProjects: 3 },
};

function step(text: string): void {
    console.log(`\n▶ ${text}`);
}

function show(lines: string[]): void {
    for (const line of lines) console.log(`    ${line}`);
}

interface Target {
    baseUrl: string;
    adminKey: string;
    checkpoints: string[];
    /** Access the stack manages (`grants` config): in the emulator, every seeded grant plus one new one. */
    grants: Record<string, string[]>;
    /** The emulator, when the demo runs against it. */
    emulator?: RunningEmulator;
}

async function target(): Promise<Target> {
    const adminKey = process.env["OPENAI_ADMIN_KEY"];
    if (adminKey) {
        const checkpoints = (process.env["OPENAI_CHECKPOINTS"] ?? "").split(",").map((c) => c.trim()).filter(Boolean);
        if (checkpoints.length === 0) {
            throw new Error("OPENAI_ADMIN_KEY is set, so the demo reads the real API: name the checkpoints to read in OPENAI_CHECKPOINTS (comma-separated).");
        }
        step(`Reading the real OpenAI API (read-only) for ${checkpoints.length} checkpoint(s)`);
        return { adminKey, baseUrl: process.env["OPENAI_BASE_URL"] ?? "https://api.openai.com/v1", checkpoints, grants: {} };
    }
    const seed = JSON.parse(await readFile(DEMO_SEED, "utf8")) as EmulatorSeed;
    const emulator = await startEmulator({ seed });
    const checkpoints = Object.keys(seed.checkpoints);
    step(`No OPENAI_ADMIN_KEY: started the bundled emulator at ${emulator.baseUrl}, seeded with ${checkpoints.length} checkpoints (${DEMO_SEED})`);
    // The stack takes over (adopts) the access that exists, and shares one more checkpoint with the research project.
    const grants = Object.fromEntries(Object.entries(seed.checkpoints).map(([checkpoint, c]) => [checkpoint, (c.permissions ?? []).map((p) => p.project_id)]));
    const [lastCheckpoint] = checkpoints.slice(-1);
    if (lastCheckpoint) grants[lastCheckpoint] = [...(grants[lastCheckpoint] ?? []), RESEARCH];
    return { adminKey: emulator.adminKey, baseUrl: emulator.baseUrl, checkpoints, grants, emulator };
}

async function main(): Promise<void> {
    const engine = await findEngine();
    if (!engine) throw new Error("No Pulumi engine: run `npm run engine` first (npm run demo does).");
    const api = await target();
    let workspace: Workspace | undefined;
    try {
        // The key reaches the program and the provider through the environment: never on a command line, in
        // state, or in a message of ours.
        workspace = await createWorkspace({ engine, programDir: REPO_ROOT, env: { OPENAI_ADMIN_KEY: api.adminKey, OPENAI_BASE_URL: api.baseUrl } });
        const ws = workspace;
        const policyConfig = path.join(ws.projectDir, "policy-config.json");
        await writeFile(policyConfig, JSON.stringify(POLICY_CONFIG, null, 2));
        const policy = ["--policy-pack", path.join(REPO_ROOT, "policy-pack"), "--policy-pack-config", policyConfig];
        const stack = ["--stack", STACK];

        step(`Pulumi ${engine.version} (${engine.source === "path" ? "from PATH" : "built from Pulumi's Go modules"}); local backend ${ws.backendDir}`);
        await ws.pulumi(["stack", "init", STACK]);
        for (const [i, checkpoint] of api.checkpoints.entries()) {
            await ws.pulumi(["config", "set", ...stack, "--path", `checkpoints[${i}]`, checkpoint]);
        }
        for (const [checkpoint, projects] of Object.entries(api.grants)) {
            for (const [i, project] of projects.entries()) {
                await ws.pulumi(["config", "set", ...stack, "--path", `grants["${checkpoint}"][${i}]`, project]);
            }
        }

        step("pulumi preview --policy-pack policy-pack");
        const preview = await ws.pulumi(["preview", ...stack, ...policy]);
        show(planLines(preview.stdout));
        show(policyFindings(preview.stdout));

        step("pulumi up --policy-pack policy-pack: takes over the existing access, grants the new one, records who may use each checkpoint");
        await ws.pulumi(["up", "--yes", "--skip-preview", ...stack, ...policy]);
        const { stdout } = await ws.pulumi(["stack", "output", ...stack, "--json", "projectsByCheckpoint"]);
        show(renderAccessTable(JSON.parse(stdout) as Record<string, string[]>).split("\n"));

        if (api.emulator) {
            const checkpoint = api.checkpoints[0]!;
            const granted = api.emulator.grant(checkpoint, CONTRACTOR);
            step(`Meanwhile, someone grants ${CONTRACTOR} access to ${checkpoint} in the dashboard (permission ${granted.id})`);

            step("pulumi preview --diff --policy-pack policy-pack: the drift shows as a diff, and the policy stops it");
            const drift = await ws.pulumi(["preview", "--diff", ...stack, ...policy], { expectFailure: true });
            show(diffBlock(drift.stdout));
            show(policyFindings(drift.stdout));

            step("pulumi preview --expect-no-changes: how CI catches drift");
            const ci = await ws.pulumi(["preview", "--expect-no-changes", ...stack], { expectFailure: true });
            show([/error: .*/.exec(ci.stdout + ci.stderr)?.[0] ?? `exit code ${ci.code}`]);
        }

        step(`Cleaning up: pulumi destroy (revokes the grants the stack manages${api.emulator ? ", in the emulator" : ""}; records revoke nothing), the stack and its backend`);
        await ws.pulumi(["destroy", "--yes", "--skip-preview", ...stack]);
        await ws.pulumi(["stack", "rm", "--yes", ...stack]);
    } finally {
        await workspace?.dispose();
        await api.emulator?.close();
    }
    step("Done. Next: README.md → Getting started, to run the same stack against your organization.");
}

main().catch((error: unknown) => {
    console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
});
