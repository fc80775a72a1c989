/**
 * The other end of the peer range: a user on the oldest @pulumi/pulumi the package claims gets no second copy of
 * the SDK, and a stack on it goes through up, a no-change preview and destroy.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Workspace } from "../../tools/engine/workspace";
import { escapeRegExp } from "../support/readme";
import { expectFramesOnDisk } from "./support/readme-commands";
import {
    CHECKPOINT,
    createUserProject,
    OLDEST_PULUMI,
    PACKAGE_NAME,
    PACKAGE_VERSION,
    SEED,
    startUserEmulator,
    typescriptProject,
    type RunningUserEmulator,
    type UserProject,
} from "./support/user-project";

describe(`installed from the tarball, on the oldest @pulumi/pulumi it claims (${OLDEST_PULUMI})`, () => {
    let project: UserProject;
    let emulator: RunningUserEmulator;
    let pulumi: Workspace["pulumi"];

    beforeAll(async () => {
        project = await createUserProject({
            fixture: "stack",
            dependencies: typescriptProject(OLDEST_PULUMI),
            files: { "seed.json": JSON.stringify(SEED) },
        });
        emulator = await startUserEmulator(project);
        ({ pulumi } = await project.workspace({ OPENAI_BASE_URL: emulator.baseUrl, OPENAI_ADMIN_KEY: "sk-admin-emulator-key" }));
        await pulumi(["stack", "init", "oldest"]);
        await pulumi(["config", "set", "checkpoint", CHECKPOINT]);
        await pulumi(["config", "set", "--path", "grants[0]", "proj_analytics"]);
    });
    afterAll(async () => {
        await emulator?.close();
        await project?.dispose();
    });

    it("resolves the package's @pulumi/pulumi to the user's own: one copy", async () => {
        expect(await project.installedCopies("@pulumi/pulumi")).toEqual([OLDEST_PULUMI]);
    });

    it("ups, and previews no change", async () => {
        await pulumi(["up", "--yes"]);
        const outputs = JSON.parse((await pulumi(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
        expect(outputs["recordedProjects"]).toEqual(["proj_analytics", "proj_research"]);
        await pulumi(["preview", "--expect-no-changes"]);
    });

    it("with the package removed, destroy says which version to install, and works once it is back", async () => {
        await project.npm(["uninstall", PACKAGE_NAME]);
        const failed = await pulumi(["destroy", "--yes"], { expectFailure: true });
        const fix = `run \`npm install ${PACKAGE_NAME}@${PACKAGE_VERSION}\` in the Pulumi project`;
        const diagnostics = failed.stdout.slice(failed.stdout.indexOf("\nDiagnostics:"));
        // The resource's own diagnostic. (Pulumi's dynamic-provider host also echoes every failed call, with its stack,
        // under the stack resource: frames into the serialized shim and the SDK, nothing that is not on disk.)
        expect(diagnostics).toMatch(new RegExp(`CheckpointPermissions \\(model-access\\):\\n\\s+error: Cannot load ${PACKAGE_NAME}@${PACKAGE_VERSION}, which deployed these resources .*: ${escapeRegExp(fix)}\\n`));
        expectFramesOnDisk(failed);
        // The user's fix, with the package from the tarball this tier installs instead of the registry.
        await project.npm(["install", `./${path.basename(project.tarball)}`]);
        await pulumi(["destroy", "--yes"]);
        expect(await emulator.projectsWithAccess(CHECKPOINT)).toEqual(["proj_research"]);
    });
});
