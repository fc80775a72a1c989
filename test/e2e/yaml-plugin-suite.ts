/**
 * The YAML example (examples/yaml-checkpoint-access) on the real engine and the native provider plugin: everything
 * the TypeScript stack on the dynamic provider does, plus a real invoke, `pulumi import` and two organizations.
 *
 * A suite, not a test file: the plugin directory is a parameter, so the same steps run on the repository's plugin
 * (./yaml-plugin.test.ts) and on the one a user installs from the packed tarball.
 *
 * The steps build on each other (one stack, in order): import, up, no changes, drift, policy, refresh, destroy.
 * After each, every resource of the package in the stack's state must have the shape the plugin's schema declares.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import { PACKAGE_NAME } from "../../provider/plugin/schema";
import { encodeAccess } from "../../provider/resources/access-text";
import { REPO_ROOT } from "../../tools/engine/engine";
import { CHECKPOINT, LEGACY_PERMISSION, PARTNER_CHECKPOINT, PARTNER_KEY, partnerSeed, readmeImportArgs, seed } from "../support/plugin-scenario";
import { backendFiles } from "../support/backend";
import { ADMIN_KEY_SECTION, INSTALLATION_DOC, shellCommands } from "../support/readme";
import { runReadmeCommand } from "../installed/support/readme-commands";
import { assertStateConforms } from "../support/schema-conformance";
import { startEngineStack, type EngineStack } from "./harness";

export const YAML_EXAMPLE_DIR = path.join(REPO_ROOT, "examples", "yaml-checkpoint-access");
export const REPOSITORY_PLUGIN_DIR = path.join(REPO_ROOT, "plugin");

export interface YamlPluginSuiteOptions {
    /** Names the suite in the report, e.g. "repository" or "installed". */
    readonly label: string;
    /** The plugin directory (with PulumiPlugin.yaml) the program uses; asked for when the suite starts. */
    readonly pluginDir: () => string;
    /** The policy pack to run against the stack. Default: the repository's policy-pack/. */
    readonly policyPackDir?: () => string;
}

const projects = (emulator: RunningEmulator, checkpoint: string) => emulator.permissions(checkpoint).map((p) => p.project_id).sort();

