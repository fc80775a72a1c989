/**
 * The package as a user installs it, on the newest @pulumi/pulumi it claims: a project outside the repository that
 * follows the README (install, configure, preview, up, drift, policies, refresh, destroy), a second stack reading the
 * first through a StackReference, and the errors a user meets, each asserted as the user reads it.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workspace } from "../../tools/engine/workspace";
import { ADMIN_KEY_SECTION, escapeRegExp, INSTALLATION_DOC, readmeBlock, shellCommands } from "../support/readme";
import {
    CHECKPOINT,
    createUserProject,
    NEWEST_PULUMI,
    PACKAGE_NAME,
    SEED,
    startUserEmulator,
    typescriptProject,
    type RunningUserEmulator,
    type UserProject,
} from "./support/user-project";
import { expectOneReadableError, runReadmeCommand } from "./support/readme-commands";

const EMULATOR_KEY = "sk-admin-emulator-key";

describe(`installed from the tarball, on @pulumi/pulumi ${NEWEST_PULUMI}`, () => {
    let project: UserProject;
    let emulator: RunningUserEmulator;
    let pulumi: Workspace["pulumi"];
    let workspace: Workspace;

    beforeAll(async () => {
        project = await createUserProject({
            fixture: "stack",
            dependencies: typescriptProject(NEWEST_PULUMI),
            documentedInstall: true,
            files: {
                "seed.json": JSON.stringify(SEED),
                "policy-config.json": readmeBlock("Policies: who may use a checkpoint", "json"),
                "own-policy/index.ts": readmeBlock("Your own policies", "ts"),
            },
        });
        emulator = await startUserEmulator(project);
        // The key reaches the program and the provider as stack config, as the README says: no environment.
        workspace = await project.workspace({});
        pulumi = workspace.pulumi;
        await pulumi(["stack", "init", "dev"]);
        await pulumi(["config", "set", "openai:baseUrl", emulator.baseUrl]);
        await pulumi(["config", "set", "checkpoint", CHECKPOINT]);
        await pulumi(["config", "set", "--path", "grants[0]", "proj_analytics"]);
        await pulumi(["config", "set", "--path", "grants[1]", "proj_support"]);
        const [setKey] = INSTALLATION_DOC.blocks(ADMIN_KEY_SECTION, "sh").flatMap(shellCommands).filter((command) => command.includes(" openai:adminKey "));
        await runReadmeCommand(workspace, setKey!, { "sk-admin-…": EMULATOR_KEY });
    });
    afterAll(async () => {
        await emulator?.close();
        await project?.dispose();
    });

    it("installs exactly one @pulumi/pulumi, and the program and the user's pack type-check against the shipped declarations", async () => {
        expect(await project.installedCopies("@pulumi/pulumi")).toEqual([NEWEST_PULUMI]);
        // The tsconfig files of Pulumi's templates (`pulumi new typescript`, `pulumi policy new typescript`).
        await project.npm(["exec", "--", "tsc", "-p", "tsconfig.json"]);
        await project.npm(["exec", "--", "tsc", "-p", "own-policy/tsconfig.json"]);
    });

    it("previews, then ups: the grants are made and the record and the reads see them", async () => {
        const preview = await pulumi(["preview"]);
        expect(preview.stdout).toMatch(/\+\s+pulumi-nodejs:dynamic\/openai:CheckpointPermissionGrant\s+proj_analytics\s+create/);
        await pulumi(["up", "--yes"]);
        const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
        expect(outputs["recordedProjects"]).toEqual(["proj_analytics", "proj_research", "proj_support"]);
        expect(outputs["sharedWith"]).toEqual(["proj_analytics", "proj_research", "proj_support"]);
        expect(outputs["ownerHasAccess"]).toBe(false);
        expect(outputs["permissionIds"]).toEqual([expect.stringMatching(/^cp_/), expect.stringMatching(/^cp_/)]);
    });

    it("a second up changes nothing", async () => {
        const { stdout } = await pulumi(["up", "--yes"]);
        expect(stdout).not.toMatch(/\bcreated\b|\bupdated\b|\bdeleted\b|\breplaced\b/);
        expect(stdout).toMatch(/\d+ unchanged/);
    });

    it("another stack reads the outputs through a StackReference", async () => {
        const reader = await project.workspace({}, workspace);
        const readerProject = path.join(project.dir, "reader");
        const run = (args: string[]) => reader.pulumi([...args, "--cwd", readerProject]);
        await run(["stack", "init", "reader"]);
        await run(["config", "set", "accessStack", "organization/model-access/dev"]);
        await run(["up", "--yes"]);
        const outputs = JSON.parse((await run(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
        expect(outputs["projectsWithAccess"]).toEqual(["proj_analytics", "proj_research", "proj_support"]);
    });

    it("shows a grant made outside Pulumi in preview --diff, and --expect-no-changes fails", async () => {
        await emulator.control(`checkpoints/${encodeURIComponent(CHECKPOINT)}/grants`, { project_id: "proj_contractor" });
        const diff = await pulumi(["preview", "--diff"]);
        expect(diff.stdout).toContain("proj_contractor");
        const strict = await pulumi(["preview", "--expect-no-changes"], { expectFailure: true });
        expect(strict.stdout + strict.stderr).toMatch(/no changes were expected/);
    });

    it("the shipped policy pack, run from node_modules with the README's command, fails with a clear mandatory violation", async () => {
        const [command] = shellCommands(readmeBlock("Policies: who may use a checkpoint", "sh"));
        expect(command).toBe(`pulumi preview --policy-pack node_modules/${PACKAGE_NAME}/policy-pack --policy-pack-config policy-config.json`);
        const { stdout } = await runReadmeCommand(workspace, command!, {}, { expectFailure: true });
        expect(stdout).toMatch(/\[mandatory\]\s+checkpoint-forbidden-projects/);
        const violation = stdout.slice(stdout.indexOf("checkpoint-forbidden-projects"));
        expect(violation).toMatch(new RegExp(`${escapeRegExp(CHECKPOINT)}.*proj_contractor \\(permission cp_\\w+\\) is a forbidden project`));
    });

    it("a pack of the user's own, built on the exported helpers (the README's example), reports its violation", async () => {
        const { stdout } = await pulumi(["preview", "--policy-pack", "own-policy"], { expectFailure: true });
        expect(stdout).toMatch(/\[mandatory\]\s+one-project-per-checkpoint/);
        expect(stdout).toContain(`${CHECKPOINT} is shared with proj_analytics, proj_contractor, proj_research, proj_support`);
    });

    it("refresh accepts the live state, then destroy revokes what the stack granted and nothing else", async () => {
        await pulumi(["refresh", "--yes"]);
        await pulumi(["preview", "--expect-no-changes"]);
        await pulumi(["destroy", "--yes"]);
        expect(await emulator.projectsWithAccess(CHECKPOINT)).toEqual(["proj_contractor", "proj_research"]);
    });

    describe("errors, as the user reads them", () => {
        let errors: Workspace;
        const fresh = async (stack: string, env: Record<string, string>, config: Record<string, string>) => {
            errors = await project.workspace(env, workspace);
            await errors.pulumi(["stack", "init", stack]);
            for (const [key, value] of Object.entries(config)) await errors.pulumi(["config", "set", "--path", key, value]);
        };

        it("no key: the fix, once, unredacted", async () => {
            await fresh("no-key", {}, { "openai:baseUrl": emulator.baseUrl, checkpoint: CHECKPOINT });
            const result = await errors.pulumi(["preview"], { expectFailure: true });
            expectOneReadableError(result, "No OpenAI admin key. Run `pulumi config set --secret openai:adminKey <sk-admin-…>`");
        });

        it("a wrong key (401): OpenAI's message and what kind of key is needed, once, the key itself nowhere", async () => {
            const wrong = "sk-admin-WrongKeyThatOpenAIWouldRefuse123";
            await fresh("wrong-key", { OPENAI_ADMIN_KEY: wrong }, { "openai:baseUrl": emulator.baseUrl, checkpoint: CHECKPOINT });
            const result = await errors.pulumi(["preview"], { expectFailure: true });
            expectOneReadableError(result, "401 Incorrect API key provided");
            expect(result.stdout + result.stderr).toContain("organization admin key (sk-admin-…)");
            expect(result.stdout + result.stderr).not.toContain("WrongKeyThatOpenAIWouldRefuse123");
        });

        it("an unknown checkpoint (404): names it, once", async () => {
            const unknown = "ft:gpt-4o-mini-2024-07-18:acme::NoSuch1";
            await fresh("unknown-checkpoint", { OPENAI_ADMIN_KEY: EMULATOR_KEY }, { "openai:baseUrl": emulator.baseUrl, checkpoint: unknown });
            const result = await errors.pulumi(["preview"], { expectFailure: true });
            expectOneReadableError(result, "404 ");
            expect(result.stdout + result.stderr).toContain(unknown);
        });

        it("an invalid project id: the property and the value, before any request", async () => {
            await fresh("invalid-id", { OPENAI_ADMIN_KEY: EMULATOR_KEY }, { "openai:baseUrl": emulator.baseUrl, checkpoint: CHECKPOINT, "grants[0]": "proj bad" });
            const result = await errors.pulumi(["preview"], { expectFailure: true });
            expectOneReadableError(result, 'projectId: must not contain whitespace or control characters (got "proj bad")');
        });
    });
});
