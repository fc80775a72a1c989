/**
 * The provider as the engine runs it: serialized by Pulumi's closure serializer from the built package,
 * then loaded in a fresh Node process (as @pulumi/pulumi's dynamic-provider host does, with
 * require-from-string) and driven against the emulator.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";

const root = resolve(__dirname, "../..");
const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
const KEY = "sk-admin-serializedProviderTestKey987654321";
let emulator: RunningEmulator;
let dir: string;

beforeAll(async () => {
    emulator = await startEmulator({ adminKey: KEY, seed: { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner" } } } });
    dir = await mkdtemp(join(tmpdir(), "serialized-provider-"));
});
afterAll(async () => {
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
});

it("runs in a fresh process from its serialized text, which holds no key", async () => {
    // Loaded by package name, as a user's program loads it: the compiled package, not this test's sources.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { checkpointPermissionsProvider } = require("pulumi-openai-checkpoint-permissions") as typeof import("../../provider");
    process.env["OPENAI_ADMIN_KEY"] = KEY; // present in the serializing process, and still must not be captured
    const { text } = await pulumi.runtime.serializeFunction(() => checkpointPermissionsProvider);
    expect(text).not.toContain(KEY);
    expect(text.length).toBeLessThan(5_000);

    const providerFile = join(dir, "provider.js");
    const driverFile = join(dir, "driver.js");
    await writeFile(providerFile, text);
    await writeFile(
        driverFile,
        `
const fs = require("node:fs");
const requireFromString = require(require.resolve("require-from-string", { paths: [process.cwd()] }));
const provider = requireFromString(fs.readFileSync(${JSON.stringify(providerFile)}, "utf8")).handler();
const config = JSON.parse(process.env.STACK_CONFIG);
(async () => {
    await provider.configure({ config: { get: (k) => config[k], require: (k) => config[k] } });
    const inputs = { kind: "CheckpointPermissionGrant", checkpoint: ${JSON.stringify(CHECKPOINT)}, projectId: "proj_serialized" };
    const check = await provider.check({}, inputs);
    const created = await provider.create(check.inputs);
    const read = await provider.read(created.id, created.outs);
    process.stdout.write(JSON.stringify({ check, created, read }));
})().catch((e) => { console.error(String(e && e.message)); process.exit(1); });
`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [driverFile], {
        cwd: root,
        // The key reaches the provider only through the stack config the engine hands to configure.
        env: { PATH: process.env["PATH"], STACK_CONFIG: JSON.stringify({ "openai:adminKey": KEY, "openai:baseUrl": emulator.baseUrl }) },
    });
    const result = JSON.parse(stdout) as { check: { failures: unknown[] }; created: { id: string; outs: Record<string, unknown> }; read: { id: string } };
    expect(result.check.failures).toEqual([]);
    expect(result.created.outs).toMatchObject({ projectId: "proj_serialized", adopted: false });
    expect(result.read.id).toBe(result.created.id);
    expect(emulator.permissions(CHECKPOINT).map((p) => p.id)).toEqual([result.created.id]);
    expect(stdout).not.toContain(KEY);
});
