/**
 * The Node.js floor, on the floor: the packed package, unpacked into a project outside the repository, is loaded by
 * `require` under the Node.js of package.json's `engines` (22.19.0) and under the release before it (22.18.0), both
 * pinned as devDependencies (test/node-floor/*), so `npm ci` brings them and this test touches loopback only.
 * On the floor the client lists a checkpoint from the emulator; below it, loading stops with an error that names
 * the running version and the one needed, instead of undici's `reading 'bind'`.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import { meetsNodeFloor, NODE_FLOOR } from "../../provider/node-version";
import { packPackage } from "../installed/support/user-project";

const execFileAsync = promisify(execFile);
const REPO = path.resolve(__dirname, "../..");
const PACKAGE = "pulumi-openai-checkpoint-permissions";
const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";

const json = (file: string) => JSON.parse(readFileSync(path.join(REPO, file), "utf8")) as { engines?: { node?: string }; dependencies?: Record<string, string> };
/** The `node` binary a devDependency folder of test/node-floor brings, and its version. */
const nodeOf = (folder: string) => ({
    binary: path.join(__dirname, folder, "node_modules", ".bin", "node"),
    version: json(`test/node-floor/${folder}/package.json`).dependencies!["node"]!,
});
const AT_FLOOR = nodeOf("at-floor");
const BELOW_FLOOR = nodeOf("below-floor");

describe("the Node.js floor", () => {
    it("is the one package.json's engines and the README state, and undici's own", () => {
        expect(json("package.json").engines?.node).toBe(`>=${NODE_FLOOR}`);
        expect(json("node_modules/undici/package.json").engines?.node).toBe(`>=${NODE_FLOOR}`);
        expect(readFileSync(path.join(REPO, "README.md"), "utf8")).toContain(`Node.js ${NODE_FLOOR} or newer`);
        expect(AT_FLOOR.version).toBe(NODE_FLOOR);
        // The release before the floor: the newest that npm's engines check would let through with a warning.
        expect(BELOW_FLOOR.version).toBe("22.18.0");
        expect([meetsNodeFloor(AT_FLOOR.version), meetsNodeFloor(`v${BELOW_FLOOR.version}`)]).toEqual([true, false]);
        expect(["21.9.0", "22.9.9", "22.19.0", "22.19.1", "22.20.0", "23.0.0", "24.1.0"].filter(meetsNodeFloor)).toEqual(["22.19.0", "22.19.1", "22.20.0", "23.0.0", "24.1.0"]);
    });
});

describe("the packed package under the floor's Node.js and the one below", () => {
    let project: string;
    let emulator: RunningEmulator;

    beforeAll(async () => {
        project = await mkdtemp(path.join(tmpdir(), "node-floor-"));
        const modules = path.join(project, "node_modules");
        const unpacked = path.join(modules, PACKAGE);
        await mkdir(unpacked, { recursive: true });
        const tarball = await packPackage(project);
        await execFileAsync("tar", ["-xzf", tarball, "-C", unpacked, "--strip-components=1"]);
        // Its dependencies and the user's @pulumi/pulumi, from the repository's node_modules: no registry.
        for (const dependency of [...Object.keys(json("package.json").dependencies!), "@pulumi/pulumi"]) {
            await mkdir(path.dirname(path.join(modules, dependency)), { recursive: true });
            await symlink(path.join(REPO, "node_modules", dependency), path.join(modules, dependency), "dir");
        }
        emulator = await startEmulator({ seed: { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_eval" }] } } } });
    }, 120_000);
    afterAll(async () => {
        await emulator?.close();
        if (project) await rm(project, { recursive: true, force: true });
    });

    /** Runs `script` with `node` in the project; resolves with its exit code and output. */
    async function run(node: string, script: string): Promise<{ code: number; stdout: string; stderr: string }> {
        return execFileAsync(node, ["-e", script], { cwd: project, env: { PATH: process.env["PATH"] ?? "" } }).then(
            ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
            (error: { code: number; stdout: string; stderr: string }) => error,
        );
    }

    it(`loads on Node.js ${AT_FLOOR.version} and lists a checkpoint's permissions over HTTP`, async () => {
        const script = `
            const { CheckpointPermissionsClient } = require("${PACKAGE}");
            const client = new CheckpointPermissionsClient({ adminKey: "${emulator.adminKey}", baseUrl: "${emulator.baseUrl}" });
            client.permissions.listAll("${CHECKPOINT}").then(({ permissions }) => console.log(process.version, permissions.map((p) => p.projectId).join()));`;
        const { code, stdout, stderr } = await run(AT_FLOOR.binary, script);
        expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
        expect(stdout.trim()).toBe(`v${AT_FLOOR.version} proj_eval`);
    });

    it.each([PACKAGE, `${PACKAGE}/client`])(`refuses to load %s on Node.js ${BELOW_FLOOR.version}, naming both versions`, async (entry) => {
        const { code, stderr } = await run(BELOW_FLOOR.binary, `require("${entry}")`);
        expect(code).not.toBe(0);
        expect(stderr).toContain(`UnsupportedNodeVersionError: ${PACKAGE} needs Node.js ${NODE_FLOOR} or newer; this is Node.js ${BELOW_FLOOR.version}.`);
        expect(stderr).not.toContain("reading 'bind'");
    });
});
