/**
 * The "installed" tier: the package as a user has it. `npm pack` the repository (built by the tests' global
 * setup), then make a project by hand in a temporary folder outside the repository that installs a copy of the
 * tarball from its own package.json, next to the @pulumi/pulumi of the user's choosing, from the npm registry.
 * Nothing in such a project resolves a module from the repository: its programs, its policy packs and the dynamic
 * provider see only its own node_modules.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../../tools/engine/engine";
import { createWorkspace, type Workspace } from "../../../tools/engine/workspace";
import { requireEngine } from "../../e2e/harness";
import { INSTALLATION_DOC, readmeBlock, shellCommands } from "../../support/readme";

const execFileAsync = promisify(execFile);
const NPM_QUIET = ["--no-audit", "--no-fund", "--loglevel=error"];

const repoPackage = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
    name: string;
    version: string;
    devDependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
};

export const PACKAGE_NAME = repoPackage.name;
export const PACKAGE_VERSION = repoPackage.version;
/** The newest @pulumi/pulumi the package is developed on (its devDependency), and the oldest its peer range claims. */
export const NEWEST_PULUMI = repoPackage.devDependencies["@pulumi/pulumi"]!;
export const OLDEST_PULUMI = repoPackage.peerDependencies["@pulumi/pulumi"]!.replace(/^\^/, "");
export const POLICY_SDK = repoPackage.devDependencies["@pulumi/policy"]!;
export const TYPESCRIPT = repoPackage.devDependencies["typescript"]!;
export const NODE_TYPES = repoPackage.devDependencies["@types/node"]!;

/** What `pulumi new typescript` puts in a project, on the given @pulumi/pulumi. */
export function typescriptProject(pulumiVersion: string): Record<string, string> {
    return { "@pulumi/pulumi": pulumiVersion, typescript: TYPESCRIPT, "@types/node": NODE_TYPES };
}

/** The section of docs/installation-configuration.md whose commands install the package in a TypeScript project. */
export const TYPESCRIPT_INSTALL_SECTION = "TypeScript";
/** Where the docs install the package from until it is on the npm registry: its GitHub release's npm tarball. */
export const RELEASE_TARBALL_URL = `https://github.com/pulumi-openai-checkpoint-permissions/pulumi-openai-checkpoints/releases/download/v${PACKAGE_VERSION}/${PACKAGE_NAME}-${PACKAGE_VERSION}.tgz`;

