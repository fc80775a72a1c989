import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helpRequested, parseCliArgs, UsageError } from "../../provider/emulator/cli-args";
import { call, encodeCheckpoint, expectAuditLog, expectError, expectList } from "./support/http";

const REPO = path.resolve(__dirname, "../..");
const CLI = path.join(REPO, "provider/emulator/cli.ts");
const DEMO_SEED = path.join(REPO, "provider/emulator/demo-seed.json");
const DEMO_CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme-corp::AbC123";
const LISTENING = /^OpenAI emulator listening on (http:\/\/127\.0\.0\.1:(\d+)\/v1)$/;

interface Cli {
    child: ChildProcessWithoutNullStreams;
    stdout: string[];
    stderr: () => string;
    exit: Promise<[number | null, NodeJS.Signals | null]>;
}

/** Runs the CLI with the Node running the tests (22) and tsx's loader, as `npm run emulator` does. */
function runCli(args: string[]): Cli {
    const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { cwd: REPO });
    const stdout: string[] = [];
    let stderr = "";
    createInterface({ input: child.stdout }).on("line", (line) => stdout.push(line));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>;
    return { child, stdout, stderr: () => stderr, exit };
}

/** Resolves with the first stdout line, or rejects if the process exits first. */
function firstLine(cli: Cli): Promise<string> {
    return new Promise((resolve, reject) => {
        const lines = createInterface({ input: cli.child.stdout });
        lines.once("line", resolve);
        void cli.exit.then(([code]) => reject(new Error(`CLI exited with ${code} before printing: ${cli.stderr()}`)));
    });
}

/** Resolves with the first stdout line (printed so far or later) that matches, or rejects if the process exits first. */
function lineMatching(cli: Cli, pattern: RegExp): Promise<string> {
    const printed = cli.stdout.find((line) => pattern.test(line));
    if (printed !== undefined) return Promise.resolve(printed);
    return new Promise((resolve, reject) => {
        createInterface({ input: cli.child.stdout }).on("line", (line) => pattern.test(line) && resolve(line));
        void cli.exit.then(([code]) => reject(new Error(`CLI exited with ${code} before printing ${pattern}: ${cli.stderr()}`)));
    });
}

let dir: string;
beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "emulator-cli-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Spawning Node with tsx's loader is the slow part (about a second each, more on a busy machine). */
const SPAWN_TIMEOUT = 30_000;

