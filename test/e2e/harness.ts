/**
 * Harness for engine tests: a real Pulumi CLI runs a fixture program of this repository against a fresh emulator.
 *
 *     const stack = await startEngineStack({ fixture: "dynamic-basic", seed, config: { checkpoint, projectId } });
 *     try {
 *         await stack.up();
 *         const { stdout } = await stack.pulumi(["preview", "--expect-no-changes"], { expectFailure: true });
 *     } finally {
 *         await stack.dispose();
 *     }
 *
 * Every stack gets its own temporary folder holding PULUMI_HOME, a `file://` backend and the project file, a
 * passphrase for secrets, and PULUMI_SKIP_UPDATE_CHECK / PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION, so nothing
 * leaves the machine; plus its own emulator on a free loopback port, whose URL and admin key reach the program (and
 * its dynamic providers, which inherit the CLI's environment) as OPENAI_BASE_URL and OPENAI_ADMIN_KEY. `dispose()`
 * closes the emulator and removes the folder.
 *
 * Fixtures live in test/e2e/fixtures/<name>/ (Pulumi.yaml with `runtime: nodejs` and `main: index.ts`) so that
 * @pulumi/pulumi and the package's sources resolve from the repository. The CLI would write a stack's settings
 * (Pulumi.<stack>.yaml) next to Pulumi.yaml, so the harness runs the CLI on a copy of the fixture's Pulumi.yaml in
 * the temporary folder, whose `main` points at the fixture's program: the repository stays untouched.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { startEmulator, type EmulatorSeed, type RunningEmulator } from "../../provider/emulator";
import { findEngine, REPO_ROOT, sourceBuildBinDir, type Engine } from "../../tools/engine/engine";

export const FIXTURES_DIR = path.join(__dirname, "fixtures");
const PASSPHRASE = "engine-tests-passphrase";

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

export interface EngineStackOptions {
    /** Directory name under test/e2e/fixtures, or, with `programDir`, a short name for the stack. */
    readonly fixture: string;
    /** A program elsewhere in the repository (e.g. one of examples/), instead of a fixture. */
    readonly programDir?: string;
    /** Another stack whose backend, PULUMI_HOME and emulator this one shares (for StackReferences). */
    readonly sharedWith?: EngineStack;
    /**
     * Give the program the emulator's URL and key the way a user would: stack config, the key a secret
     * (`openai:baseUrl`, `openai:adminKey`), with OPENAI_ADMIN_KEY / OPENAI_BASE_URL not set at all.
     */
    readonly credentialsInConfig?: boolean;
    /** Default: "<fixture>-<random>". */
    readonly stackName?: string;
    /** The emulator's starting state. */
    readonly seed?: EmulatorSeed;
    /** Stack config set before the test (plain values; use `setConfig(…, { secret: true })` for secrets). */
    readonly config?: Readonly<Record<string, string>>;
}

export interface EngineStack {
    readonly engine: Engine;
    readonly emulator: RunningEmulator;
    readonly stackName: string;
    /** The temporary project folder (Pulumi.yaml, Pulumi.<stack>.yaml); the CLI runs here. */
    readonly projectDir: string;
    /** The `file://` backend's folder: the raw state files are below it. */
    readonly backendDir: string;
    /** PULUMI_HOME. */
    readonly homeDir: string;
    /** The fixture's program folder in the repository. */
    readonly programDir: string;
    /** The environment every command gets. */
    readonly env: Readonly<Record<string, string>>;
    /**
     * Runs `pulumi <args>` in the project folder with `--non-interactive --color never` (and nothing else: add
     * `--stack` yourself, or use the helpers below). Throws when the exit code is not the expected one.
     */
    pulumi(args: readonly string[], options?: PulumiRunOptions): Promise<PulumiResult>;
    preview(args?: readonly string[], options?: PulumiRunOptions): Promise<PulumiResult>;
    /** `pulumi up --yes --skip-preview`. */
    up(args?: readonly string[], options?: PulumiRunOptions): Promise<PulumiResult>;
    /** `pulumi refresh --yes --skip-preview`. */
    refresh(args?: readonly string[], options?: PulumiRunOptions): Promise<PulumiResult>;
    /** `pulumi destroy --yes --skip-preview`. */
    destroy(args?: readonly string[], options?: PulumiRunOptions): Promise<PulumiResult>;
    setConfig(key: string, value: string, options?: { secret?: boolean }): Promise<void>;
    /** `pulumi stack output --json --show-secrets`. */
    outputs(): Promise<Record<string, unknown>>;
    /** `pulumi stack export --show-secrets`: the checkpoint (`{ version, deployment: { resources, … } }`). */
    exportState(): Promise<StackExport>;
    /** Closes the emulator and removes the temporary folder (PULUMI_HOME, backend, project). */
    dispose(): Promise<void>;
}

export interface StackExport {
    version: number;
    deployment: {
        resources?: Array<{
            urn: string;
            type: string;
            id?: string;
            inputs?: Record<string, unknown>;
            outputs?: Record<string, unknown>;
            [key: string]: unknown;
        }>;
        [key: string]: unknown;
    };
}

/** The engine to use, or an error that says what is missing and how to get it (also in CI, where it is fatal). */
export async function requireEngine(): Promise<Engine> {
    const engine = await findEngine();
    if (engine) return engine;
    const how =
        "The engine tests need the Pulumi CLI (>= 3.221) and its Node.js language host: there is no such pulumi " +
        `on PATH and no build from source at ${sourceBuildBinDir()}. Run \`npm run engine\` (builds them from Go ` +
        "modules; needs Go >= 1.26), then run the engine tests again.";
    throw new Error(process.env["CI"] === "true" ? `CI: ${how}` : how);
}

