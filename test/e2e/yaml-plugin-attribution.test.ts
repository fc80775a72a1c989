/**
 * Who granted it, on the real engine: a YAML stack on the plugin records a checkpoint with attribution, the stack's
 * own key granting through the pipeline. A grant made in the dashboard by someone else shows in `preview --diff`
 * naming her, and `checkpoint-allowed-grantors` fails the preview naming her; the stack's own grant passes. In an
 * organization whose audit logging is off, the plugin warns once, as a TypeScript program does.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { EmulatorSeed } from "../../provider/emulator";
import { REPO_ROOT } from "../../tools/engine/engine";
import { assertStateConforms } from "../support/schema-conformance";
import { startEngineStack, type EngineStack } from "./harness";
import { REPOSITORY_PLUGIN_DIR } from "./yaml-plugin-suite";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
/** Shared before audit logging began: the log cannot say who. */
const seed: EmulatorSeed = { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_research", created_at: 1_700_000_000 }] } } };
/** The stack's own key: the CI pipeline's service account. */
const PIPELINE = { apiKey: { id: "key_ci", serviceAccount: { id: "svc_ci_pipeline" } } };

const program = stringify({
    name: "yaml-attribution",
    runtime: "yaml",
    plugins: { providers: [{ name: "openai-checkpoints", path: REPOSITORY_PLUGIN_DIR }] },
    resources: {
        evalAccess: { type: "openai-checkpoints:index:CheckpointPermissionGrant", properties: { checkpoint: CHECKPOINT, projectId: "proj_eval" } },
        access: {
            type: "openai-checkpoints:index:CheckpointPermissions",
            properties: { checkpoint: CHECKPOINT, managedProjects: ["${evalAccess.projectId}"], attribution: true },
            options: { dependsOn: ["${evalAccess}"] },
        },
    },
    outputs: { recorded: "${access.access}" },
});

let dir: string;
let stack: EngineStack;
let policyArgs: string[];

beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "yaml-attribution-"));
    await writeFile(path.join(dir, "Pulumi.yaml"), program);
    const config = path.join(dir, "policy-config.json");
    await writeFile(config, JSON.stringify({ "checkpoint-allowed-grantors": { allowedGrantors: ["svc_ci_pipeline"], allowUnknown: true } }));
    policyArgs = ["--policy-pack", path.join(REPO_ROOT, "policy-pack"), "--policy-pack-config", config];
    stack = await startEngineStack({ fixture: "yaml-attribution", programDir: dir, seed, emulator: { adminKeyActor: PIPELINE } });
});
afterAll(async () => {
    await stack?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
});

it("records who granted each access: the pipeline for the stack's grant, unknown for what predates the audit log", async () => {
    await stack.up();
    const evalPermission = stack.emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_eval")!;
    const research = stack.emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_research")!;
    expect((await stack.outputs())["recorded"]).toBe(
        `proj_eval ${evalPermission.id} by svc_ci_pipeline (service account key key_ci)\nproj_research ${research.id} by unknown\n`,
    );
    assertStateConforms(await stack.exportState());
    const { stdout } = await stack.preview([...policyArgs, "--expect-no-changes"]);
    expect(stdout).not.toMatch(/\[mandatory\]/);
});

it("names the dashboard user who shared it in the drift, and the allowed-grantors policy fails the preview naming her", async () => {
    const intruder = stack.emulator.grant(CHECKPOINT, "proj_intruder", { actor: { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } } });
    const diff = await stack.preview(["--diff"]);
    expect(diff.stdout).toMatch(new RegExp(`\\+ proj_intruder ${intruder.id} by mallory@acme\\.com \\(dashboard\\)\\n`));
    expect(diff.stdout).not.toContain("203.0.113.7");
    const { stdout } = await stack.preview(policyArgs, { expectFailure: true });
    const violation = stdout.slice(stdout.indexOf("checkpoint-allowed-grantors"));
    expect(stdout).toMatch(/\[mandatory\]\s+checkpoint-allowed-grantors/);
    expect(violation).toContain(`project proj_intruder (permission ${intruder.id}) was granted by mallory@acme.com (dashboard), not an allowed grantor`);
    await stack.destroy();
});

describe("in an organization whose audit logging is off", () => {
    let offDir: string;
    let off: EngineStack;

    beforeAll(async () => {
        offDir = await mkdtemp(path.join(tmpdir(), "yaml-attribution-off-"));
        await writeFile(path.join(offDir, "Pulumi.yaml"), program);
        off = await startEngineStack({ fixture: "yaml-attribution-off", programDir: offDir, seed, emulator: { auditLogging: false } });
    });
    afterAll(async () => {
        await off?.dispose();
        if (offDir) await rm(offDir, { recursive: true, force: true });
    });

    it("warns once that attribution is unavailable, and records every grantor as unknown", async () => {
        const { stdout } = await off.up();
        // The engine's summary of the update's diagnostics: each warning once.
        const diagnostics = stdout.slice(stdout.indexOf("Diagnostics:"), stdout.indexOf("Outputs:"));
        expect(diagnostics.match(/warning: Attribution is unavailable: the organization's audit logging is off/g)).toHaveLength(1);
        expect((await off.outputs())["recorded"]).toMatch(/^proj_eval cp_\S+ by unknown\nproj_research cp_\S+ by unknown\n$/);
    });
});
