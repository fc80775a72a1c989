/**
 * The whole organization in a stack (examples/organization-audit) on the real engine: every checkpoint the
 * organization shares is found from its audit log and recorded; a checkpoint first shared later appears in the next
 * preview as a new record naming the project and who shared it, and the shipped pack fails it when the project is
 * forbidden. With audit logging off, the stack previews with a clear message and covers the included checkpoints.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSeed } from "../../provider/emulator";
import { REPO_ROOT } from "../../tools/engine/engine";
import { startEngineStack, type EngineStack } from "./harness";

const PROGRAM = path.join(REPO_ROOT, "examples", "organization-audit");
const SHARED = "ft:gpt-4o-mini-2024-07-18:acme::Support:ckpt-step-100";
const LATER = "ft:gpt-4o-mini-2024-07-18:acme::Triage:ckpt-step-300";
const OLD = "ft:gpt-4o-mini-2024-07-18:acme::Legacy:ckpt-step-10";
const seed: EmulatorSeed = {
    checkpoints: {
        [SHARED]: { owner_project_id: "proj_owner" },
        [LATER]: { owner_project_id: "proj_owner" },
        // Shared before the organization's audit logging began: only `include` names it.
        [OLD]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_research", created_at: 1_700_000_000 }] },
    },
};
const MALLORY = { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } };

async function auditStack(name: string, auditLogging: boolean): Promise<EngineStack> {
    const stack = await startEngineStack({ fixture: name, programDir: PROGRAM, seed, emulator: { auditLogging } });
    await stack.pulumi(["config", "set", "--stack", stack.stackName, "--path", "include[0]", OLD]);
    return stack;
}

describe("a stack that records every checkpoint the organization shares", () => {
    let stack: EngineStack;
    let policyDir: string;
    let policyArgs: string[];

    beforeAll(async () => {
        stack = await auditStack("organization-audit", true);
        stack.emulator.grant(SHARED, "proj_support");
        policyDir = await mkdtemp(path.join(tmpdir(), "organization-audit-policy-"));
        await writeFile(path.join(policyDir, "config.json"), JSON.stringify({ "checkpoint-forbidden-projects": { forbiddenProjects: ["proj_contractor"] } }));
        policyArgs = ["--policy-pack", path.join(REPO_ROOT, "policy-pack"), "--policy-pack-config", path.join(policyDir, "config.json")];
    });
    afterAll(async () => {
        await stack?.dispose();
        if (policyDir) await rm(policyDir, { recursive: true, force: true });
    });

    it("records the checkpoints the audit log names and the included ones, and nothing else", async () => {
        await stack.up();
        expect((await stack.outputs())["sharedCheckpoints"]).toEqual({ [OLD]: ["proj_research"], [SHARED]: ["proj_support"] });
        await stack.preview([...policyArgs, "--expect-no-changes"]);
    });

    it("shows a checkpoint first shared later as a new record naming the project and who shared it, and the pack fails it", async () => {
        const share = stack.emulator.grant(LATER, "proj_contractor", { actor: MALLORY });
        const { stdout } = await stack.preview(["--diff"]);
        expect(stdout).toMatch(/\+ pulumi-nodejs:dynamic\/openai:CheckpointPermissions: \(create\)/);
        expect(stdout).toContain(`proj_contractor ${share.id} by mallory@acme.com (dashboard)`);
        const failed = await stack.preview(policyArgs, { expectFailure: true });
        expect(failed.stdout).toMatch(/\[mandatory\]\s+checkpoint-forbidden-projects/);
        expect(failed.stdout.slice(failed.stdout.indexOf("checkpoint-forbidden-projects"))).toContain(`Checkpoint ${LATER}: project proj_contractor`);
        await stack.destroy();
    });
});

describe("the same stack in an organization whose audit logging is off", () => {
    let stack: EngineStack;

    beforeAll(async () => {
        stack = await auditStack("organization-audit-off", false);
    });
    afterAll(async () => {
        await stack?.dispose();
    });

    it("previews with a clear message, covering the included checkpoints", async () => {
        const { stdout } = await stack.preview();
        expect(stdout).toMatch(/audit logging is off, so its shared checkpoints cannot be found: only the checkpoints given as `include` are confirmed/);
        const name = (checkpoint: string) => checkpoint.replace(/^ft:/, "").replace(/:/g, "-");
        expect(stdout).toMatch(new RegExp(`\\+\\s+pulumi-nodejs:dynamic/openai:CheckpointPermissions\\s+${name(OLD)}\\s+create`));
        expect(stdout).not.toContain(name(SHARED));
    });
});
