/**
 * The loop of the README's "Enforce access", on the real engine, in TypeScript and in YAML on the plugin: two stacks
 * of the examples on one emulator. The nightly audit (examples/organization-audit) names mallory's dashboard share;
 * the enforce stack (examples/organization-enforce)'s preview (no --refresh) names the project it will revoke and who granted
 * it; its `up` revokes it; the next audit is clean. The TypeScript form runs the README's commands as it shows them.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSeed } from "../../provider/emulator";
import { REPO_ROOT } from "../../tools/engine/engine";
import { readmeBlock, readmeBlocks, shellCommands } from "../support/readme";
import { startEngineStack, type EngineStack, type PulumiRunOptions } from "./harness";

const SECTION = "Enforce access";
const EXAMPLES = path.join(REPO_ROOT, "examples");
const MALLORY = { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } };

/** The README's commands, in order: the enforce stack's config, the audit's preview, the enforce stack's preview and up. */
const commands = shellCommands(readmeBlock(SECTION, "sh"));
const configCommands = commands.filter((c) => c.startsWith("pulumi config set "));
const [auditCommand, previewCommand, upCommand] = commands.filter((c) => !c.startsWith("pulumi config set "));
/** The checkpoint the README's config names. */
const CHECKPOINT = /checkpoints\.support\.checkpoint'? (\S+)/.exec(configCommands.join("\n"))![1]!;
const seed: EmulatorSeed = { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner" } } };

/** Runs a README command (`pulumi …`, single quotes as a shell reads them) on `stack`. */
function run(stack: EngineStack, command: string, options?: PulumiRunOptions) {
    const [pulumi, ...args] = command.match(/'[^']*'|\S+/g)!.map((word) => word.replace(/^'(.*)'$/, "$1"));
    expect(pulumi).toBe("pulumi");
    return stack.pulumi([...args, "--stack", stack.stackName], options);
}

const forms = [
    {
        form: "TypeScript",
        dir: "typescript",
        configure: async (stack: EngineStack) => {
            for (const command of configCommands) await run(stack, command);
        },
    },
    {
        form: "YAML on the plugin",
        dir: "yaml",
        configure: async (stack: EngineStack) => {
            await stack.setConfig("supportCheckpoint", CHECKPOINT);
            await stack.pulumi(["config", "set", "--stack", stack.stackName, "--path", "supportProjects[0]", "proj_support"]);
        },
    },
];

describe("the README's example", () => {
    it("is the example's program, as the TypeScript and YAML stacks below run it", () => {
        expect(readFileSync(path.join(EXAMPLES, "organization-enforce", "typescript", "index.ts"), "utf8")).toContain(readmeBlock(SECTION, "ts"));
        const yaml = readmeBlocks(SECTION, "yaml");
        expect(yaml).toHaveLength(1);
        expect(readFileSync(path.join(EXAMPLES, "organization-enforce", "yaml", "Pulumi.yaml"), "utf8")).toContain(yaml[0]!.replace(/^resources:\n/, ""));
        expect([auditCommand, previewCommand, upCommand].every(Boolean)).toBe(true);
    });
});

describe.each(forms)("enforcing the organization's access in $form", ({ dir, configure }) => {
    let audit: EngineStack;
    let enforce: EngineStack;
    const live = () => audit.emulator.permissions(CHECKPOINT).map((p) => p.project_id).sort();
    const changes = () => audit.emulator.requests.filter((r) => r.method === "POST" || r.method === "DELETE").map(({ method, path }) => ({ method, path }));

    beforeAll(async () => {
        audit = await startEngineStack({ fixture: `organization-enforce-audit-${dir}`, programDir: path.join(EXAMPLES, "organization-audit", dir), seed });
        enforce = await startEngineStack({ fixture: `organization-enforce-${dir}`, programDir: path.join(EXAMPLES, "organization-enforce", dir), sharedWith: audit });
        audit.emulator.grant(CHECKPOINT, "proj_support");
        await configure(enforce);
        await audit.up();
        await enforce.up();
        await run(audit, auditCommand!);
    });
    afterAll(async () => {
        await enforce?.dispose();
        await audit?.dispose();
    });

    it("the audit names mallory's share; the enforce stack's preview names it and who made it; its up revokes it; the next audit is clean", async () => {
        const share = audit.emulator.grant(CHECKPOINT, "proj_contractor", { actor: MALLORY });
        const audited = await run(audit, auditCommand!, { expectFailure: true });
        expect(audited.stdout).toContain(`proj_contractor ${share.id} by mallory@acme.com (dashboard)`);

        audit.emulator.clearRequests();
        const previewed = await run(enforce, previewCommand!);
        expect(previewed.stdout).toContain(`- proj_contractor ${share.id} by mallory@acme.com (dashboard)`);
        expect(previewed.stdout).not.toMatch(/\+ proj_support\b/);
        // Without --diff the engine names the resource and its changed `plan` only, as the README says.
        expect((await enforce.preview()).stdout).toMatch(/CheckpointAccess\s+support\s+update\s+\[diff: ~plan\]/);
        expect(changes()).toEqual([]);

        await run(enforce, upCommand!);
        expect(live()).toEqual(["proj_support"]);
        // The share's revoke, and no grant: proj_support keeps its access.
        expect(changes()).toEqual([{ method: "DELETE", path: expect.stringContaining(share.id) }]);
        await enforce.preview(["--expect-no-changes"]);
        await run(audit, auditCommand!);
        await enforce.refresh();
        await enforce.preview(["--expect-no-changes"]);
    });

    it("destroying the enforce stack revokes nothing", async () => {
        const before = live();
        expect(before).toContain("proj_support");
        await enforce.destroy();
        expect(live()).toEqual(before);
    });
});
