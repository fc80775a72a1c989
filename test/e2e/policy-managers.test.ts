/**
 * The policy pack on the real engine over `CheckpointAccess`, in TypeScript (test/e2e/fixtures/checkpoint-managers)
 * and in YAML on the plugin: the project
 * policies check the projects it declares before anything is granted; a record beside it reports no unmanaged access
 * for a share its `up` will revoke; and `checkpoint-single-manager` fails a checkpoint that a `CheckpointAccess`
 * manages along with a grant or a second `CheckpointAccess`, naming the checkpoint and both resources.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSeed } from "../../provider/emulator";
import { checkpointAccessType, checkpointPermissionGrantType, pluginCheckpointAccessType, pluginCheckpointPermissionGrantType } from "../../provider/resources/tokens";
import { REPO_ROOT } from "../../tools/engine/engine";
import { stringify } from "yaml";
import { FIXTURES_DIR, startEngineStack, type EngineStack } from "./harness";
import { REPOSITORY_PLUGIN_DIR } from "./yaml-plugin-suite";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const seed: EmulatorSeed = { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_research" }] } } };
const MALLORY = { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } };
const POLICY_PACK = path.join(REPO_ROOT, "policy-pack");

describe("the policy pack on the engine, over CheckpointAccess", () => {
    let stack: EngineStack;
    let configDir: string;
    let policyArgs: string[];

    /** Sets a config value of objects and lists, leaf by leaf (`--path`), after removing the key's old value. */
    async function setConfig(key: string, value: unknown): Promise<void> {
        await stack.pulumi(["config", "rm", "--stack", stack.stackName, key]);
        const leaves = (prefix: string, item: unknown): Array<[string, string]> =>
            item !== null && typeof item === "object"
                ? Object.entries(item).flatMap(([k, v]) => leaves(Array.isArray(item) ? `${prefix}[${k}]` : `${prefix}.${k}`, v))
                : [[prefix, String(item)]];
        for (const [pathKey, leaf] of leaves(key, value)) await stack.pulumi(["config", "set", "--stack", stack.stackName, "--path", pathKey, leaf]);
    }
    const urnOf = (type: string, name: string) => `urn:pulumi:${stack.stackName}::checkpoint-managers::${type}::${name}`;

    beforeAll(async () => {
        configDir = await mkdtemp(path.join(tmpdir(), "policy-managers-"));
        const policyConfig = path.join(configDir, "policy-config.json");
        await writeFile(
            policyConfig,
            JSON.stringify({
                "checkpoint-forbidden-projects": { forbiddenProjects: ["proj_contractor"] },
                "checkpoint-required-projects": { requiredProjects: ["proj_eval"] },
                "checkpoint-max-projects": { maxProjects: 2 },
            }),
        );
        policyArgs = ["--policy-pack", POLICY_PACK, "--policy-pack-config", policyConfig];
        stack = await startEngineStack({ fixture: "checkpoint-managers", programDir: path.join(FIXTURES_DIR, "checkpoint-managers"), seed });
        await setConfig("records", [CHECKPOINT]);
    });
    afterAll(async () => {
        await stack?.dispose();
        await rm(configDir, { recursive: true, force: true });
    });

    it("checks the projects a CheckpointAccess declares, and stops its up before anything is granted", async () => {
        await setConfig("accesses", [{ name: "access", checkpoint: CHECKPOINT, projectIds: ["proj_research", "proj_contractor", "proj_analytics"] }]);
        const { stdout } = await stack.preview(policyArgs, { expectFailure: true });
        expect(stdout).toMatch(/\[mandatory\]\s+checkpoint-forbidden-projects/);
        expect(stdout).toContain(`Checkpoint ${CHECKPOINT}: project proj_contractor (granted by this stack) is a forbidden project.`);
        expect(stdout).toContain(`Checkpoint ${CHECKPOINT}: required project proj_eval is not in the projectIds of its CheckpointAccess`);
        expect(stdout).toContain(`Checkpoint ${CHECKPOINT}: 3 projects have or are granted access, more than maxProjects (2)`);
        expect(stdout).not.toContain("checkpoint-single-manager");
        await stack.up(policyArgs, { expectFailure: true });
        expect(stack.emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_research"]);
    });

    it("passes a CheckpointAccess that follows them; a share outside it is no unmanaged access: its up revokes it", async () => {
        await setConfig("accesses", [{ name: "access", checkpoint: CHECKPOINT, projectIds: ["proj_research", "proj_eval"] }]);
        await stack.up(policyArgs);
        expect(stack.emulator.permissions(CHECKPOINT).map((p) => p.project_id).sort()).toEqual(["proj_eval", "proj_research"]);
        const share = stack.emulator.grant(CHECKPOINT, "proj_intruder", { actor: MALLORY });
        const { stdout } = await stack.preview([...policyArgs, "--diff"]);
        // The record shows the share, and the CheckpointAccess's preview names its revoke.
        expect(stdout).toContain(`proj_intruder ${share.id}`);
        expect(stdout).not.toContain("checkpoint-no-unmanaged-access");
        expect(stdout).not.toMatch(/\[mandatory\]/);
        await stack.up(policyArgs);
        expect(stack.emulator.permissions(CHECKPOINT).map((p) => p.project_id).sort()).toEqual(["proj_eval", "proj_research"]);
    });

    it("fails checkpoint-single-manager with a grant beside the CheckpointAccess, naming the checkpoint, both resources and why", async () => {
        await setConfig("grants", [{ name: "grant", checkpoint: CHECKPOINT, projectId: "proj_eval" }]);
        const { stdout } = await stack.preview(policyArgs, { expectFailure: true });
        expect(stdout).toMatch(/\[mandatory\]\s+checkpoint-single-manager/);
        expect(stdout).toContain(
            `Checkpoint ${CHECKPOINT} has more than one manager in the stack: ` +
                `CheckpointAccess access (${urnOf(checkpointAccessType, "access")}), ` +
                `CheckpointPermissionGrant grant (${urnOf(checkpointPermissionGrantType, "grant")}). They would fight`,
        );
    });

    it("fails it with a second CheckpointAccess of the checkpoint", async () => {
        await stack.pulumi(["config", "rm", "--stack", stack.stackName, "grants"]);
        await setConfig("accesses", [
            { name: "access", checkpoint: CHECKPOINT, projectIds: ["proj_research", "proj_eval"] },
            { name: "access-again", checkpoint: CHECKPOINT, projectIds: ["proj_eval"] },
        ]);
        const { stdout } = await stack.preview(policyArgs, { expectFailure: true });
        expect(stdout).toMatch(/\[mandatory\]\s+checkpoint-single-manager/);
        expect(stdout).toContain(`CheckpointAccess access-again (${urnOf(checkpointAccessType, "access-again")})`);
        expect(stdout).toContain("two CheckpointAccess each revoke the projects the other lists");
        // Back to one manager: the stack passes again, and its destroy revokes nothing.
        await setConfig("accesses", [{ name: "access", checkpoint: CHECKPOINT, projectIds: ["proj_research", "proj_eval"] }]);
        await stack.preview([...policyArgs, "--expect-no-changes"]);
        await stack.destroy();
        expect(stack.emulator.permissions(CHECKPOINT).map((p) => p.project_id).sort()).toEqual(["proj_eval", "proj_research"]);
    });
});

