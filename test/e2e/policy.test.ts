/**
 * The policy pack on the real engine, over the repository's own stack (Pulumi.yaml → examples/checkpoint-access):
 * `pulumi preview --policy-pack policy-pack` passes while access follows the policies (advisory findings only
 * warn), and fails with a mandatory violation once a forbidden project is granted outside Pulumi.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSeed } from "../../provider/emulator";
import { REPO_ROOT } from "../../tools/engine/engine";
import { startEngineStack, type EngineStack } from "./harness";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const seed: EmulatorSeed = {
    checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_research" }, { project_id: "proj_eval" }] } },
};
const POLICY_PACK = path.join(REPO_ROOT, "policy-pack");

describe("the policy pack on the engine", () => {
    let stack: EngineStack;
    let configDir: string;
    let policyArgs: string[];

    beforeAll(async () => {
        configDir = await mkdtemp(path.join(tmpdir(), "policy-config-"));
        const policyConfig = path.join(configDir, "policy-config.json");
        await writeFile(
            policyConfig,
            JSON.stringify({
                "checkpoint-forbidden-projects": { forbiddenProjects: ["proj_contractor"] },
                "checkpoint-max-projects": { maxProjects: 1 },
            }),
        );
        policyArgs = ["--policy-pack", POLICY_PACK, "--policy-pack-config", policyConfig];
        stack = await startEngineStack({ fixture: "checkpoint-access", programDir: REPO_ROOT, seed });
        await stack.pulumi(["config", "set", "--stack", stack.stackName, "--path", "checkpoints[0]", CHECKPOINT]);
        await stack.pulumi(["config", "set", "--stack", stack.stackName, "--path", `grants["${CHECKPOINT}"][0]`, "proj_research"]);
    });
    afterAll(async () => {
        await stack?.dispose();
        await rm(configDir, { recursive: true, force: true });
    });

    it("passes while access follows the mandatory policies, and only warns for advisory ones", async () => {
        // The first run creates the managed grant, which the record waits for (dependsOn), so the record's values
        // are known from the next preview on.
        await stack.up(policyArgs);
        expect(stack.emulator.permissions(CHECKPOINT).map((p) => p.project_id).sort()).toEqual(["proj_eval", "proj_research"]);
        const { stdout } = await stack.preview([...policyArgs, "--expect-no-changes"]);
        expect(stdout).toMatch(/openai-checkpoint-permissions/);
        expect(stdout).toMatch(/\[advisory\]\s+checkpoint-max-projects/);
        // proj_eval had access before the stack; the record waits for the grant of proj_research only.
        const unmanaged = stdout.slice(stdout.indexOf("checkpoint-no-unmanaged-access"));
        expect(unmanaged).toMatch(/^checkpoint-no-unmanaged-access[\s\S]*project proj_eval \(permission cp_\w+\) has access that no CheckpointPermissionGrant/);
        expect(unmanaged).not.toMatch(/project proj_research/);
        expect(stdout).not.toMatch(/\[mandatory\]/);
    });

    it("fails with a mandatory violation naming the checkpoint, the project and the permission, once a forbidden project is granted outside Pulumi", async () => {
        const intruder = stack.emulator.grant(CHECKPOINT, "proj_contractor");
        const { stdout } = await stack.preview(policyArgs, { expectFailure: true });
        expect(stdout).toMatch(/\[mandatory\]\s+checkpoint-forbidden-projects/);
        const violation = stdout.slice(stdout.indexOf("checkpoint-forbidden-projects"));
        expect(violation).toContain("proj_contractor");
        expect(violation).toContain(CHECKPOINT);
        expect(violation).toContain(intruder.id);
    });

    it("passes again once the intruder is revoked", async () => {
        const intruder = stack.emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_contractor")!;
        stack.emulator.revoke(CHECKPOINT, intruder.id);
        await stack.preview([...policyArgs, "--expect-no-changes"]);
        await stack.destroy();
    });
});