describe.concurrent("the emulator CLI", { timeout: SPAWN_TIMEOUT }, () => {
    it("prints the real port, the admin key and the config commands for both surfaces, serves the seed, and exits 0 on SIGTERM", async () => {
        const key = "sk-admin-cli-secret-9876";
        const cli = runCli(["--port", "0", "--seed", DEMO_SEED, "--admin-key", key]);
        try {
            const line = await firstLine(cli);
            const [, baseUrl, port] = LISTENING.exec(line) ?? [];
            expect(baseUrl, line).toBeDefined();
            expect(Number(port)).toBeGreaterThan(0);

            const url = `${baseUrl}/fine_tuning/checkpoints/${encodeCheckpoint(DEMO_CHECKPOINT)}/permissions`;
            expect(expectList(await call(url, { key })).data.length).toBeGreaterThanOrEqual(2);
            expectError(await call(url), 401, { code: "invalid_api_key" });
            const state = await call(`${new URL(baseUrl ?? "").origin}/_emulator/state`, { key: null });
            expect(state.status).toBe(200);

            cli.child.kill("SIGTERM");
            expect(await cli.exit).toEqual([0, null]);
            expect(cli.stdout).toEqual([
                line,
                `Admin key: ${key}`,
                "Point a TypeScript stack (dynamic resources) at it:",
                `  pulumi config set openai:baseUrl ${baseUrl}`,
                `  pulumi config set --secret openai:adminKey ${key}`,
                "Point a stack on the openai-checkpoints plugin (YAML, Python, Go) at it:",
                `  pulumi config set openai-checkpoints:baseUrl ${baseUrl}`,
                `  pulumi config set --secret openai-checkpoints:adminKey ${key}`,
            ]);
            expect(cli.stderr()).toBe("");
        } finally {
            cli.child.kill("SIGKILL");
        }
    });

    it("says its default admin key, and the key it says is the one it accepts", async () => {
        const cli = runCli(["--port", "0"]);
        try {
            const [, baseUrl] = LISTENING.exec(await firstLine(cli)) ?? [];
            const keyLine = await lineMatching(cli, /^Admin key: (\S+)$/);
            const [, printed] = /^Admin key: (\S+)$/.exec(keyLine)!;
            expect(printed).toBe("sk-admin-emulator-key");
            expect(expectAuditLog(await call(`${baseUrl}/organization/audit_logs`, { key: printed! })).data).toEqual([]);
            expectError(await call(`${baseUrl}/organization/audit_logs`, { key: "sk-admin-another" }), 401, { code: "invalid_api_key" });
        } finally {
            cli.child.kill("SIGKILL");
        }
    });

    it.each([{ args: ["--help"] }, { args: ["-h"] }, { args: ["--port", "0", "--help"] }])("$args prints every option and exits 0 without listening", async ({ args }) => {
        const cli = runCli(args);
        expect(await cli.exit).toEqual([0, null]);
        const help = cli.stdout.join("\n");
        expect(help).toContain("usage: openai-checkpoint-emulator --port <n>");
        for (const flag of ["--port", "--host", "--admin-key", "--seed", "--generate", "--latency-ms", "--rate-limit", "--rate-limit-burst", "--audit-log-delay-seconds", "-h, --help"]) {
            expect(help).toMatch(new RegExp(`^  ${flag}\\b`, "m"));
        }
        expect(help).not.toMatch(/listening on/);
        // The seed format it points to ships in the npm package.
        expect(help).toContain("provider/emulator/README.md in the package");
        expect((JSON.parse(await readFile(path.join(REPO, "package.json"), "utf8")) as { files: string[] }).files).toContain("provider/emulator/README.md");
        expect(cli.stderr()).toBe("");
    });

    it("exits 0 on SIGINT", async () => {
        const cli = runCli(["--port", "0"]);
        try {
            expect(await firstLine(cli)).toMatch(LISTENING);
            cli.child.kill("SIGINT");
            expect(await cli.exit).toEqual([0, null]);
        } finally {
            cli.child.kill("SIGKILL");
        }
    });

    it("exits 2 for a bad flag, naming it and its value, before listening", async () => {
        const cli = runCli(["--port", "abc"]);
        expect(await cli.exit).toEqual([2, null]);
        expect(cli.stdout).toEqual([]);
        expect(cli.stderr()).toContain("Invalid --port value 'abc'");
        expect(cli.stderr()).toContain("--help lists every option");
    });

    it("serves a generated organization with --generate", async () => {
        const cli = runCli(["--port", "0", "--generate", "checkpoints=3,permissions=2,events=10"]);
        try {
            const [, baseUrl] = LISTENING.exec(await firstLine(cli)) ?? [];
            const events = expectAuditLog(await call(`${baseUrl}/organization/audit_logs?limit=100`));
            expect(events.data).toHaveLength(10);
            const checkpoint = "ft:gpt-4o-mini-2024-07-18:acme::Gen000003";
            expect(expectList(await call(`${baseUrl}/fine_tuning/checkpoints/${encodeCheckpoint(checkpoint)}/permissions`)).data).toHaveLength(2);
        } finally {
            cli.child.kill("SIGKILL");
        }
    });

    it("exits 2 for an invalid seed, naming the file and the field", async () => {
        const seed = path.join(dir, "bad-seed.json");
        await writeFile(seed, JSON.stringify({ checkpoints: { "ft:x": { owner_project_id: "proj_o", permissions: [{}] } } }));
        const cli = runCli(["--port", "0", "--seed", seed]);
        expect(await cli.exit).toEqual([2, null]);
        expect(cli.stderr()).toContain(seed);
        expect(cli.stderr()).toContain('checkpoints["ft:x"].permissions[0].project_id');
    });
});

