/**
 * A throw-away place to run the Pulumi CLI on a program of this repository: its own PULUMI_HOME, a `file://`
 * backend, a passphrase for secrets, no update checks and no plugin downloads, so nothing leaves the machine.
 * Shared by the engine tests (test/e2e/harness.ts) and the demo (tools/demo).
 *
 * The CLI would write a stack's settings (Pulumi.<stack>.yaml) next to Pulumi.yaml, so it runs on a copy of the
 * program's Pulumi.yaml in the workspace, whose `main` points back at the program: the repository stays untouched.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { REPO_ROOT, type Engine } from "./engine";

const PASSPHRASE = "local-workspace-passphrase";

export interface PulumiResult {
    /** The command line, for messages. */
    readonly command: string;
    readonly code: number;
    readonly stdout: string;
    readonly stderr: string;
}

export interface PulumiRunOptions {
    /** The command must fail (non-zero exit); by default it must succeed. Either way a mismatch throws. */
    readonly expectFailure?: boolean;
    /** Extra environment for this command. */
    readonly env?: Readonly<Record<string, string>>;
    /** Default 5 minutes; the CLI gets SIGINT, then SIGKILL 10 s later. */
    readonly timeoutMs?: number;
}

export interface WorkspaceOptions {
    readonly engine: Engine;
    /** The folder holding the program's Pulumi.yaml. */
    readonly programDir: string;
    /** Reuse another workspace's PULUMI_HOME and backend (for StackReferences between them). */
    readonly sharedWith?: Pick<Workspace, "homeDir" | "backendDir">;
    /** Environment for every command, on top of the cleaned inherited one. */
    readonly env?: Readonly<Record<string, string>>;
    /**
     * Source-based plugins to use instead of the ones the program's Pulumi.yaml names (`plugins.providers[].path`
     * etc.), by plugin name: e.g. the plugin directory of the package installed from a packed tarball.
     */
    readonly pluginPaths?: Readonly<Record<string, string>>;
    /**
     * Run the CLI in `programDir` itself, as a user does in their own project (one outside the repository, with
     * its own node_modules), instead of in a copy of its Pulumi.yaml. PATH then holds only the engine and Node.
     */
    readonly inPlace?: boolean;
}

export interface Workspace {
    /** The temporary project folder (Pulumi.yaml, Pulumi.<stack>.yaml); the CLI runs here. */
    readonly projectDir: string;
    /** The `file://` backend's folder: the raw state files are below it. */
    readonly backendDir: string;
    readonly homeDir: string;
    /** The environment every command gets. */
    readonly env: Readonly<Record<string, string>>;
    /** Runs `pulumi --non-interactive --color never <args>`; throws when the exit code is not the expected one. */
    pulumi(args: readonly string[], options?: PulumiRunOptions): Promise<PulumiResult>;
    /** Removes the temporary folders this workspace made. */
    dispose(): Promise<void>;
}

