/**
 * The first hour's policy step, as a user takes it: a project that installed the package but not @pulumi/policy (the
 * docs' second install line, only for CrossGuard) runs the README's preview with the shipped pack, on the real engine.
 * The engine cannot start the pack; the user reads which package is missing and the command that installs it.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import type { Workspace } from "../../tools/engine/workspace";
import { CHECKPOINT, createUserProject, NEWEST_PULUMI, PACKAGE_NAME, SEED, startUserEmulator, typescriptProject, type RunningUserEmulator, type UserProject } from "./support/user-project";

let project: UserProject;
let emulator: RunningUserEmulator;
let pulumi: Workspace["pulumi"];

beforeAll(async () => {
    project = await createUserProject({ fixture: "stack", dependencies: typescriptProject(NEWEST_PULUMI), files: { "seed.json": JSON.stringify(SEED) } });
    emulator = await startUserEmulator(project);
    ({ pulumi } = await project.workspace({ OPENAI_BASE_URL: emulator.baseUrl, OPENAI_ADMIN_KEY: "sk-admin-emulator-key" }));
    await pulumi(["stack", "init", "no-policy-sdk"]);
    await pulumi(["config", "set", "checkpoint", CHECKPOINT]);
});
afterAll(async () => {
    await emulator?.close();
    await project?.dispose();
});

it("a preview with the shipped pack, @pulumi/policy not installed, names it and the command that installs it, without a stack trace", async () => {
    expect(await project.installedCopies("@pulumi/policy").catch(() => [])).toEqual([]);
    const failed = await pulumi(["preview", "--policy-pack", `node_modules/${PACKAGE_NAME}/policy-pack`], { expectFailure: true });
    const output = `${failed.stdout}\n${failed.stderr}`;
    expect(output).toContain("The openai-checkpoint-permissions policy pack needs @pulumi/policy, which is not installed in this project.");
    expect(output).toContain("npm install @pulumi/policy");
    expect(output).not.toMatch(/^\s+at .*\.js:\d+:\d+\)?$/m);
});