/** The flag rules, in-process: spawning a process per case would cost a second each. */
describe("CLI flags", () => {
    it("reads every flag, with defaults for host, key and seed", () => {
        expect(parseCliArgs(["--port", "0"])).toEqual({ port: 0, host: "127.0.0.1", adminKey: undefined, seedFile: undefined, conditions: {} });
        expect(parseCliArgs(["--port", "8787", "--host", "::1", "--admin-key", "sk-admin-x", "--seed", "s.json"])).toEqual({
            port: 8787,
            host: "::1",
            adminKey: "sk-admin-x",
            seedFile: "s.json",
            conditions: {},
        });
        expect(parseCliArgs(["--port=65535"]).port).toBe(65535);
    });

    it.each([
        [["--port", "abc"], "--port value 'abc'"],
        [["--port", "70000"], "--port value '70000'"],
        [["--port", "-1"], "--port"],
        [["--port", "1.5"], "--port value '1.5'"],
        [["--port"], "--port"],
        [[], "--port"],
        [["--port", "0", "--bogus"], "--bogus"],
        [["--port", "0", "stray"], "stray"],
        [["--port", "0", "--host", ""], "--host value ''"],
        [["--port", "0", "--seed", ""], "--seed"],
    ])("rejects %j, naming %s", (args, named) => {
        expect(() => parseCliArgs(args)).toThrow(UsageError);
        expect(() => parseCliArgs(args)).toThrow(named);
    });

    it("takes --help or -h as a flag, not as another flag's value", () => {
        expect(helpRequested(["--help"])).toBe(true);
        expect(helpRequested(["-h"])).toBe(true);
        expect(helpRequested(["--port", "0", "--bogus", "--help"])).toBe(true);
        expect(helpRequested(["--port", "0"])).toBe(false);
        expect(helpRequested(["--seed=--help", "--port", "0"])).toBe(false);
    });

    it("reads --generate as generateSeed's options", () => {
        expect(parseCliArgs(["--port", "0", "--generate", "checkpoints=500,permissions=20,events=10000"]).generate).toEqual({ checkpoints: 500, permissions: 20, events: 10_000 });
        expect(parseCliArgs(["--port", "0", "--generate", "permissions=2,checkpoints=1,audit-logging=off"]).generate).toEqual({ checkpoints: 1, permissions: 2, auditLogging: false });
        expect(parseCliArgs(["--port", "0"]).generate).toBeUndefined();
    });

    it.each([
        ["checkpoints=5", "checkpoints and permissions are required"],
        ["checkpoints=5,permissions=x", "permissions must be a whole number, got 'x'"],
        ["checkpoints=5,permissions=2,colour=red", "unknown key 'colour'"],
        ["checkpoints=5,permissions", "expected key=value pairs separated by commas, got 'permissions'"],
        ["checkpoints=5,checkpoints=6,permissions=1", "checkpoints is given twice"],
        ["checkpoints=5,permissions=2,audit-logging=no", "audit-logging must be on or off, got 'no'"],
        ["checkpoints=0,permissions=2", "checkpoints must be a positive integer, got 0"],
        ["checkpoints=5,permissions=2,events=9", "events must be at least checkpoints × permissions (10)"],
    ])("rejects --generate %j, saying %s", (value, why) => {
        expect(() => parseCliArgs(["--port", "0", "--generate", value])).toThrow(UsageError);
        expect(() => parseCliArgs(["--port", "0", "--generate", value])).toThrow(`Invalid --generate value '${value}': ${why}`);
    });

    it("rejects --generate with --seed", () => {
        expect(() => parseCliArgs(["--port", "0", "--seed", "s.json", "--generate", "checkpoints=1,permissions=1"])).toThrow("--seed and --generate cannot be used together");
    });

    it.each(["sk-proj-topsecret", "sk-admin top secret"])("rejects the admin key %j without echoing it", (key) => {
        let message = "";
        try {
            parseCliArgs(["--port", "0", "--admin-key", key]);
        } catch (error) {
            message = (error as Error).message;
        }
        expect(message).toContain("--admin-key");
        expect(message).not.toContain("secret");
    });
});