export async function createWorkspace(options: WorkspaceOptions): Promise<Workspace> {
    const programProject = path.join(options.programDir, "Pulumi.yaml");
    if (!existsSync(programProject)) throw new Error(`No Pulumi.yaml in ${options.programDir}`);
    const root = await mkdtemp(path.join(tmpdir(), `pulumi-${path.basename(options.programDir)}-`));
    const projectDir = options.inPlace ? options.programDir : path.join(root, "project");
    const homeDir = options.sharedWith?.homeDir ?? path.join(root, "home");
    const backendDir = options.sharedWith?.backendDir ?? path.join(root, "backend");
    await Promise.all([projectDir, homeDir, backendDir].map((dir) => mkdir(dir, { recursive: true })));

    if (!options.inPlace) {
        // The program's project, with `main` made absolute so the program runs from the repository.
        const project = parseYaml(await readFile(programProject, "utf8")) as Record<string, unknown>;
        const main = typeof project["main"] === "string" ? project["main"] : ".";
        project["main"] = path.resolve(options.programDir, main);
        resolvePluginPaths(project, options.programDir, options.pluginPaths ?? {});
        await writeFile(path.join(projectDir, "Pulumi.yaml"), stringifyYaml(project));
    }

    // Node 22 first (the repository's own, from node@22): the one the tests run on. A user's project sees nothing else
    // of the repository's tools.
    const tools = options.inPlace ? path.dirname(process.execPath) : path.join(REPO_ROOT, "node_modules", ".bin");
    const inherited = (process.env["PATH"] ?? "").split(path.delimiter).filter((dir) => !(options.inPlace && dir.startsWith(REPO_ROOT)));
    const env: Record<string, string> = {
        ...cleanEnvironment(),
        PATH: [options.engine.binDir, tools, ...inherited].join(path.delimiter),
        PULUMI_HOME: homeDir,
        PULUMI_BACKEND_URL: `file://${backendDir}`,
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        // Programs are type-checked by `npm run typecheck`; at run time ts-node only transpiles (2 cores).
        PULUMI_NODEJS_TRANSPILE_ONLY: "true",
        ...options.env,
    };
    return {
        projectDir,
        backendDir,
        homeDir,
        env,
        pulumi: (args, runOptions = {}) => runPulumi(["--non-interactive", "--color", "never", ...args], projectDir, env, runOptions),
        dispose: () => rm(root, { recursive: true, force: true }),
    };
}

/**
 * The `plugins` section of a project names plugin directories relative to the program: made absolute (the project
 * file moves to the workspace), or replaced by `overrides[name]`.
 */
function resolvePluginPaths(project: Record<string, unknown>, programDir: string, overrides: Readonly<Record<string, string>>): void {
    const plugins = project["plugins"];
    if (typeof plugins !== "object" || plugins === null) return;
    for (const kind of Object.values(plugins)) {
        if (!Array.isArray(kind)) continue;
        for (const plugin of kind as Array<Record<string, unknown>>) {
            const name = typeof plugin["name"] === "string" ? plugin["name"] : "";
            const override = overrides[name];
            if (override !== undefined) plugin["path"] = path.resolve(override);
            else if (typeof plugin["path"] === "string") plugin["path"] = path.resolve(programDir, plugin["path"]);
        }
    }
}

/** The inherited environment minus anything that could point the CLI or the program somewhere else. */
function cleanEnvironment(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (value === undefined) continue;
        if (/^(PULUMI_|OPENAI_)/.test(key) || key === "NODE_OPTIONS") continue;
        env[key] = value;
    }
    return env;
}

function runPulumi(args: readonly string[], cwd: string, env: Record<string, string>, options: PulumiRunOptions): Promise<PulumiResult> {
    const command = `pulumi ${args.join(" ")}`;
    const timeoutMs = options.timeoutMs ?? 5 * 60_000;
    return new Promise((resolve, reject) => {
        // Resolved through PATH: the engine's bin directory is first.
        const child = spawn("pulumi", args, { cwd, env: { ...env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        let timedOut = false;
        const timer = setTimeout(() => {
            timedOut = true;
            child.kill("SIGINT");
            setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
        }, timeoutMs);
        child.on("error", (error) => {
            clearTimeout(timer);
            reject(new Error(`${command}: ${error.message}`));
        });
        child.on("close", (code, signal) => {
            clearTimeout(timer);
            const result: PulumiResult = { command, code: code ?? -1, stdout, stderr };
            const failed = result.code !== 0;
            if (timedOut) {
                reject(new PulumiCommandError(`${command} timed out after ${timeoutMs / 1000} s`, result));
            } else if (failed !== Boolean(options.expectFailure)) {
                const expectation = options.expectFailure ? "was expected to fail but succeeded" : `failed (${signal ?? code})`;
                reject(new PulumiCommandError(`${command} ${expectation}`, result));
            } else {
                resolve(result);
            }
        });
    });
}

export class PulumiCommandError extends Error {
    constructor(
        message: string,
        readonly result: PulumiResult,
    ) {
        const tail = (text: string) => text.trim().split("\n").slice(-40).join("\n");
        super(`${message}\n--- stdout ---\n${tail(result.stdout)}\n--- stderr ---\n${tail(result.stderr)}`);
        this.name = "PulumiCommandError";
    }
}
