/**
 * The shipped pack in a project that installed the package but not @pulumi/policy (an optional peer dependency):
 * @pulumi/pulumi's own policy-pack runner, which the engine's Node.js language host starts, loads the pack's files as
 * npm ships them, from a node_modules outside the repository where @pulumi/policy cannot be resolved. The user
 * reads one message naming the package and the command that installs it, not a stack trace.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";

const execFileAsync = promisify(execFile);
const REPO = path.resolve(__dirname, "../..");

let project: string;
let packDir: string;
beforeAll(async () => {
    project = await mkdtemp(path.join(tmpdir(), "pack-without-policy-sdk-"));
    const modules = path.join(project, "node_modules");
    packDir = path.join(modules, "pulumi-openai-checkpoint-permissions", "policy-pack");
    await mkdir(packDir, { recursive: true });
    // The pack's files that npm ships (package.json's "files"), built by the tests' global setup.
    const shipped = (JSON.parse(await readFile(path.join(REPO, "package.json"), "utf8")) as { files: string[] }).files.filter((file) => file.startsWith("policy-pack/"));
    for (const file of shipped) await copyFile(path.join(REPO, file), path.join(packDir, path.basename(file)));
    // The user's @pulumi/pulumi (a peer dependency), and nothing else.
    await mkdir(path.join(modules, "@pulumi"));
    await symlink(path.join(REPO, "node_modules", "@pulumi", "pulumi"), path.join(modules, "@pulumi", "pulumi"), "dir");
});
afterAll(() => rm(project, { recursive: true, force: true }));

it("names @pulumi/policy and the command that installs it, without a stack trace", async () => {
    const runner = path.join(REPO, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js");
    const failed = await execFileAsync(process.execPath, [runner, "127.0.0.1:0", "."], { cwd: packDir }).then(
        () => undefined,
        (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(failed, "the pack started without @pulumi/policy").toBeDefined();
    const output = failed!.stdout + failed!.stderr;
    expect(output).toContain("The openai-checkpoint-permissions policy pack needs @pulumi/policy, which is not installed in this project.");
    expect(output).toContain("npm install @pulumi/policy");
    expect(output).not.toMatch(/^\s+at /m);
    expect(failed!.code).not.toBe(0);
});
