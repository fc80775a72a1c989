/**
 * The provider as the engine runs it: serialized by Pulumi's closure serializer from the built package,
 * then loaded in a fresh Node process (as @pulumi/pulumi's dynamic-provider host does, with
 * require-from-string, configuring it before any other call) and driven against the emulator.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";

const root = resolve(__dirname, "../..");
const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
const KEY = "sk-admin-serializedProviderTestKey987654321";
const { version } = require("../../package.json") as { version: string };
let emulator: RunningEmulator;
let dir: string;
/** Each resource's serialized provider, as the SDK writes it into state. */
let providerTexts: { record: string; grant: string; access: string };

beforeAll(async () => {
    emulator = await startEmulator({ adminKey: KEY, seed: { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner" } } } });
    dir = await mkdtemp(join(tmpdir(), "serialized-provider-"));
    // Loaded by package name, as a user's program loads it: the compiled package, not this test's sources.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    // The shims as the built package serializes them (they are not part of its public surface).
    const providers = require(resolve(__dirname, "../../dist/provider/dynamic/provider")) as typeof import("../../provider/dynamic/provider");
    process.env["OPENAI_ADMIN_KEY"] = KEY; // present in the serializing process, and still must not be captured
    // As the SDK serializes them for every dynamic resource.
    const serialized = async (provider: pulumi.dynamic.ResourceProvider) => (await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true })).text;
    providerTexts = { record: await serialized(providers.checkpointPermissionsProvider), grant: await serialized(providers.checkpointPermissionGrantProvider), access: await serialized(providers.checkpointAccessProvider) };
});
afterAll(async () => {
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
});

/**
 * Runs `script` against the provider loaded from `text` in a fresh Node process in `cwd`, as the host does: the
 * provider is configured with the stack's config first. The script sees `provider` and `config`; what it writes
 * to `out` comes back, and a rejection comes back as `{ error }`.
 */
async function runProvider(text: string, script: string, cwd = root): Promise<Record<string, unknown>> {
    const providerFile = join(dir, `provider-${Math.random().toString(36).slice(2)}.js`);
    const driverFile = join(dir, `driver-${Math.random().toString(36).slice(2)}.js`);
    await writeFile(providerFile, text);
    await writeFile(
        driverFile,
        `
const fs = require("node:fs");
const requireFromString = require(${JSON.stringify(require.resolve("require-from-string", { paths: [root] }))});
const provider = requireFromString(fs.readFileSync(${JSON.stringify(providerFile)}, "utf8")).handler();
const config = JSON.parse(process.env.STACK_CONFIG);
const out = {};
(async () => {
    ${script}
})().then(() => process.stdout.write(JSON.stringify(out)), (e) => process.stdout.write(JSON.stringify({ ...out, error: String(e && e.message) })));
`,
    );
    const { stdout } = await promisify(execFile)(process.execPath, [driverFile], {
        cwd,
        // The key reaches the provider only through the stack config the engine hands to configure.
        env: { PATH: process.env["PATH"], STACK_CONFIG: JSON.stringify({ "openai:adminKey": KEY, "openai:baseUrl": emulator.baseUrl }) },
    });
    expect(stdout).not.toContain(KEY);
    return JSON.parse(stdout) as Record<string, unknown>;
}

const CONFIGURE = "await provider.configure({ config: { get: (k) => config[k], require: (k) => config[k] } });";

describe("the serialized provider", () => {
    it("is small and holds no key", () => {
        for (const text of Object.values(providerTexts)) {
            expect(text).not.toContain(KEY);
            // As the state keeps it: a JSON string, in the inputs and again in the outputs of every resource.
            expect(JSON.stringify(text).length).toBeLessThanOrEqual(1_200);
        }
    });

    it("runs a grant in a fresh process from its serialized text", async () => {
        const result = await runProvider(
            providerTexts.grant,
            `${CONFIGURE}
    const inputs = { checkpoint: ${JSON.stringify(CHECKPOINT)}, projectId: "proj_serialized" };
    out.check = await provider.check({}, inputs);
    out.created = await provider.create(out.check.inputs);
    out.read = await provider.read(out.created.id, out.created.outs);`,
        );
        const { check, created, read } = result as { check: { failures: unknown[] }; created: { id: string; outs: Record<string, unknown> }; read: { id: string } };
        expect(result["error"]).toBeUndefined();
        expect(check.failures).toEqual([]);
        expect(created.outs).toMatchObject({ projectId: "proj_serialized", adopted: false });
        expect(read.id).toBe(created.id);
        expect(emulator.permissions(CHECKPOINT).map((p) => p.id)).toEqual([created.id]);
    });

    it("runs a record in a fresh process from its serialized text", async () => {
        const result = await runProvider(
            providerTexts.record,
            `${CONFIGURE}
    const inputs = { checkpoint: ${JSON.stringify(CHECKPOINT)}, access: "proj_a cp_a\\n", managedProjects: [] };
    out.checked = await provider.check({}, inputs);
    out.created = await provider.create(out.checked.inputs);
    out.same = await provider.diff(out.created.id, out.created.outs, out.checked.inputs);
    out.drift = await provider.diff(out.created.id, out.created.outs, { ...out.checked.inputs, access: "proj_a cp_a\\nproj_b cp_b\\n" });
    out.httpClientLoaded = Object.keys(require.cache).some((file) => file.includes("/node_modules/undici/"));`,
        );
        expect(result).toMatchObject({ checked: { failures: [] }, created: { id: CHECKPOINT }, same: { changes: false }, drift: { replaces: [] } });
        // What a preview with no changes runs needs no HTTP client: its modules are not even loaded.
        expect(result["httpClientLoaded"]).toBe(false);
        expect(result["drift"]).not.toHaveProperty("changes"); // left to the engine, which diffs the inputs
    });

    it("when the package cannot be loaded, names it, the version that deployed the stack and the npm install, on every call", async () => {
        // A project without the package: the host resolves the implementation from its working directory.
        const elsewhere = await mkdtemp(join(tmpdir(), "project-without-package-"));
        try {
            const result = await runProvider(
                providerTexts.record,
                `try { ${CONFIGURE} } catch (e) { out.configure = e.message; }
    for (const method of ["check", "diff", "create", "read", "update", "delete"]) {
        try { await provider[method]("id", {}, {}); out[method] = "no error"; } catch (e) { out[method] = e.message; }
    }`,
                elsewhere,
            );
            const fix = new RegExp(
                `^Cannot load pulumi-openai-checkpoint-permissions@${version.replace(/\./g, "\\.")}, which deployed these resources ` +
                    `\\(Error: Cannot find module 'pulumi-openai-checkpoint-permissions/provider-runtime'.*\\): ` +
                    `run \`npm install pulumi-openai-checkpoint-permissions@${version.replace(/\./g, "\\.")}\` in the Pulumi project$`,
            );
            expect(result["configure"]).toMatch(fix);
            // Never a delete that silently does nothing.
            for (const method of ["check", "diff", "create", "read", "update", "delete"]) expect(result[method], method).toBe(result["configure"]);
        } finally {
            await rm(elsewhere, { recursive: true, force: true });
        }
    });
});