describe("the policy pack on the engine, over the plugin's CheckpointAccess (YAML)", () => {
    let dir: string;
    let stack: EngineStack;

    beforeAll(async () => {
        dir = await mkdtemp(path.join(tmpdir(), "policy-managers-yaml-"));
        const program = {
            name: "policy-managers-yaml",
            runtime: "yaml",
            plugins: { providers: [{ name: "openai-checkpoints", path: REPOSITORY_PLUGIN_DIR }] },
            resources: {
                access: { type: pluginCheckpointAccessType, properties: { checkpoint: CHECKPOINT, projectIds: ["proj_research", "proj_contractor"] } },
                grant: { type: pluginCheckpointPermissionGrantType, properties: { checkpoint: CHECKPOINT, projectId: "proj_eval" } },
            },
        };
        await writeFile(path.join(dir, "Pulumi.yaml"), stringify(program));
        await writeFile(path.join(dir, "policy-config.json"), JSON.stringify({ "checkpoint-forbidden-projects": { forbiddenProjects: ["proj_contractor"] } }));
        stack = await startEngineStack({ fixture: "policy-managers-yaml", programDir: dir, seed });
    });
    afterAll(async () => {
        await stack?.dispose();
        if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("fails the preview on a forbidden project in its projectIds and on the grant beside it, and grants nothing", async () => {
        const { stdout } = await stack.preview(["--policy-pack", POLICY_PACK, "--policy-pack-config", path.join(dir, "policy-config.json")], { expectFailure: true });
        expect(stdout).toMatch(/\[mandatory\]\s+checkpoint-forbidden-projects/);
        expect(stdout).toContain(`Checkpoint ${CHECKPOINT}: project proj_contractor (granted by this stack) is a forbidden project.`);
        expect(stdout).toMatch(/\[mandatory\]\s+checkpoint-single-manager/);
        const urn = (type: string, name: string) => `urn:pulumi:${stack.stackName}::policy-managers-yaml::${type}::${name}`;
        expect(stdout).toContain(
            `Checkpoint ${CHECKPOINT} has more than one manager in the stack: CheckpointAccess access (${urn(pluginCheckpointAccessType, "access")}), ` +
                `CheckpointPermissionGrant grant (${urn(pluginCheckpointPermissionGrantType, "grant")}). They would fight`,
        );
        expect(stack.emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_research"]);
    });
});
