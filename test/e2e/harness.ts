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
 * @pulumi/pulumi and the package resolve from the repository; the examples run from examples/ the same way. The
 * CLI runs in a workspace (tools/engine/workspace.ts) that leaves the repository untouched.
 */
import path from "node:path";
import { startEmulator, type EmulatorOptions, type EmulatorSeed, type RunningEmulator } from "../../provider/emulator";
import { findEngine, sourceBuildBinDir, type Engine } from "../../tools/engine/engine";
import { createWorkspace, type PulumiResult, type PulumiRunOptions, type Workspace } from "../../tools/engine/workspace";

export { PulumiCommandError, type PulumiResult, type PulumiRunOptions } from "../../tools/engine/workspace";

export const FIXTURES_DIR = path.join(__dirname, "fixtures");

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
    /**
     * Who the emulator's admin key acts as and whether its audit logging is on (default: a service account; on); how
     * late its events appear in the audit log, and its clock.
     */
    readonly emulator?: Pick<EmulatorOptions, "adminKeyActor" | "auditLogging" | "auditLogDelaySeconds" | "now">;
    /** Stack config set before the test (plain values; use `setConfig(…, { secret: true })` for secrets). */
    readonly config?: Readonly<Record<string, string>>;
    /** Plugin directories to use instead of those the program's Pulumi.yaml names, by plugin name. */
    readonly pluginPaths?: Readonly<Record<string, string>>;
}

export interface EngineStack extends Workspace {
    readonly engine: Engine;
    readonly emulator: RunningEmulator;
    readonly stackName: string;
    /** The program's folder in the repository. */
    readonly programDir: string;
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
    /** Closes the emulator (unless shared) and removes the temporary folders. */
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

export async function startEngineStack(options: EngineStackOptions): Promise<EngineStack> {
    const engine = await requireEngine();
    const programDir = options.programDir ?? path.join(FIXTURES_DIR, options.fixture);
    const shared = options.sharedWith;
    const emulator = shared?.emulator ?? (await startEmulator({ host: "127.0.0.1", port: 0, ...options.emulator, ...(options.seed ? { seed: options.seed } : {}) }));
    let workspace: Workspace | undefined;
    try {
        workspace = await createWorkspace({
            engine,
            programDir,
            sharedWith: shared,
            pluginPaths: options.pluginPaths,
            // The dynamic provider inherits the CLI's environment.
            env: options.credentialsInConfig ? {} : { OPENAI_BASE_URL: emulator.baseUrl, OPENAI_ADMIN_KEY: emulator.adminKey },
        });
        const { pulumi } = workspace;
        const stackName = options.stackName ?? `${options.fixture}-${Math.random().toString(36).slice(2, 8)}`;
        const stackArgs = ["--stack", stackName];
        const ws = workspace;
        const stack: EngineStack = {
            ...ws,
            engine,
            emulator,
            stackName,
            programDir,
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
                if (!shared) await emulator.close();
                await ws.dispose();
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
        if (!shared) await emulator.close();
        await workspace?.dispose();
        throw error;
    }
}