/** The checkpoint the "stack" fixture is pointed at, and the organization the tier's emulator starts with. */
export const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
export const SEED = { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_research" }] } } };

/** npm on the Node the tests run on (22), as `npm test` started it; else the npm on PATH. */
function npmCommand(): { command: string; prefix: string[] } {
    const cli = process.env["npm_execpath"];
    return cli ? { command: process.execPath, prefix: [cli] } : { command: "npm", prefix: [] };
}

/** `npm pack` of the repository as it is built now, into `destination`; returns the tarball's path. */
export async function packPackage(destination: string): Promise<string> {
    const { command, prefix } = npmCommand();
    // --ignore-scripts: the global setup has just built dist/; prepack would rebuild it under running tests.
    const { stdout } = await execFileAsync(command, [...prefix, "pack", "--ignore-scripts", "--json", "--pack-destination", destination], {
        cwd: REPO_ROOT,
    });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
    return path.join(destination, packed!.filename);
}

/** The user projects' sources: test/installed/fixtures/<name>/, copied whole. */
export const USER_FIXTURES = path.join(__dirname, "..", "fixtures");

export interface UserProjectOptions {
    /**
     * A folder of test/installed/fixtures: the project's files (Pulumi.yaml, index.ts, tsconfig.json, …); or an
     * absolute path, such as one of the repository's examples/, copied the same way.
     */
    readonly fixture: string;
    /** Dependencies besides the package, by name and exact version. */
    readonly dependencies: Readonly<Record<string, string>>;
    /** More files, by path relative to the project. */
    readonly files?: Readonly<Record<string, string>>;
    /**
     * Then run the TypeScript install commands of docs/installation-configuration.md, the release's tarball URL (or
     * the package's name) standing for the packed tarball.
     */
    readonly documentedInstall?: boolean;
}

export interface UserProject {
    readonly dir: string;
    /** The packed package, inside the project. */
    readonly tarball: string;
    /** Runs npm in the project (`npm ls`, …); resolves with its output, throws on a non-zero exit. */
    npm(args: readonly string[]): Promise<{ stdout: string; stderr: string }>;
    /** The version of every copy of `name` in the project's node_modules (`npm ls --all`). */
    installedCopies(name: string): Promise<string[]>;
    /**
     * A Pulumi workspace on the project itself (its own PULUMI_HOME and file backend), on the engine of the tests;
     * `subdir` for a Pulumi project in a folder of it (a YAML program beside the TypeScript one).
     */
    workspace(env: Readonly<Record<string, string>>, sharedWith?: Workspace, subdir?: string): Promise<Workspace>;
    dispose(): Promise<void>;
}

/** Writes a user's project outside the repository and installs its dependencies and a copy of the tarball. */
export async function createUserProject(options: UserProjectOptions): Promise<UserProject> {
    const fixtureDir = path.isAbsolute(options.fixture) ? options.fixture : path.join(USER_FIXTURES, options.fixture);
    const fixtureName = path.basename(fixtureDir);
    const dir = await mkdtemp(path.join(tmpdir(), `user-${fixtureName}-`));
    const workspaces: Workspace[] = [];
    const { command, prefix } = npmCommand();
    const npm = async (args: readonly string[]) => execFileAsync(command, [...prefix, ...args], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
    let tarball: string;
    try {
        tarball = await packPackage(dir);
        const tarballName = path.basename(tarball);
        await cp(fixtureDir, dir, { recursive: true });
        for (const [file, text] of Object.entries(options.files ?? {})) {
            await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
            await writeFile(path.join(dir, file), text);
        }
        const dependencies = options.documentedInstall ? options.dependencies : { ...options.dependencies, [PACKAGE_NAME]: `file:./${tarballName}` };
        await writeFile(path.join(dir, "package.json"), JSON.stringify({ name: `user-${fixtureName}`, private: true, dependencies }, null, 2));
        // A copy, not a link: npm unpacks a file: tarball into node_modules.
        await npm(["install", ...NPM_QUIET]);
        if (options.documentedInstall) {
            for (const command of shellCommands(INSTALLATION_DOC.block(TYPESCRIPT_INSTALL_SECTION, "sh"))) {
                const [tool, verb, ...names] = command.split(/\s+/);
                if (tool !== "npm" || verb !== "install") throw new Error(`${INSTALLATION_DOC.file} "${TYPESCRIPT_INSTALL_SECTION}" has a command this tier cannot run: ${command}`);
                const packed = (name: string) => name === PACKAGE_NAME || name === RELEASE_TARBALL_URL;
                await npm(["install", ...names.map((name) => (packed(name) ? `./${tarballName}` : name)), ...NPM_QUIET]);
            }
        }
    } catch (error) {
        await rm(dir, { recursive: true, force: true });
        throw error;
    }
    return {
        dir,
        tarball,
        npm,
        async installedCopies(name) {
            const { stdout } = await npm(["ls", name, "--all", "--parseable", "--long"]);
            // One line per copy: <path>:<name>@<version>[:…]
            return stdout.trim().split("\n").filter(Boolean).map((line) => line.slice(line.lastIndexOf(`${name}@`) + name.length + 1).split(":")[0]!);
        },
        async workspace(env, sharedWith, subdir = ".") {
            const workspace = await createWorkspace({ engine: await requireEngine(), programDir: path.join(dir, subdir), inPlace: true, env, sharedWith });
            workspaces.push(workspace);
            return workspace;
        },
        async dispose() {
            await Promise.all(workspaces.map((w) => w.dispose()));
            await rm(dir, { recursive: true, force: true });
        },
    };
}

export interface RunningUserEmulator {
    readonly baseUrl: string;
    /** POSTs to one of the emulator's `/_emulator/*` control endpoints. */
    control(pathBelowEmulator: string, body?: unknown): Promise<unknown>;
    /** The projects with access to `checkpoint` now, sorted. */
    projectsWithAccess(checkpoint: string): Promise<string[]>;
    close(): Promise<void>;
}

/**
 * Starts the emulator the way the README tells a user to ("The emulator, for your own tests": `npx
 * openai-checkpoint-emulator --port 0 --seed seed.json`) in their project, and waits for the line that says where
 * it listens. The project must hold the seed file the command names.
 */
export async function startUserEmulator(project: UserProject): Promise<RunningUserEmulator> {
    const [command] = shellCommands(readmeBlock("The emulator, for your own tests", "sh"));
    const [tool, ...args] = command!.split(/\s+/);
    if (tool !== "npx") throw new Error(`README's emulator command is not an npx command: ${command}`);
    const cli = process.env["npm_execpath"];
    const [executable, ...prefix] = cli ? [process.execPath, path.join(path.dirname(cli), "npx-cli.js")] : ["npx"];
    const child = spawn(executable!, [...prefix, ...args], {
        cwd: project.dir,
        detached: true,
        env: { ...process.env, PATH: [path.dirname(process.execPath), process.env["PATH"] ?? ""].join(path.delimiter) },
        stdio: ["ignore", "pipe", "pipe"],
    });
    const baseUrl = await listeningUrl(child);
    const control = async (below: string, body?: unknown) => {
        const response = await fetch(`${new URL(baseUrl).origin}/_emulator/${below}`, {
            method: body === undefined ? "GET" : "POST",
            headers: { "content-type": "application/json" },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        if (!response.ok) throw new Error(`emulator control ${below}: HTTP ${response.status} ${await response.text()}`);
        return response.json();
    };
    return {
        baseUrl,
        control,
        async projectsWithAccess(checkpoint) {
            const state = (await control("state")) as { checkpoints: Record<string, { permissions: Array<{ project_id: string }> }> };
            return state.checkpoints[checkpoint]!.permissions.map((p) => p.project_id).sort();
        },
        close: () =>
            new Promise<void>((resolve) => {
                if (child.exitCode !== null) return resolve();
                child.once("exit", () => resolve());
                // npx runs the bin in a child of its own: end the whole group.
                process.kill(-child.pid!, "SIGTERM");
            }),
    };
}

function listeningUrl(child: ChildProcess): Promise<string> {
    return new Promise((resolve, reject) => {
        let output = "";
        const timer = setTimeout(() => fail(new Error(`the emulator did not start in 60 s:\n${output}`)), 60_000);
        const fail = (error: Error) => {
            clearTimeout(timer);
            if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
            reject(error);
        };
        const onData = (chunk: Buffer) => {
            output += chunk.toString("utf8");
            const match = /listening on (http:\/\/\S+\/v1)/.exec(output);
            if (match) {
                clearTimeout(timer);
                resolve(match[1]!);
            }
        };
        child.stdout!.on("data", onData);
        child.stderr!.on("data", onData);
        child.once("exit", (code) => fail(new Error(`the emulator exited (${code}) before listening:\n${output}`)));
    });
}
