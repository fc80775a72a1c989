/**
 * A Python or Go program on the native provider plugin, end to end on the real engine, as a user has it: the
 * release (`npm run release`, served on loopback: ./release.ts) and nothing else of this repository. The program is
 * the repository's example (examples/<language>-checkpoint-access: the stack of examples/yaml-checkpoint-access
 * without its imported grant), copied into a project outside the repository; the language's SDK is installed there
 * from the release by the README's own commands (section "The plugin: YAML, Python and Go"); the project's
 * Pulumi.yaml names no plugin, and the engine fetches the plugin's executable itself from the URL the SDK carries
 * (automatic plugin acquisition). PATH holds the engine, the language's tools and no Node.js. The CLI runs the
 * program through this repository's language hosts (tools/engine/cmd/pulumi-language-{python,go}).
 *
 * A suite, not a test file: the language is the parameter (./python-plugin.test.ts, ./go-plugin.test.ts). The steps
 * build on each other (one stack, in order): preview, up, no changes, drift, refresh, import, the two organizations,
 * destroy. After each, what `pulumi stack export` holds for the package's resources must match the plugin's schema.
 * Then `SharedCheckpointRecords` from the SDK, as a program of its own in the same project.
 *
 * - Python: Pulumi's Python SDK from PyPI (PYTHON_SDK) in a virtual environment cached outside the repository; each
 *   project gets a virtual environment of its own (`venv`, which the example's Pulumi.yaml names) that sees the
 *   cached one's packages through a .pth file, and the README's `pip install` of the release's wheel runs in it, as
 *   in an activated one (pip finds the wheel's `pulumi` requirement met there).
 * - Go: the README's `go get` of the SDK's module through the release's module proxy folder (the Go SDK
 *   github.com/pulumi/pulumi/sdk/v3 from the usual proxy, or the module cache), then `go mod tidy`.
 */
import { existsSync } from "node:fs";
import { copyFile, cp, mkdtemp, readFile, readdir, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify as stringifyYaml, parse as parseYaml } from "yaml";
import { GO_MODULE, GO_IMPORT_PATH, PLUGIN_BINARY } from "../../../provider/plugin/package-identity";
import { startEmulator, type RunningEmulator } from "../../../provider/emulator";
import { PACKAGE_NAME as PLUGIN_PACKAGE } from "../../../provider/plugin/schema";
import { encodeAccess } from "../../../provider/resources/access-text";
import { REPO_ROOT, cacheRoot } from "../../../tools/engine/engine";
import { createWorkspace, type PulumiResult, type PulumiRunOptions, type Workspace } from "../../../tools/engine/workspace";
import { requireEngine, type StackExport } from "../../e2e/harness";
import { readmeBlock } from "../../support/readme";
import { runOrThrow as run } from "../../support/run";
import { CHECKPOINT, LEGACY_PERMISSION, PARTNER_CHECKPOINT, PARTNER_KEY, partnerSeed, readmeCommand, readmeImportArgs, seed } from "../../support/plugin-scenario";
import { backendFiles } from "../../support/backend";
import { assertStateConforms } from "../../support/schema-conformance";
import { engineOnlyPath, testRelease, type Release } from "./release";

export type PluginLanguage = "python" | "go";

/** Pulumi's Python SDK the programs run on (PyPI). */
export const PYTHON_SDK = "pulumi==3.272.0";

const ADMIN_KEY = "sk-admin-default-organization-key";


/**
 * A virtual environment holding PYTHON_SDK, cached next to the engine's build. It is made once, in a temporary
 * folder renamed into place, so two test processes never install into the same one; only its site-packages are
 * used (projects see them through a .pth file), which the move does not disturb.
 */
