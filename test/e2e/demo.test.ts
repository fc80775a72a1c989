/**
 * The README's first command, `npm ci && npm run demo`, end to end: what a new user sees must keep working. The
 * command is read from the README; `npm ci` has already run (it is how this test suite runs).
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { expect, it } from "vitest";
import { REPO_ROOT } from "../../tools/engine/engine";
import { readmeBlock, shellCommands } from "../support/readme";
import { requireEngine } from "./harness";

it("the demo shows who may use each checkpoint, then the drift and the policy violation of a grant made outside Pulumi", async () => {
    await requireEngine();
    const [setup, demo] = shellCommands(readmeBlock("Getting started", "sh"))[0]!.split(" && ");
    expect([setup, demo]).toEqual(["npm ci", "npm run demo"]);
    const env = { ...process.env };
    delete env["OPENAI_ADMIN_KEY"];
    const npm = process.env["npm_execpath"];
    const [command, ...args] = [...(npm ? [process.execPath, npm] : ["npm"]), ...demo!.split(" ").slice(1)];
    const { stdout } = await promisify(execFile)(command!, args, { cwd: REPO_ROOT, env, timeout: 10 * 60_000, maxBuffer: 16 * 1024 * 1024 });
    expect(stdout).toMatch(/CHECKPOINT\s+PROJECTS WITH ACCESS\n\s+ft:gpt-4\.1-mini-2025-04-14:acme-corp:ticket-triage:Qr8St4Uv:ckpt-step-1200\s+proj_Bd0Kh8oOOL8dKLzdocJ2isAj/);
    expect(stdout).toMatch(/\+ proj_ExternalContractor9x2Q cp_\w+\n/);
    expect(stdout).toMatch(/\[mandatory\] checkpoint-forbidden-projects: .*proj_ExternalContractor9x2Q \(permission cp_\w+\) is a forbidden project/);
    expect(stdout).toMatch(/no changes were expected/);
    expect(stdout).toMatch(/▶ Done\./);
    expect(stdout).not.toContain("sk-admin-emulator-key");
});
