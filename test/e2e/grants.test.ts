/**
 * examples/manage-grants on the real engine: grants created, re-created after a revoke outside Pulumi,
 * replaced when they move to another checkpoint, and destroyed, leaving the API as it was.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSeed } from "../../provider/emulator";
import { REPO_ROOT } from "../../tools/engine/engine";
import { startEngineStack, type EngineStack } from "./harness";

const FIRST = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const SECOND = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-200";
const GRANT_TYPE = "pulumi-nodejs:dynamic/openai:CheckpointPermissionGrant";
const seed: EmulatorSeed = {
    checkpoints: {
        [FIRST]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_unmanaged", id: "cp_unmanaged0000000000000000" }] },
        [SECOND]: { owner_project_id: "proj_owner" },
    },
};

describe("examples/manage-grants on the engine", () => {
    let stack: EngineStack;
    const live = (checkpoint: string) => stack.emulator.permissions(checkpoint).map((p) => p.project_id).sort();
    const grantsInState = async () => (await stack.exportState()).deployment.resources?.filter((r) => r.type === GRANT_TYPE) ?? [];

    beforeAll(async () => {
        stack = await startEngineStack({
            fixture: "manage-grants",
            programDir: path.join(REPO_ROOT, "examples", "manage-grants"),
            seed,
            config: { checkpoint: FIRST },
        });
        await stack.pulumi(["config", "set", "--stack", stack.stackName, "--path", "projects[0]", "proj_a"]);
        await stack.pulumi(["config", "set", "--stack", stack.stackName, "--path", "projects[1]", "proj_b"]);
    });
    afterAll(async () => {
        await stack?.dispose();
    });

    it("up grants each project, leaving access it does not manage alone", async () => {
        const { stdout } = await stack.up();
        expect(stdout).toMatch(/\+ 3 created/);
        expect(live(FIRST)).toEqual(["proj_a", "proj_b", "proj_unmanaged"]);
        const outputs = await stack.outputs();
        const byProject = Object.fromEntries(stack.emulator.permissions(FIRST).map((p) => [p.project_id, p.id]));
        expect(outputs["permissionIds"]).toEqual({ proj_a: byProject["proj_a"], proj_b: byProject["proj_b"] });
        expect(outputs["adoptedProjects"]).toEqual([]);
        await stack.preview(["--expect-no-changes"]);
    });

    it("refresh drops a grant revoked outside Pulumi, and the next up grants it again", async () => {
        const revoked = stack.emulator.permissions(FIRST).find((p) => p.project_id === "proj_a")!;
        stack.emulator.revoke(FIRST, revoked.id);
        await stack.refresh();
        expect((await grantsInState()).map((g) => g.outputs?.["projectId"])).toEqual(["proj_b"]);
        const { stdout } = await stack.up();
        expect(stdout).toMatch(/\+ 1 created/);
        const regranted = stack.emulator.permissions(FIRST).find((p) => p.project_id === "proj_a");
        expect(regranted?.id).toMatch(/^cp_/);
        expect(regranted?.id).not.toBe(revoked.id);
    });

    it("moving the grants to another checkpoint replaces them", async () => {
        await stack.setConfig("checkpoint", SECOND);
        const preview = await stack.preview(["--diff"]);
        expect(preview.stdout).toMatch(/\+-\s*pulumi-nodejs:dynamic\/openai:CheckpointPermissionGrant: \(replace\)[^]*checkpoint\s*: "[^"]*step-100" => "[^"]*step-200"/);
        expect(preview.stdout).toMatch(/2 to replace/);
        await stack.up();
        expect(live(FIRST)).toEqual(["proj_unmanaged"]);
        expect(live(SECOND)).toEqual(["proj_a", "proj_b"]);
    });

    it("destroy revokes what it granted and leaves the API as it was", async () => {
        await stack.destroy();
        expect(stack.emulator.permissions(FIRST)).toEqual([expect.objectContaining({ id: "cp_unmanaged0000000000000000", project_id: "proj_unmanaged" })]);
        expect(stack.emulator.permissions(SECOND)).toEqual([]);
    });
});
