/**
 * The README's YAML program (section "Which one? Dynamic resources or the plugin") on the plugin's executable from
 * the release, installed as the README says (`pulumi plugin install resource openai-checkpoints <version> --file
 * <archive>`), in a project outside the repository whose PATH holds the engine and no Node.js. Its Pulumi.yaml names
 * no plugin and the engine may fetch none (automatic plugin acquisition stays off), so what runs is what the
 * command installed. Its life on the real engine: up, no changes, drift from a grant made outside Pulumi, refresh,
 * no changes, destroy.
 */
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import { PACKAGE_NAME } from "../../provider/plugin/package-identity";
import { encodeAccess } from "../../provider/resources/access-text";
import { createWorkspace, type Workspace } from "../../tools/engine/workspace";
import { requireEngine } from "../e2e/harness";
import { CHECKPOINT, LEGACY_PERMISSION, readmeCommand, seed } from "../support/plugin-scenario";
import { readmeBlock } from "../support/readme";
import { engineOnlyPath, testRelease, type Release } from "./support/release";

const ADMIN_KEY = "sk-admin-yaml-release-key";
const STACK = ["--stack", "dev"];

let release: Release;
let emulator: RunningEmulator;
let dir: string;
let workspace: Workspace;
const projects = () => emulator.permissions(CHECKPOINT).map((p) => p.project_id).sort();

beforeAll(async () => {
    release = await testRelease();
    emulator = await startEmulator({ seed, adminKey: ADMIN_KEY });
    dir = await mkdtemp(path.join(tmpdir(), "user-yaml-release-"));
    await writeFile(path.join(dir, "Pulumi.yaml"), readmeBlock("Which one? Dynamic resources or the plugin", "yaml"));
    // Downloaded from the release into the project, as the README's command expects.
    await copyFile(release.pluginArchive, path.join(dir, path.basename(release.pluginArchive)));
    workspace = await createWorkspace({ engine: await requireEngine(), programDir: dir, inPlace: true, env: { PATH: await engineOnlyPath([], dir) } });
});
afterAll(async () => {
    await workspace?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
    await emulator?.close();
});

describe("the README's YAML program on the plugin installed with pulumi plugin install --file", () => {
    it("installs the executable from the archive", async () => {
        const [pulumi, ...args] = readmeCommand("pulumi plugin install");
        expect(pulumi).toBe("pulumi");
        expect(args).toEqual(["plugin", "install", "resource", PACKAGE_NAME, release.version, "--file", path.basename(release.pluginArchive)]);
        await workspace.pulumi(args);
        const { stdout } = await workspace.pulumi(["plugin", "ls", "--json"]);
        const plugins = JSON.parse(stdout) as Array<{ name: string; kind: string; version: string }>;
        expect(plugins.map(({ name, kind, version }) => ({ name, kind, version }))).toEqual([{ name: PACKAGE_NAME, kind: "resource", version: release.version }]);
    });

    it("ups (the grant and the record), and a preview right after changes nothing", async () => {
        await workspace.pulumi(["stack", "init", "dev"]);
        await workspace.pulumi(["config", "set", ...STACK, "checkpoint", CHECKPOINT]);
        await workspace.pulumi(["config", "set", ...STACK, "projectId", "proj_eval"]);
        await workspace.pulumi(["config", "set", ...STACK, `${PACKAGE_NAME}:baseUrl`, emulator.baseUrl]);
        await workspace.pulumi(["config", "set", ...STACK, "--secret", `${PACKAGE_NAME}:adminKey`, ADMIN_KEY]);
        await workspace.pulumi(["up", "--yes", "--skip-preview", ...STACK]);
        expect(projects()).toEqual(["proj_eval", "proj_legacy"]);
        const grant = emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_eval")!;
        const outputs = JSON.parse((await workspace.pulumi(["stack", "output", ...STACK, "--json"])).stdout) as Record<string, unknown>;
        expect(outputs).toEqual({
            projectsBefore: ["proj_legacy"],
            evalPermissionId: grant.id,
            recordedAccess: encodeAccess({ proj_eval: grant.id, proj_legacy: LEGACY_PERMISSION }),
        });
        await workspace.pulumi(["preview", "--expect-no-changes", ...STACK]);
    });

    it("shows a grant made outside Pulumi as drift; refresh records it, and then nothing changes", async () => {
        const outside = emulator.grant(CHECKPOINT, "proj_contractor");
        const { stdout } = await workspace.pulumi(["preview", "--diff", ...STACK]);
        expect(stdout).toContain(`+ proj_contractor ${outside.id}`);
        await workspace.pulumi(["preview", "--expect-no-changes", ...STACK], { expectFailure: true });
        await workspace.pulumi(["refresh", "--yes", "--skip-preview", ...STACK]);
        await workspace.pulumi(["preview", "--expect-no-changes", ...STACK]);
    });

    it("destroy revokes the stack's grant and leaves the others", async () => {
        await workspace.pulumi(["destroy", "--yes", "--skip-preview", ...STACK]);
        expect(projects()).toEqual(["proj_contractor", "proj_legacy"]);
    });
});
