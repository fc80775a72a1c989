/**
 * The package on the real engine, in a user's words, with the examples as the programs:
 * examples/read-permissions records what is shared (preview shows it, drift shows as a diff, refresh accepts
 * it, a second stack reads it); the admin key, given as a secret in stack config, is nowhere in state.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSeed } from "../../provider/emulator";
import { decodeAccess } from "../../provider/resources/access-text";
import { REPO_ROOT } from "../../tools/engine/engine";
import { startEngineStack, type EngineStack } from "./harness";

const SHARED = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const PRIVATE = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-200";
const seed: EmulatorSeed = {
    checkpoints: {
        [SHARED]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_research" }, { project_id: "proj_eval" }] },
        [PRIVATE]: { owner_project_id: "proj_owner" },
    },
};

async function setList(stack: EngineStack, key: string, values: string[]): Promise<void> {
    for (const [i, value] of values.entries()) {
        await stack.pulumi(["config", "set", "--stack", stack.stackName, "--path", `${key}[${i}]`, value]);
    }
}

/** Every file below `dir`, as text. */
async function allText(dir: string): Promise<string> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    const files = entries.filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
    return (await Promise.all(files.map((f) => readFile(f, "utf8")))).join("\n");
}

describe("examples/read-permissions on the engine", () => {
    let stack: EngineStack;

    beforeAll(async () => {
        stack = await startEngineStack({
            fixture: "read-permissions",
            programDir: path.join(REPO_ROOT, "examples", "read-permissions"),
            seed,
            credentialsInConfig: true,
        });
        await setList(stack, "checkpoints", [SHARED, PRIVATE]);
    });
    afterAll(async () => {
        await stack?.dispose();
    });

    it("preview shows the permissions read, before anything is recorded", async () => {
        const { stdout } = await stack.preview(["--diff"]);
        expect(stdout).toMatch(/\+ pulumi-nodejs:dynamic\/openai:CheckpointPermissions: \(create\)/);
        const ids = Object.fromEntries(stack.emulator.permissions(SHARED).map((p) => [p.project_id, p.id]));
        // The access text, one `project permission` line each, as the engine quotes a string.
        expect(stdout).toMatch(new RegExp(`access\\s*: "proj_eval ${ids["proj_eval"]}\\\\nproj_research ${ids["proj_research"]}\\\\n"`));
    });

    it("up records them and exports them", async () => {
        await stack.up();
        const outputs = await stack.outputs();
        expect(outputs["projectsByCheckpoint"]).toEqual({ [SHARED]: ["proj_eval", "proj_research"], [PRIVATE]: [] });
        const state = await stack.exportState();
        const recorded = state.deployment.resources?.filter((r) => r.type === "pulumi-nodejs:dynamic/openai:CheckpointPermissions");
        expect(recorded?.map((r) => r.id).sort()).toEqual([SHARED, PRIVATE].sort());
        await stack.preview(["--expect-no-changes"]);
    });

    it("a grant made outside Pulumi shows as a diff naming the project, and --expect-no-changes fails", async () => {
        stack.emulator.grant(PRIVATE, "proj_intruder");
        const { stdout } = await stack.preview(["--diff"]);
        expect(stdout).toMatch(/~ pulumi-nodejs:dynamic\/openai:CheckpointPermissions: \(update\)/);
        const granted = stack.emulator.permissions(PRIVATE).find((p) => p.project_id === "proj_intruder")!;
        // The checkpoint had no other project: its access text was empty, and the engine shows the one line added.
        expect(stdout).toContain(`+ access: "proj_intruder ${granted.id}\\n"`);
        expect(stdout).toMatch(/~ 1 to update/);
        const failed = await stack.preview(["--expect-no-changes"], { expectFailure: true });
        expect(failed.stdout + failed.stderr).toMatch(/no changes were expected.* but changes were proposed/i);
    });

    it("refresh reads the live permissions, after which the preview is clean again", async () => {
        await stack.refresh();
        await stack.preview(["--expect-no-changes"]);
        const state = await stack.exportState();
        const privateRecord = state.deployment.resources?.find((r) => r.id === PRIVATE);
        expect(Object.keys(decodeAccess(privateRecord?.inputs?.["access"]))).toEqual(["proj_intruder"]);
    });

    it("another stack reads the exported permissions through a StackReference", async () => {
        await stack.up(); // refresh updates state, not the stack's outputs: a run of the program does
        const reader = await startEngineStack({ fixture: "stack-reference", sharedWith: stack });
        try {
            await reader.setConfig("source", `organization/read-checkpoint-permissions/${stack.stackName}`);
            await reader.up();
            expect((await reader.outputs())["projectsByCheckpoint"]).toEqual({
                [SHARED]: ["proj_eval", "proj_research"],
                [PRIVATE]: ["proj_intruder"],
            });
        } finally {
            await reader.dispose();
        }
    });

    it("the admin key is in neither `pulumi stack export` nor the raw state, and was never in the environment", async () => {
        expect(stack.env["OPENAI_ADMIN_KEY"]).toBeUndefined();
        // The engine keeps a provider's config (here: all stack config, for dynamic providers) as the provider
        // resource's inputs, secrets encrypted, as for any provider: never in plain text.
        const exported = (await stack.pulumi(["stack", "export", "--stack", stack.stackName])).stdout;
        expect(exported).toContain("proj_research");
        expect(exported).not.toContain(stack.emulator.adminKey);
        const raw = await allText(stack.backendDir);
        expect(raw).toContain("proj_intruder");
        expect(raw).not.toContain(stack.emulator.adminKey);
    });

    it("destroy forgets the records and revokes nothing", async () => {
        await stack.destroy();
        expect(stack.emulator.permissions(SHARED).map((p) => p.project_id).sort()).toEqual(["proj_eval", "proj_research"]);
        expect(stack.emulator.permissions(PRIVATE).map((p) => p.project_id)).toEqual(["proj_intruder"]);
    });
});
