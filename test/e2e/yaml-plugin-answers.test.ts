/**
 * What the engine makes of the plugin's answers on the paths a first preview does not take: a check that fails in an
 * `up` without a preview (where the engine refuses unknowns in a check's answer), a secret input in that failure, and
 * a record imported by id into a program that gives its managed projects.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import type { EmulatorSeed } from "../../provider/emulator";
import { encodeAccess } from "../../provider/resources/access-text";
import { assertStateConforms } from "../support/schema-conformance";
import { startEngineStack, type EngineStack } from "./harness";
import { REPOSITORY_PLUGIN_DIR } from "./yaml-plugin-suite";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const HIDDEN = "ft:gpt-4o-mini-2024-07-18:acme-hidden-org::Gone";
const seed: EmulatorSeed = { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_research" }] } } };

/** A YAML program of one record (and a grant it waits for), `options` on the record. */
function program(record: { checkpoint: unknown; options?: Record<string, unknown> }): string {
    return stringify({
        name: "yaml-answers",
        runtime: "yaml",
        plugins: { providers: [{ name: "openai-checkpoints", path: REPOSITORY_PLUGIN_DIR }] },
        config: { checkpoint: { type: "string" } },
        resources: {
            evalAccess: { type: "openai-checkpoints:index:CheckpointPermissionGrant", properties: { checkpoint: CHECKPOINT, projectId: "proj_eval" } },
            access: {
                type: "openai-checkpoints:index:CheckpointPermissions",
                properties: { checkpoint: record.checkpoint, managedProjects: ["${evalAccess.projectId}"] },
                options: { dependsOn: ["${evalAccess}"], ...record.options },
            },
        },
        outputs: { recorded: "${access.access}" },
    });
}

let dir: string;
let stack: EngineStack;

beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "yaml-answers-"));
    await writeFile(path.join(dir, "Pulumi.yaml"), program({ checkpoint: "${checkpoint}" }));
    stack = await startEngineStack({ fixture: "yaml-answers", programDir: dir, seed });
});
afterEach(async () => {
    assertStateConforms(await stack.exportState());
});
afterAll(async () => {
    await stack?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a record whose check fails, in an up without a preview", () => {
    it("fails with the check's reason, not with an unknown value", async () => {
        await stack.setConfig("checkpoint", "ft:gpt-4o-mini-2024-07-18:acme::Bad ");
        const { stdout, stderr } = await stack.up([], { expectFailure: true });
        expect(stdout + stderr).toMatch(/checkpoint: must not start or end with whitespace/);
        expect(stdout + stderr).not.toMatch(/unknown/i);
        await stack.setConfig("checkpoint", "ft:gpt-4o-mini-2024-07-18:acme::Gone");
        expect(Object.values(await stack.up([], { expectFailure: true })).join("")).toMatch(/acme::Gone was not found with this provider's key/);
    });

    it("given a secret checkpoint, fails without printing it", async () => {
        // A secret of the program's own (the CLI already masks the values of secret stack config in what it prints).
        await writeFile(path.join(dir, "Pulumi.yaml"), program({ checkpoint: { "fn::secret": HIDDEN } }));
        const { stdout, stderr } = await stack.up([], { expectFailure: true });
        expect(stdout + stderr).toMatch(/\[secret\] was not found with this provider's key/);
        expect(stdout + stderr).not.toContain("acme-hidden-org");
    });
});

describe("a record imported by its checkpoint", () => {
    it("matches a program that gives its managed projects, without an update, and the next preview has no changes", async () => {
        await stack.setConfig("checkpoint", CHECKPOINT);
        await writeFile(path.join(dir, "Pulumi.yaml"), program({ checkpoint: "${checkpoint}", options: { import: CHECKPOINT } }));
        // Imported as it is: not imported, then updated to take the program's managed projects.
        const preview = await stack.preview();
        expect(preview.stdout).toMatch(/= 1 to import/);
        expect(preview.stdout).not.toMatch(/to update|do not match/);
        const { stdout } = await stack.up();
        expect(stdout).toMatch(/access\s+imported/);
        const live = Object.fromEntries(stack.emulator.permissions(CHECKPOINT).map((p) => [p.project_id, p.id]));
        expect(await stack.outputs()).toEqual({ recorded: encodeAccess(live) });
        await writeFile(path.join(dir, "Pulumi.yaml"), program({ checkpoint: "${checkpoint}" }));
        await stack.preview(["--expect-no-changes"]);
        await stack.destroy();
    });
});
