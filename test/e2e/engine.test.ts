/**
 * The first engine suite: proves that the real Pulumi engine runs this repository's code. A stack whose program has
 * one dynamic resource (test/e2e/fixtures/dynamic-basic: grants a project access to a checkpoint over HTTP) goes
 * through preview, up, a preview that reports no changes, refresh and destroy, against a fresh emulator.
 *
 * The steps share one stack and run in order (2 cores: one stack per file).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSeed } from "../../provider/emulator";
import path from "node:path";
import { FIXTURES_DIR, startEngineStack, type EngineStack } from "./harness";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme:e2e:ckpt-step-100";
const OWNER = "proj_owner_e2e";
const GRANTEE = "proj_grantee_e2e";
const ALREADY_THERE = "proj_existing_e2e";
const OTHER = "proj_other_e2e";
/** The project test/e2e/fixtures/policy-basic forbids. */
const FORBIDDEN = "proj_forbidden_e2e";
const POLICY_PACK = path.join(FIXTURES_DIR, "policy-basic");

const seed: EmulatorSeed = {
    checkpoints: {
        [CHECKPOINT]: { owner_project_id: OWNER, permissions: [{ project_id: ALREADY_THERE }] },
    },
};

const DYNAMIC_TYPE = "pulumi-nodejs:dynamic:Resource";

describe("the Pulumi engine runs a program of this repository (dynamic resource)", () => {
    let stack: EngineStack;
    let before: Array<{ id: string; project_id: string; created_at: number }>;

    beforeAll(async () => {
        stack = await startEngineStack({
            fixture: "dynamic-basic",
            seed,
            config: { checkpoint: CHECKPOINT, projectId: GRANTEE },
        });
        before = stack.emulator.permissions(CHECKPOINT);
    });

    afterAll(async () => {
        await stack?.dispose();
    });

    const projects = () => stack.emulator.permissions(CHECKPOINT).map((p) => p.project_id).sort();

    it("previews the grant without touching the API's state", async () => {
        const { stdout } = await stack.preview(["--diff"]);
        // The stack itself and the grant.
        expect(stdout).toMatch(/\+ 2 to create/);
        expect(stdout).toMatch(/\+ pulumi-nodejs:dynamic:Resource: \(create\)[^]*::grant\][^]*projectId\s*: "proj_grantee_e2e"/);
        expect(stack.emulator.permissions(CHECKPOINT)).toEqual(before);
    });

    it("up creates the grant through the dynamic provider", async () => {
        const { stdout } = await stack.up();
        expect(stdout).toMatch(/\+ 2 created/);
        expect(projects()).toEqual([ALREADY_THERE, GRANTEE].sort());

        const granted = stack.emulator.permissions(CHECKPOINT).find((p) => p.project_id === GRANTEE);
        const outputs = await stack.outputs();
        expect(outputs).toEqual({ permissionId: granted?.id, grantedProject: GRANTEE });

        const state = await stack.exportState();
        const resource = state.deployment.resources?.find((r) => r.type === DYNAMIC_TYPE);
        expect(resource?.id).toBe(granted?.id);
        expect(resource?.outputs).toMatchObject({ checkpoint: CHECKPOINT, projectId: GRANTEE, permissionId: granted?.id });
    });

    it("a second preview reports no changes (--expect-no-changes passes)", async () => {
        const { stdout } = await stack.preview(["--expect-no-changes"]);
        expect(stdout).not.toMatch(/to create|to update|to delete|to replace/);
    });

    it("refresh reads the grant back unchanged", async () => {
        const stateBefore = await stack.exportState();
        await stack.refresh(["--expect-no-changes"]);
        const stateAfter = await stack.exportState();
        const outputsOf = (s: typeof stateBefore) => s.deployment.resources?.find((r) => r.type === DYNAMIC_TYPE)?.outputs;
        expect(outputsOf(stateAfter)).toEqual(outputsOf(stateBefore));
        expect(projects()).toEqual([ALREADY_THERE, GRANTEE].sort());
    });

    it("a changed input is a replacement, and --expect-no-changes then fails", async () => {
        await stack.setConfig("projectId", OTHER);
        try {
            const { stdout } = await stack.preview(["--diff", "--expect-no-changes"], { expectFailure: true });
            expect(stdout).toMatch(/\+-pulumi-nodejs:dynamic:Resource: \(replace\)/);
            expect(stdout).toMatch(/projectId\s*: "proj_grantee_e2e" => "proj_other_e2e"/);
            expect(stdout).toMatch(/\+-1 to replace/);
        } finally {
            await stack.setConfig("projectId", GRANTEE);
        }
        expect(projects()).toEqual([ALREADY_THERE, GRANTEE].sort());
    });

    it("a Node.js policy pack (started through the language host's RunPlugin) sees the grant", async () => {
        await stack.setConfig("projectId", FORBIDDEN);
        try {
            const { stdout } = await stack.preview(["--policy-pack", POLICY_PACK], { expectFailure: true });
            expect(stdout).toMatch(/\[mandatory\]\s+no-grant-to-forbidden-project/);
            expect(stdout).toContain(`grant grants ${FORBIDDEN} access to ${CHECKPOINT}`);
        } finally {
            await stack.setConfig("projectId", GRANTEE);
        }
        const { stdout } = await stack.preview(["--policy-pack", POLICY_PACK, "--expect-no-changes"]);
        expect(stdout).toMatch(/✅ e2e-policy-basic/);
    });

    it("destroy revokes the grant and leaves the API as it was", async () => {
        const { stdout } = await stack.destroy();
        expect(stdout).toMatch(/- 2 deleted/);
        expect(stack.emulator.permissions(CHECKPOINT)).toEqual(before);
        const state = await stack.exportState();
        expect(state.deployment.resources?.filter((r) => r.type === DYNAMIC_TYPE) ?? []).toEqual([]);
    });
});