export async function cachedPythonSdk(): Promise<string> {
    const venv = path.join(path.dirname(cacheRoot()), `python-runtime-${PYTHON_SDK.replace(/[^\w.-]/g, "_")}`);
    const complete = path.join(venv, ".complete");
    if (existsSync(complete)) return venv;
    const building = `${venv}.tmp-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    try {
        await run("python3", ["-m", "venv", building], { cwd: tmpdir() });
        await run(path.join(building, "bin", "pip"), ["install", "--quiet", PYTHON_SDK], { cwd: tmpdir(), timeoutMs: 600_000 });
        await writeFile(path.join(building, ".complete"), `${new Date().toISOString()}\n`);
        if (!existsSync(complete)) {
            await rm(venv, { recursive: true, force: true }); // an unfinished one
            await rename(building, venv);
        }
    } finally {
        await rm(building, { recursive: true, force: true });
    }
    return venv;
}

/** The site-packages directory of a virtual environment. */
export async function sitePackages(venv: string): Promise<string> {
    const output = await run(path.join(venv, "bin", "python"), ["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], { cwd: venv });
    return output.trim();
}

/**
 * A virtual environment of the project's own (`<dir>/<name>`) that sees the cached SDK's packages, and the README's
 * `pip install` of the release's wheel run in it (the environment activated: its bin/ first on PATH), the wheel
 * downloaded into the project as the README says.
 */
async function installPythonSdk(projectDir: string, name: string, release: Release): Promise<void> {
    const base = await cachedPythonSdk();
    const venv = path.join(projectDir, name);
    await run("python3", ["-m", "venv", venv], { cwd: projectDir });
    await writeFile(path.join(await sitePackages(venv), "_pulumi_sdk.pth"), `${await sitePackages(base)}\n`);
    const [pip, ...args] = readmeCommand("pip install");
    await copyFile(path.join(release.dir, args.at(-1)!), path.join(projectDir, args.at(-1)!));
    await run(pip!, [...args, "--quiet"], {
        cwd: projectDir,
        env: { VIRTUAL_ENV: venv, PATH: [path.join(venv, "bin"), process.env["PATH"] ?? ""].join(path.delimiter) },
        timeoutMs: 600_000,
    });
}

/**
 * `GODEBUG=goindex=0`: the go command keeps an index of each module version's files in its build cache, trusting that
 * a version never changes. A published one does not; a test run's does (forgetCachedSdk, below), and with the index a build
 * would see the files of the release an earlier run fetched (a resource added since: `undefined: CheckpointAccess`).
 */
const GO_ENV = { GOWORK: "off", GOFLAGS: "-mod=mod", GODEBUG: "goindex=0" };

/**
 * Removes the SDK's `version` from Go's module cache. The cache keeps a module version once fetched, and a published
 * version never changes; a test run's release does (its SDK carries that run's server URL), so what an earlier run
 * left there would be used instead of this run's.
 */
async function forgetCachedSdk(version: string): Promise<void> {
    const modcache = (await run("go", ["env", "GOMODCACHE"], { cwd: tmpdir(), env: GO_ENV })).trim();
    const extracted = path.join(modcache, ...`${GO_MODULE}@v${version}`.split("/"));
    const downloads = path.join(modcache, "cache", "download", ...GO_MODULE.split("/"), "@v");
    // The cache's files and folders are read-only.
    if (existsSync(extracted)) await run("chmod", ["-R", "u+w", extracted], { cwd: modcache });
    await rm(extracted, { recursive: true, force: true });
    if (existsSync(downloads)) {
        for (const file of await readdir(downloads)) if (file.startsWith(`v${version}.`)) await rm(path.join(downloads, file), { force: true });
    }
}

/** Where the README's `go get` says the release's module proxy folder is; the test's release stands for it. */
const README_RELEASE_DIR = "/path/to/release";

/**
 * The README's `go get` in the project (whose go.mod is the example's, without the SDK), its leading `NAME=value`
 * words as its environment, then `go mod tidy`.
 */
async function installGoSdk(projectDir: string, release: Release): Promise<void> {
    await forgetCachedSdk(release.version);
    await run("go", ["mod", "edit", `-droprequire=${GO_MODULE}`, `-dropreplace=${GO_MODULE}`], { cwd: projectDir, env: GO_ENV });
    const words = readmeCommand("GOPROXY=").map((word) => word.replace(README_RELEASE_DIR, release.dir));
    const assignments = words.filter((word) => /^[A-Z_]+=/.test(word));
    const [go, ...args] = words.slice(assignments.length);
    const env = Object.fromEntries(assignments.map((word) => [word.slice(0, word.indexOf("=")), word.slice(word.indexOf("=") + 1)]));
    await run(go!, args, { cwd: projectDir, env: { ...GO_ENV, ...env }, timeoutMs: 600_000 });
    await run("go", ["mod", "tidy"], { cwd: projectDir, env: GO_ENV, timeoutMs: 600_000 });
}

/** The code `pulumi import` prints for a grant, in each language. */
const IMPORTED_CODE: Record<PluginLanguage, (checkpoint: string, projectId: string) => RegExp> = {
    python: (checkpoint, projectId) =>
        new RegExp(
            String.raw`import pulumi_openai_checkpoints as openai_checkpoints\s+` +
                String.raw`imported_access = openai_checkpoints\.CheckpointPermissionGrant\("importedAccess",\s*` +
                String.raw`checkpoint="${escape(checkpoint)}",\s*project_id="${projectId}"\)`,
        ),
    go: (checkpoint, projectId) =>
        new RegExp(
            String.raw`"${escape(GO_IMPORT_PATH)}"[^]*` +
                String.raw`_, err := openaicheckpoints\.NewCheckpointPermissionGrant\(ctx, "importedAccess", &openaicheckpoints\.CheckpointPermissionGrantArgs\{\s*` +
                String.raw`Checkpoint: pulumi\.String\("${escape(checkpoint)}"\),\s*ProjectId:\s+pulumi\.String\("${projectId}"\),\s*\}\)`,
        ),
};

function escape(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const projects = (emulator: RunningEmulator, checkpoint: string) => emulator.permissions(checkpoint).map((p) => p.project_id).sort();

/** A stack on a workspace: the commands of the steps, each on this stack. */
interface Stack {
    readonly workspace: Workspace;
    preview(args?: readonly string[], options?: PulumiRunOptions): Promise<PulumiResult>;
    up(args?: readonly string[]): Promise<PulumiResult>;
    refresh(): Promise<PulumiResult>;
    destroy(): Promise<PulumiResult>;
    pulumi(args: readonly string[], options?: PulumiRunOptions): Promise<PulumiResult>;
    setConfig(key: string, value: string, secret?: boolean): Promise<void>;
    outputs(): Promise<Record<string, unknown>>;
    /** The state, after checking every resource of the package in it against the plugin's schema. */
    conformingState(): Promise<StackExport>;
}

async function initStack(workspace: Workspace, name: string): Promise<Stack> {
    const stackArgs = ["--stack", name];
    const pulumi = workspace.pulumi;
    const stack: Stack = {
        workspace,
        preview: (args = [], options) => pulumi(["preview", ...stackArgs, ...args], options),
        up: (args = []) => pulumi(["up", "--yes", "--skip-preview", ...stackArgs, ...args]),
        refresh: () => pulumi(["refresh", "--yes", "--skip-preview", ...stackArgs]),
        destroy: () => pulumi(["destroy", "--yes", "--skip-preview", ...stackArgs]),
        pulumi: (args, options) => pulumi([...args, ...stackArgs], options),
        async setConfig(key, value, secret = false) {
            await pulumi(["config", "set", ...stackArgs, secret ? "--secret" : "--plaintext", key, value]);
        },
        async outputs() {
            return JSON.parse((await pulumi(["stack", "output", ...stackArgs, "--json", "--show-secrets"])).stdout) as Record<string, unknown>;
        },
        async conformingState() {
            const state = JSON.parse((await pulumi(["stack", "export", ...stackArgs, "--show-secrets"])).stdout) as StackExport;
            assertStateConforms(state);
            return state;
        },
    };
    await pulumi(["stack", "init", name]);
    return stack;
}

/** A user's project outside the repository, and the environment its Pulumi commands run in. */
interface UserProject {
    readonly dir: string;
    readonly env: Readonly<Record<string, string>>;
    /** A workspace on the project's folder (or a folder in it), sharing `sharedWith`'s PULUMI_HOME and backend if given. */
    workspace(programDir?: string, sharedWith?: Workspace): Promise<Workspace>;
    dispose(): Promise<void>;
}

/**
 * The language's example copied into a new folder outside the repository, run with the engine and the language's
 * tools on PATH (no Node.js), the engine free to fetch plugins.
 */
async function createReleasedProject(language: PluginLanguage): Promise<UserProject> {
    const dir = await mkdtemp(path.join(tmpdir(), `user-${language}-checkpoint-access-`));
    const workspaces: Workspace[] = [];
    await cp(path.join(REPO_ROOT, "examples", `${language}-checkpoint-access`), dir, { recursive: true });
    const env = {
        PATH: await engineOnlyPath(language === "python" ? ["python3"] : ["go"], dir),
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false",
        ...(language === "go" ? GO_ENV : {}),
    };
    return {
        dir,
        env,
        async workspace(programDir = dir, sharedWith) {
            const workspace = await createWorkspace({ engine: await requireEngine(), programDir, inPlace: true, env, sharedWith });
            workspaces.push(workspace);
            return workspace;
        },
        async dispose() {
            await Promise.all(workspaces.map((w) => w.dispose()));
            await rm(dir, { recursive: true, force: true });
        },
    };
}

export function pluginLanguageSuite(language: PluginLanguage): void {
    const label = language === "python" ? "Python" : "Go";
    let release: Release;
    let project: UserProject | undefined;
    let emulator: RunningEmulator;
    let partner: RunningEmulator;
    let stack: Stack;
    /** The grant made outside Pulumi that drifts, then is imported. */
    let intruder: { id: string };

    beforeAll(async () => {
        emulator = await startEmulator({ seed, adminKey: ADMIN_KEY });
        partner = await startEmulator({ seed: partnerSeed, adminKey: PARTNER_KEY });
        // What a user installs: the SDK, from the release. The plugin comes with the engine's first need of it.
        release = await testRelease();
        project = await createReleasedProject(language);
        if (language === "python") await installPythonSdk(project.dir, "venv", release);
        else await installGoSdk(project.dir, release);

        // No OPENAI_* in the environment: the default provider reads the stack's config, the other its arguments.
        stack = await initStack(await project.workspace(), "dev");
        await stack.setConfig("checkpoint", CHECKPOINT);
        await stack.setConfig("projectId", "proj_eval");
        await stack.setConfig(`${PLUGIN_PACKAGE}:baseUrl`, emulator.baseUrl);
        await stack.setConfig(`${PLUGIN_PACKAGE}:adminKey`, ADMIN_KEY, true);
        await stack.setConfig("partnerAdminKey", PARTNER_KEY, true);
        await stack.setConfig("partnerBaseUrl", partner.baseUrl);
        await stack.setConfig("partnerCheckpoint", PARTNER_CHECKPOINT);
        await stack.setConfig("partnerProjectId", "proj_partner_eval");
    });
    afterAll(async () => {
        await project?.dispose();
        await emulator?.close();
        await partner?.close();
    });

    describe(`a ${label} program on the plugin, installed from the release`, () => {
        it("previews: the engine fetches the plugin's executable from the URL the SDK carries, and the invoke reads each organization's checkpoint through its provider, nothing granted", async () => {
            // Nothing names the plugin but the SDK: no `plugins` in Pulumi.yaml, none installed yet.
            expect(parseYaml(await readFile(path.join(project!.dir, "Pulumi.yaml"), "utf8"))).not.toHaveProperty("plugins");
            const plugins = path.join(stack.workspace.homeDir, "plugins");
            // The engine's plugin folders (beside them it keeps .lock and .lastused files).
            const installed = async () =>
                existsSync(plugins)
                    ? (await readdir(plugins, { withFileTypes: true })).filter((e) => e.isDirectory() && e.name.startsWith(`resource-${PLUGIN_PACKAGE}-`)).map((e) => e.name)
                    : [];
            expect(await installed()).toEqual([]);
            const { stdout } = await stack.preview();
            expect(await installed()).toEqual([`resource-${PLUGIN_PACKAGE}-v${release.version}`]);
            expect(existsSync(path.join(plugins, `resource-${PLUGIN_PACKAGE}-v${release.version}`, PLUGIN_BINARY))).toBe(true);
            expect(stdout).toMatch(/projectsBefore\s*:\s*\[\s*\[0\]: "proj_legacy"\s*\]/);
            expect(stdout).toMatch(/partnerProjectsBefore\s*:\s*\[\s*\[0\]: "proj_partner_existing"\s*\]/);
            expect(projects(emulator, CHECKPOINT)).toEqual(["proj_legacy"]);
            expect(projects(partner, PARTNER_CHECKPOINT)).toEqual(["proj_partner_existing"]);
            await stack.conformingState();
        });

        it("ups: a grant in each organization and the record, read back by the program as outputs", async () => {
            await stack.up();
            expect(projects(emulator, CHECKPOINT)).toEqual(["proj_eval", "proj_legacy"]);
            expect(projects(partner, PARTNER_CHECKPOINT)).toEqual(["proj_partner_eval", "proj_partner_existing"]);
            const evalPermission = emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_eval")!;
            expect(await stack.outputs()).toEqual({
                projectsBefore: ["proj_legacy"],
                partnerProjectsBefore: ["proj_partner_existing"],
                evalPermissionId: evalPermission.id,
                recordedAccess: encodeAccess({ proj_eval: evalPermission.id, proj_legacy: LEGACY_PERMISSION }),
                managedProjects: ["proj_eval"],
                partnerPermissionId: partner.permissions(PARTNER_CHECKPOINT).find((p) => p.project_id === "proj_partner_eval")!.id,
            });
            await stack.conformingState();
        });

        it("a preview right after the up changes nothing", async () => {
            await stack.preview(["--expect-no-changes"]);
            await stack.conformingState();
        });

        it("shows access granted outside Pulumi as drift naming the project, and --expect-no-changes fails", async () => {
            intruder = emulator.grant(CHECKPOINT, "proj_contractor");
            const { stdout } = await stack.preview(["--diff"]);
            expect(stdout.slice(stdout.indexOf("CheckpointPermissions"))).toMatch(new RegExp(`\\+ proj_contractor ${intruder.id}\\n`));
            await stack.preview(["--expect-no-changes"], { expectFailure: true });
            await stack.conformingState();
        });

        it("refresh reads the access granted outside Pulumi into the record's state", async () => {
            await stack.refresh();
            const state = await stack.conformingState();
            const record = state.deployment.resources?.find((r) => r.urn.endsWith("::access"));
            expect(record?.outputs?.["access"]).toContain(`proj_contractor ${intruder.id}\n`);
        });

        it(`imports that grant by <checkpoint>/<permission id>, printing the code to paste in ${label}`, async () => {
            // Not protected, so the destroy below can revoke it: the program does not declare it.
            const { stdout } = await stack.pulumi([...readmeImportArgs(`${CHECKPOINT}/${intruder.id}`), "--yes", "--protect=false"]);
            expect(stdout).toMatch(IMPORTED_CODE[language](CHECKPOINT, "proj_contractor"));
            const state = await stack.conformingState();
            const imported = state.deployment.resources?.find((r) => r.urn.endsWith("::importedAccess"));
            expect(imported).toMatchObject({ id: `${CHECKPOINT}/${intruder.id}`, outputs: { projectId: "proj_contractor", adopted: true } });
        });

        it("manages two organizations through two providers, each with its own key, and keeps both keys out of state in clear", async () => {
            const state = await stack.conformingState();
            const providers = (state.deployment.resources ?? []).filter((r) => r.type === `pulumi:providers:${PLUGIN_PACKAGE}`);
            // The default provider (stack config, named default_<version>) and the program's explicit one (its arguments).
            expect(providers.map((p) => p.urn.split("::").at(-1)!.replace(/^default_.*/, "default")).sort()).toEqual(["default", "partner"]);
            // A key the other organization does not know would have failed every request there.
            expect(emulator.requests.length).toBeGreaterThan(0);
            expect(emulator.requests.every((r) => r.status < 400)).toBe(true);
            expect(partner.requests.length).toBeGreaterThan(0);
            expect(partner.requests.every((r) => r.status < 400)).toBe(true);
            for (const { text } of await backendFiles(stack.workspace.backendDir, [CHECKPOINT, PARTNER_CHECKPOINT])) {
                expect(text).not.toContain(ADMIN_KEY);
                expect(text).not.toContain(PARTNER_KEY);
            }
        });

        it("destroy revokes what the stack manages in both organizations (the imported grant too), and leaves the rest", async () => {
            await stack.destroy();
            expect(projects(emulator, CHECKPOINT)).toEqual(["proj_legacy"]);
            expect(projects(partner, PARTNER_CHECKPOINT)).toEqual(["proj_partner_existing"]);
            await stack.conformingState();
        });
    });

    organizationAudit(language, () => project!);
    if (language === "python") readmePythonBlock(() => project!);
}

/** `SharedCheckpointRecords` from the language's SDK (README, "Audit the whole organization"). */
const ORGANIZATION_AUDIT_PROGRAM: Record<PluginLanguage, { file: string; runtime: unknown; source: string }> = {
    python: {
        file: "__main__.py",
        runtime: { name: "python", options: { virtualenv: "../venv" } },
        source: [
            "import pulumi",
            "import pulumi_openai_checkpoints as openai_checkpoints",
            "",
            'acme = openai_checkpoints.SharedCheckpointRecords("acme", attribution=True)',
            'pulumi.export("checkpointIds", acme.checkpoint_ids)',
            'pulumi.export("auditLogging", acme.audit_logging)',
            "",
        ].join("\n"),
    },
    go: {
        file: "main.go",
        runtime: "go",
        source: [
            "package main",
            "",
            "import (",
            `\t"${GO_IMPORT_PATH}"`,
            '\t"github.com/pulumi/pulumi/sdk/v3/go/pulumi"',
            ")",
            "",
            "func main() {",
            "\tpulumi.Run(func(ctx *pulumi.Context) error {",
            '\t\tacme, err := openaicheckpoints.NewSharedCheckpointRecords(ctx, "acme", &openaicheckpoints.SharedCheckpointRecordsArgs{Attribution: pulumi.Bool(true)})',
            "\t\tif err != nil {",
            "\t\t\treturn err",
            "\t\t}",
            '\t\tctx.Export("checkpointIds", acme.CheckpointIds)',
            '\t\tctx.Export("auditLogging", acme.AuditLogging)',
            "\t\treturn nil",
            "\t})",
            "}",
            "",
        ].join("\n"),
    },
};

/** A program of its own beside the example, in the same user project: what it is made of. */
interface ProgramBeside {
    /** Its folder's prefix, under the user project. */
    readonly prefix: string;
    readonly file: string;
    readonly source: string;
    /** Pulumi.yaml: like the example's, it names no plugin. */
    readonly project: Record<string, unknown>;
}

/**
 * Writes the program in a folder of its own in the user project and makes a stack `dev` of it on the plugin, with
 * `emulator`'s URL and key as the default provider's config. The folder goes with `dispose`.
 */
async function stackBeside(project: UserProject, emulator: RunningEmulator, program: ProgramBeside): Promise<{ stack: Stack; dispose(): Promise<void> }> {
    const dir = await mkdtemp(path.join(project.dir, program.prefix));
    await writeFile(path.join(dir, program.file), program.source);
    await writeFile(path.join(dir, "Pulumi.yaml"), stringifyYaml(program.project));
    const workspace = await project.workspace(dir);
    const stack = await initStack(workspace, "dev");
    await stack.setConfig(`${PLUGIN_PACKAGE}:baseUrl`, emulator.baseUrl);
    await stack.setConfig(`${PLUGIN_PACKAGE}:adminKey`, emulator.adminKey, true);
    return {
        stack,
        async dispose() {
            await rm(dir, { recursive: true, force: true });
        },
    };
}

/**
 * The whole organization from the language's SDK: the plugin constructs the component, which records each shared
 * checkpoint; a checkpoint shared later is a new record in the next preview, naming who shared it. A program of its
 * own in the same user project (Go: a package of the project's module; Python: the project's virtual environment).
 */
function organizationAudit(language: PluginLanguage, userProject: () => UserProject): void {
    describe("SharedCheckpointRecords, from the SDK", () => {
        const SHARED = "ft:gpt-4o-mini-2024-07-18:acme::Audit1";
        const LATER = "ft:gpt-4o-mini-2024-07-18:acme::Audit2";
        let emulator: RunningEmulator;
        let stack: Stack;
        let dispose: (() => Promise<void>) | undefined;

        beforeAll(async () => {
            emulator = await startEmulator({
                seed: { checkpoints: { [SHARED]: { owner_project_id: "proj_owner" }, [LATER]: { owner_project_id: "proj_owner" } } },
            });
            emulator.grant(SHARED, "proj_support");
            const program = ORGANIZATION_AUDIT_PROGRAM[language];
            ({ stack, dispose } = await stackBeside(userProject(), emulator, {
                prefix: "organization-audit-",
                file: program.file,
                source: program.source,
                project: { name: `organization-audit-${language}`, runtime: program.runtime },
            }));
        });
        afterAll(async () => {
            await dispose?.();
            await emulator?.close();
        });

        it("records every shared checkpoint, and shows one shared later as a new record naming who shared it", async () => {
            await stack.up();
            expect(await stack.outputs()).toEqual({ checkpointIds: [SHARED], auditLogging: true });
            const state = await stack.conformingState();
            const records = (state.deployment.resources ?? []).filter((r) => r.type === `${PLUGIN_PACKAGE}:index:CheckpointPermissions`);
            expect(records.map((r) => r.id)).toEqual([SHARED]);

            const share = emulator.grant(LATER, "proj_contractor", { actor: { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } } });
            const { stdout } = await stack.preview(["--diff"]);
            expect(stdout).toContain(`+ ${PLUGIN_PACKAGE}:index:CheckpointPermissions: (create)`);
            expect(stdout).toContain(`proj_contractor ${share.id} by mallory@acme.com (dashboard)`);

            await stack.destroy();
            // Forgetting the records revokes nothing.
            expect(projects(emulator, SHARED)).toEqual(["proj_support"]);
        });
    });
}

/** The README's Python block (section "Which one? Dynamic resources or the plugin") as a program of its own. */
function readmePythonBlock(userProject: () => UserProject): void {
    describe("the README's Python block, as a program", () => {
        const READMEBLOCK_CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::Readme1";
        let emulator: RunningEmulator;
        let stack: Stack;
        let dispose: (() => Promise<void>) | undefined;

        beforeAll(async () => {
            emulator = await startEmulator({
                seed: { checkpoints: { [READMEBLOCK_CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_research" }] } } },
            });
            // Beside the example, in the same user project: its own folder, and the project's virtual environment.
            ({ stack, dispose } = await stackBeside(userProject(), emulator, {
                prefix: "readme-block-",
                file: "__main__.py",
                source: readmeBlock("Which one? Dynamic resources or the plugin", "python"),
                project: { name: "readme-python-block", runtime: { name: "python", options: { virtualenv: "../venv" } } },
            }));
            await stack.setConfig("checkpoint", READMEBLOCK_CHECKPOINT);
            await stack.setConfig("projectId", "proj_eval");
        });
        afterAll(async () => {
            await dispose?.();
            await emulator?.close();
        });

        it("previews, ups (granting the project and recording it), and destroys (revoking it)", async () => {
            const research = emulator.permissions(READMEBLOCK_CHECKPOINT)[0]!;
            const preview = await stack.preview();
            expect(preview.stdout).toMatch(/projectsBefore\s*:\s*\[\s*\[0\]: "proj_research"\s*\]/);
            await stack.conformingState();

            await stack.up();
            expect(projects(emulator, READMEBLOCK_CHECKPOINT)).toEqual(["proj_eval", "proj_research"]);
            const grant = emulator.permissions(READMEBLOCK_CHECKPOINT).find((p) => p.project_id === "proj_eval")!;
            expect(await stack.outputs()).toEqual({
                projectsBefore: ["proj_research"],
                evalPermissionId: grant.id,
                recordedAccess: encodeAccess({ proj_eval: grant.id, proj_research: research.id }),
            });
            await stack.conformingState();

            await stack.destroy();
            expect(projects(emulator, READMEBLOCK_CHECKPOINT)).toEqual(["proj_research"]);
            await stack.conformingState();
        });
    });
}
