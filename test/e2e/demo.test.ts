/**
 * The README's first command, `npm ci && npm run demo`, end to end: what a new user sees must keep working. The
 * command is read from the README; `npm ci` has already run (it is how this test suite runs). Then its read-only
 * mode, against the stand-alone emulator as against an organization of one's own.
 */
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../../tools/engine/engine";
import { readmeBlock, shellCommands } from "../support/readme";
import { requireEngine } from "./harness";

/** The demo command of the README's "Getting started", run as npm runs it, with `env`; its stdout. */
async function runDemo(env: Record<string, string>): Promise<string> {
    const [setup, demo] = shellCommands(readmeBlock("Getting started", "sh"))[0]!.split(" && ");
    expect([setup, demo]).toEqual(["npm ci", "npm run demo"]);
    const inherited = { ...process.env };
    for (const name of ["OPENAI_ADMIN_KEY", "OPENAI_BASE_URL", "OPENAI_CHECKPOINTS"]) delete inherited[name];
    const npm = process.env["npm_execpath"];
    const [command, ...args] = [...(npm ? [process.execPath, npm] : ["npm"]), ...demo!.split(" ").slice(1)];
    const { stdout } = await promisify(execFile)(command!, args, { cwd: REPO_ROOT, env: { ...inherited, ...env }, timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
}

it("shows who may use each checkpoint and who granted it, then the drift naming the dashboard user and the policies that stop her", async () => {
    await requireEngine();
    const stdout = await runDemo({});
    // The table: projects by name; the grant the stack made, by the pipeline's service account; access older than
    // the audit log, unknown.
    expect(stdout).toMatch(
        /CHECKPOINT \/ PROJECTS WITH ACCESS\s+GRANTED BY\n[^]*\n\s+ft:gpt-4\.1-mini-2025-04-14:acme-corp:ticket-triage:Qr8St4Uv:ckpt-step-1200\n\s+Research \(proj_Bd0Kh8oOOL8dKLzdocJ2isAj\)\s+svc_acct_ci_pipeline \(service account key key_ci_pipeline\)\n/,
    );
    expect(stdout).toMatch(/ckpt-step-100\n\s+Research \(proj_Bd0Kh8oOOL8dKLzdocJ2isAj\)\s+unknown\n/);
    // The drift: the one line added, naming her, never her IP address; no other line of any record changed.
    expect(stdout).toMatch(/\n\s+\+ proj_ExternalContractor9x2Q cp_\w+ by mallory@acme-corp\.com \(dashboard\)\n/);
    expect(stdout.match(/^\s+[+-] proj_\S+ cp_\S+.*$/gm)).toHaveLength(1);
    // The findings, each with its message, projects by name.
    const contractor = String.raw`project Contractor sandbox \(proj_ExternalContractor9x2Q\) \(permission cp_\w+`;
    expect(stdout).toMatch(new RegExp(String.raw`\[mandatory\] checkpoint-forbidden-projects: Checkpoint \S+: ${contractor}, granted by mallory@acme-corp\.com \(dashboard\)\) is a forbidden project\.`));
    expect(stdout).toMatch(
        new RegExp(String.raw`\[mandatory\] checkpoint-allowed-grantors: Checkpoint \S+: ${contractor}\) was granted by mallory@acme-corp\.com \(dashboard\), not an allowed grantor \(allowed: svc_acct_ci_pipeline\)\.`),
    );
    expect(stdout).toMatch(/no changes were expected/);
    // The policy config it runs with, as the pack reads it.
    expect(stdout).toMatch(/▶ The policy pack's config \(--policy-pack-config \S+policy-config\.json\)[^\n]*\n\s+\{\n\s+"checkpoint-forbidden-projects": \{\n\s+"forbiddenProjects": \[\n\s+"proj_ExternalContractor9x2Q"/);
    // What destroy does to access the stack took over, and the next command: the same stack, read-only, on one's own organization.
    expect(stdout).toMatch(/▶ Cleaning up: pulumi destroy \(revokes every grant the stack manages in the emulator, the access it took over \(adopted\) included: a grant revokes its access on delete unless it has `retainOnDelete: true`/);
    expect(stdout).toMatch(/▶ Done\. Next, the same stack against your own organization, read-only[^\n]*\n\s+OPENAI_ADMIN_KEY=sk-admin-… npm run demo\n$/);
    expect(stdout).not.toContain("sk-admin-emulator-key");
});

it("in read-only mode (OPENAI_ADMIN_KEY alone), finds the checkpoints the organization shares, says what each step does there, warns of no unmanaged access in a stack that only records, and changes nothing", async () => {
    await requireEngine();
    const key = "sk-admin-demo-read-only-4711";
    const emulator = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "provider/emulator/cli.ts"), "--port", "0", "--seed", path.join(REPO_ROOT, "provider/emulator/demo-seed.json"), "--admin-key", key], { cwd: REPO_ROOT });
    try {
        const [line] = (await once(createInterface({ input: emulator.stdout }), "line")) as [string];
        const baseUrl = /listening on (\S+)$/.exec(line)?.[1];
        expect(baseUrl, line).toBeDefined();
        const stdout = await runDemo({ OPENAI_ADMIN_KEY: key, OPENAI_BASE_URL: baseUrl! });

        // The seed's audit log names two checkpoints that are shared now; the others' access predates it.
        expect(stdout).toMatch(/▶ OPENAI_CHECKPOINTS is not set: finding every checkpoint the organization shares, from its audit log/);
        expect(stdout).toContain(`reading 2 checkpoint(s) of the organization at ${baseUrl}, read-only`);
        expect(stdout).toContain("invoice-extractor");
        expect(stdout).toMatch(/▶ pulumi up [^\n]*: records who may use each checkpoint and who granted it, in the local backend only \(no grants: nothing is granted or revoked\)\n/);
        expect(stdout).not.toMatch(/takes over|Meanwhile/);
        expect(stdout).toMatch(/▶ Cleaning up: pulumi destroy \(forgets the records; the stack has no grants, so nothing is revoked\)/);
        // A stack that only records is an audit: no "unmanaged" warning for each share (the pipeline's own among them).
        expect(stdout).not.toContain("checkpoint-no-unmanaged-access");
        expect(stdout).toMatch(/\n\s+Analytics \(proj_IBXuDL7DxtpYlSXpfKtHF4vU\)\s+svc_acct_ci_pipeline \(service account key key_ci_pipeline\)\n/);
        expect(stdout).not.toContain(key);

        // Nothing was granted or revoked: every request the demo made was a read.
        const state = (await (await fetch(`${new URL(baseUrl!).origin}/_emulator/state`)).json()) as { requests: Array<{ method: string }> };
        expect(state.requests.length).toBeGreaterThan(0);
        expect(new Set(state.requests.map((request) => request.method))).toEqual(new Set(["GET"]));
    } finally {
        const exited = once(emulator, "exit");
        emulator.kill("SIGTERM");
        await exited;
    }
});