export function yamlPluginSuite({ label, pluginDir, policyPackDir = () => path.join(REPO_ROOT, "policy-pack") }: YamlPluginSuiteOptions): void {
    describe(`a YAML program on the plugin (${label})`, () => {
        let stack: EngineStack;
        let partner: RunningEmulator;
        let policyDir: string;
        let policyArgs: string[];

        beforeAll(async () => {
            partner = await startEmulator({ seed: partnerSeed, adminKey: PARTNER_KEY });
            policyDir = await mkdtemp(path.join(tmpdir(), "yaml-policy-"));
            const policyConfig = path.join(policyDir, "config.json");
            await writeFile(policyConfig, JSON.stringify({ "checkpoint-forbidden-projects": { forbiddenProjects: ["proj_contractor"] } }));
            policyArgs = ["--policy-pack", policyPackDir(), "--policy-pack-config", policyConfig];
            stack = await startEngineStack({
                fixture: "yaml",
                programDir: YAML_EXAMPLE_DIR,
                pluginPaths: { [PACKAGE_NAME]: pluginDir() },
                seed,
                // No OPENAI_* in the environment: the default provider reads the stack's config, the other its arguments.
                credentialsInConfig: true,
                config: {
                    checkpoint: CHECKPOINT,
                    projectId: "proj_eval",
                    importedProjectId: "proj_legacy",
                    partnerBaseUrl: partner.baseUrl,
                    partnerCheckpoint: PARTNER_CHECKPOINT,
                    partnerProjectId: "proj_partner_eval",
                },
            });
            await stack.setConfig(`${PACKAGE_NAME}:baseUrl`, stack.emulator.baseUrl);
            // The key as docs/installation-configuration.md sets it for a stack on the plugin.
            const [setKey] = INSTALLATION_DOC.blocks(ADMIN_KEY_SECTION, "sh").flatMap(shellCommands).filter((command) => command.includes(` ${PACKAGE_NAME}:adminKey `));
            await runReadmeCommand(stack, setKey!, { "sk-admin-…": stack.emulator.adminKey });
            await stack.setConfig("partnerAdminKey", PARTNER_KEY, { secret: true });
        });
        afterEach(async () => {
            assertStateConforms(await stack.exportState());
        });
        afterAll(async () => {
            await stack?.dispose();
            await partner?.close();
            await rm(policyDir, { recursive: true, force: true });
        });

        it("reads a checkpoint's permissions with a real invoke during preview, into an output, also through an explicit provider", async () => {
            const { stdout } = await stack.preview();
            expect(stdout).toMatch(/projectsBefore\s*:\s*\[\s*\[0\]: "proj_legacy"\s*\]/);
            // The partner's checkpoint exists only in the partner's organization: only its provider can read it.
            expect(stdout).toMatch(/partnerProjectsBefore\s*:\s*\[\s*\[0\]: "proj_partner_existing"\s*\]/);
            expect(partner.requests.some((r) => r.method === "GET")).toBe(true);
            expect(stack.emulator.requests.some((r) => r.method === "GET")).toBe(true);
            expect(projects(stack.emulator, CHECKPOINT)).toEqual(["proj_legacy"]); // a preview grants nothing
        });

        it("imports a grant made outside Pulumi by <checkpoint>/<permission id>", async () => {
            const { stdout } = await stack.pulumi([...readmeImportArgs(`${CHECKPOINT}/${LEGACY_PERMISSION}`), "--yes", "--stack", stack.stackName]);
            // The code to paste into the program, in YAML (which writes the token without its `index` module).
            expect(stdout).toMatch(/type: openai-checkpoints:(index:)?CheckpointPermissionGrant\s+properties:\s+checkpoint: \S+\s+projectId: proj_legacy/);
            const imported = (await stack.exportState()).deployment.resources?.find((r) => r.urn.endsWith("::importedAccess"));
            expect(imported).toMatchObject({ id: `${CHECKPOINT}/${LEGACY_PERMISSION}`, outputs: { projectId: "proj_legacy", adopted: true } });
        });

        it("grants in two organizations through two providers; the imported grant is not created again", async () => {
            const { stdout } = await stack.up();
            expect(stdout).not.toMatch(/importedAccess\s+created/);
            expect(projects(stack.emulator, CHECKPOINT)).toEqual(["proj_eval", "proj_legacy"]);
            expect(projects(partner, PARTNER_CHECKPOINT)).toEqual(["proj_partner_eval", "proj_partner_existing"]);
            // Each key reached its own organization only.
            expect(projects(stack.emulator, CHECKPOINT)).not.toContain("proj_partner_eval");

            const outputs = await stack.outputs();
            const evalPermission = stack.emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_eval")!;
            expect(outputs).toMatchObject({
                evalPermissionId: evalPermission.id,
                importedAdopted: true,
                recordedAccess: encodeAccess({ proj_eval: evalPermission.id, proj_legacy: LEGACY_PERMISSION }),
                partnerPermissionId: partner.permissions(PARTNER_CHECKPOINT).find((p) => p.project_id === "proj_partner_eval")!.id,
            });
            await stack.preview(["--expect-no-changes"]);
        });

        it("keeps both keys out of state in clear", async () => {
            for (const { text } of await backendFiles(stack.backendDir, [CHECKPOINT, PARTNER_CHECKPOINT])) {
                expect(text).not.toContain(stack.emulator.adminKey);
                expect(text).not.toContain(PARTNER_KEY);
            }
        });

        it("passes the policy pack while no forbidden project has access", async () => {
            const { stdout } = await stack.preview([...policyArgs, "--expect-no-changes"]);
            expect(stdout).toMatch(/openai-checkpoint-permissions/);
            expect(stdout).not.toMatch(/\[mandatory\]/);
        });

        it("shows access granted outside Pulumi as drift naming the project, and --expect-no-changes fails", async () => {
            const intruder = stack.emulator.grant(CHECKPOINT, "proj_contractor");
            const { stdout } = await stack.preview(["--diff"]);
            const diff = stdout.slice(stdout.indexOf("CheckpointPermissions"));
            expect(diff).toMatch(new RegExp(`\\+ proj_contractor ${intruder.id}\\n`));
            await stack.preview(["--expect-no-changes"], { expectFailure: true });
        });

        it("fails the policy pack on the forbidden project", async () => {
            const { stdout } = await stack.preview(policyArgs, { expectFailure: true });
            expect(stdout).toMatch(/\[mandatory\]\s+checkpoint-forbidden-projects/);
            expect(stdout.slice(stdout.indexOf("checkpoint-forbidden-projects"))).toContain("proj_contractor");
        });

        it("refresh drops a grant revoked outside Pulumi; the next up grants it again", async () => {
            const evalPermission = stack.emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_eval")!;
            stack.emulator.revoke(CHECKPOINT, evalPermission.id);
            await stack.refresh();
            const state = await stack.exportState();
            expect(state.deployment.resources?.some((r) => r.urn.endsWith("::evalAccess"))).toBe(false);
            await stack.up();
            expect(projects(stack.emulator, CHECKPOINT)).toContain("proj_eval");
        });

        it("destroy revokes what the stack manages in both organizations, and leaves the rest", async () => {
            await stack.destroy();
            expect(projects(stack.emulator, CHECKPOINT)).toEqual(["proj_contractor"]);
            expect(projects(partner, PARTNER_CHECKPOINT)).toEqual(["proj_partner_existing"]);
        });
    });
}