/** The inherited environment minus anything that could point the CLI or the program somewhere real. */
function baseEnvironment(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [key, value] of Object.entries(process.env)) {
        if (value === undefined) continue;
        if (/^(PULUMI_|OPENAI_)/.test(key) || key === "NODE_OPTIONS") continue;
        env[key] = value;
    }
    return env;
}

export async function startEngineStack(options: EngineStackOptions): Promise<EngineStack> {
    const engine = await requireEngine();
    const programDir = options.programDir ?? path.join(FIXTURES_DIR, options.fixture);
    const fixtureProject = path.join(programDir, "Pulumi.yaml");
    if (!existsSync(fixtureProject)) throw new Error(`No fixture at ${programDir} (Pulumi.yaml missing)`);

    const root = await mkdtemp(path.join(tmpdir(), `pulumi-e2e-${options.fixture}-`));
    let emulator: RunningEmulator | undefined;
    try {
        const projectDir = path.join(root, "project");
        const home = options.sharedWith?.homeDir ?? path.join(root, "home");
        const backend = options.sharedWith?.backendDir ?? path.join(root, "backend");
        await Promise.all([projectDir, home, backend].map((dir) => mkdir(dir, { recursive: true })));

        // The fixture's project, with `main` made absolute so the program runs from the repository.
        const project = parseYaml(await readFile(fixtureProject, "utf8")) as Record<string, unknown>;
        const main = typeof project["main"] === "string" ? project["main"] : ".";
        project["main"] = path.resolve(programDir, main);
        await writeFile(path.join(projectDir, "Pulumi.yaml"), stringifyYaml(project));

        const ownsEmulator = options.sharedWith === undefined;
        emulator = options.sharedWith?.emulator ?? (await startEmulator({ host: "127.0.0.1", port: 0, ...(options.seed ? { seed: options.seed } : {}) }));

        const nodeBin = path.join(REPO_ROOT, "node_modules", ".bin");
        const env: Record<string, string> = {
            ...baseEnvironment(),
            PATH: [engine.binDir, nodeBin, process.env["PATH"] ?? ""].join(path.delimiter),
            PULUMI_HOME: home,
            PULUMI_BACKEND_URL: `file://${backend}`,
            PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            // The fixtures are type-checked by `npm run typecheck`; at run time ts-node only transpiles (2 cores).
            PULUMI_NODEJS_TRANSPILE_ONLY: "true",
            ...(options.credentialsInConfig ? {} : { OPENAI_BASE_URL: emulator.baseUrl, OPENAI_ADMIN_KEY: emulator.adminKey }),
        };
        const stackName = options.stackName ?? `${options.fixture}-${Math.random().toString(36).slice(2, 8)}`;
        const running = emulator;

        const pulumi = (args: readonly string[], runOptions: PulumiRunOptions = {}) =>
            runPulumi(["--non-interactive", "--color", "never", ...args], projectDir, env, runOptions);
        const stackArgs = ["--stack", stackName];
        const stack: EngineStack = {
            engine,
            emulator: running,
            stackName,
            projectDir,
            backendDir: backend,
            homeDir: home,
            programDir,
            env,
            pulumi,
            preview: (args = [], o) => pulumi(["preview", ...stackArgs, ...args], o),
            up: (args = [], o) => pulumi(["up", "--yes", "--skip-preview", ...stackArgs, ...args], o),
            refresh: (args = [], o) => pulumi(["refresh", "--yes", "--skip-preview", ...stackArgs, ...args], o),
            destroy: (args = [], o) => pulumi(["destroy", "--yes", "--skip-preview", ...stackArgs, ...args], o),
            async setConfig(key, value, { secret = false } = {}) {
                await pulumi(["config", "set", ...stackArgs, secret ? "--secret" : "--plaintext", key, value]);
            },
            async outputs() {
                const { stdout } = await pulumi(["stack", "output", ...stackArgs, "--json", "--show-secrets"]);
                return JSON.parse(stdout) as Record<string, unknown>;
            },
            async exportState() {
                const { stdout } = await pulumi(["stack", "export", ...stackArgs, "--show-secrets"]);
                return JSON.parse(stdout) as StackExport;
            },
            async dispose() {
                if (ownsEmulator) await running.close();
                await rm(root, { recursive: true, force: true });
            },
        };

        await pulumi(["stack", "init", stackName]);
        for (const [key, value] of Object.entries(options.config ?? {})) await stack.setConfig(key, value);
        if (options.credentialsInConfig) {
            await stack.setConfig("openai:baseUrl", emulator.baseUrl);
            await stack.setConfig("openai:adminKey", emulator.adminKey, { secret: true });
        }
        return stack;
    } catch (error) {
        if (options.sharedWith === undefined) await emulator?.close();
        await rm(root, { recursive: true, force: true });
        throw error;
    }
}

function runPulumi(
    args: readonly string[],
    cwd: string,
    env: Record<string, string>,
    options: PulumiRunOptions,
): Promise<PulumiResult> {
    const command = `pulumi ${args.join(" ")}`;
    const timeoutMs = options.timeoutMs ?? 5 * 60_000;
    return new Promise((resolve, reject) => {
        // Resolved through PATH: the engine's bin directory is first.
        const child = spawn("pulumi", args, {
            cwd,
            env: { ...env, ...options.env },
            stdio: ["ignore", "pipe", "pipe"],
        });
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
