/**
 * A YAML stack on the plugin converges in one `up` when a grant leaves the program, as the TypeScript stack does:
 * the record, told by `managedProjects` which projects the stack's grants manage, leaves out the access that the
 * same `up` revokes, so the next preview has no changes.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { stringify } from "yaml";
import type { EmulatorSeed } from "../../provider/emulator";
import { decodeAccess } from "../../provider/resources/access-text";
import { startEngineStack, type EngineStack } from "./harness";
import { REPOSITORY_PLUGIN_DIR } from "./yaml-plugin-suite";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const seed: EmulatorSeed = { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_research" }] } } };

/** The program with a grant for each project, and a record waiting for them. */
function program(projects: readonly string[]): string {
    const grants = Object.fromEntries(
        projects.map((projectId) => [projectId, { type: "openai-checkpoints:index:CheckpointPermissionGrant", properties: { checkpoint: CHECKPOINT, projectId } }]),
    );
    return stringify({
        name: "yaml-converge",
        runtime: "yaml",
        plugins: { providers: [{ name: "openai-checkpoints", path: REPOSITORY_PLUGIN_DIR }] },
        resources: {
            ...grants,
            access: {
                type: "openai-checkpoints:index:CheckpointPermissions",
                properties: { checkpoint: CHECKPOINT, managedProjects: projects.map((p) => `\${${p}.projectId}`) },
                options: { dependsOn: projects.map((p) => `\${${p}}`) },
            },
        },
        outputs: { recorded: "${access.access}" },
    });
}

let dir: string;
let stack: EngineStack;

beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "yaml-converge-"));
    await writeFile(path.join(dir, "Pulumi.yaml"), program(["proj_eval", "proj_support"]));
    stack = await startEngineStack({ fixture: "yaml-converge", programDir: dir, seed });
});
afterAll(async () => {
    await stack?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
});

it("removing a grant revokes it and the record agrees in the same up: the next preview has no changes", async () => {
    await stack.up();
    expect(Object.keys(decodeAccess((await stack.outputs())["recorded"])).sort()).toEqual(["proj_eval", "proj_research", "proj_support"]);

    await writeFile(path.join(dir, "Pulumi.yaml"), program(["proj_eval"]));
    await stack.up();
    expect(stack.emulator.permissions(CHECKPOINT).map((p) => p.project_id).sort()).toEqual(["proj_eval", "proj_research"]);
    expect(Object.keys(decodeAccess((await stack.outputs())["recorded"])).sort()).toEqual(["proj_eval", "proj_research"]);
    await stack.preview(["--expect-no-changes"]);
    await stack.destroy();
});
