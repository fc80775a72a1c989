/**
 * The plugin as the engine starts it: `node plugin/index.js` (the shipped entry, on the built dist/), spoken to over
 * real gRPC on loopback. Configure must reach the Provider object (the SDK's own handler drops it): an invoke then
 * uses the key and base URL it was given, and a plugin configured with no key says how to set one. On an SDK that
 * lacks what the handoff of Configure wraps, the plugin exits with the reason instead of serving.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import {
    CheckRequest,
    ConfigureRequest,
    GetSchemaRequest,
    InvokeRequest,
    type CheckResponse,
    type ConfigureResponse,
    type GetSchemaResponse,
    type InvokeResponse,
} from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, afterEach, beforeAll, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import { GET_PERMISSIONS_TOKEN, PACKAGE_NAME } from "../../provider/plugin/schema";
import { pluginCheckpointPermissionGrantType, pluginCheckpointPermissionsType } from "../../provider/resources/tokens";

const root = path.resolve(__dirname, "../..");
const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
const seed = { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_existing" }] } } };
/** How the engine sends a secret to a provider that accepts secrets. */
const secret = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

let emulator: RunningEmulator;
const started: Array<{ child: ChildProcess; client: ResourceProviderClient }> = [];

beforeAll(async () => {
    emulator = await startEmulator({ seed });
});
afterEach(() => {
    for (const { child, client } of started.splice(0)) {
        client.close();
        child.kill();
    }
});
afterAll(async () => {
    await emulator?.close();
});

/** Starts the plugin with no engine address and no OPENAI_* in its environment; resolves once it prints its port. */
function startPlugin(): Promise<ResourceProviderClient> {
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("OPENAI_")));
    const child = spawn(process.execPath, [path.join(root, "plugin", "index.js")], { cwd: root, env, stdio: ["ignore", "pipe", "pipe"] });
    return new Promise((resolve, reject) => {
        let output = "";
        const timer = setTimeout(() => reject(new Error(`the plugin printed no port in 30 s:\n${output}`)), 30_000);
        const onData = (chunk: Buffer) => {
            output += chunk.toString("utf8");
            const port = /^(\d+)\s*$/m.exec(output)?.[1];
            if (!port) return;
            clearTimeout(timer);
            const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
            started.push({ child, client });
            resolve(client);
        };
        child.stdout!.on("data", onData);
        child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
        child.once("exit", (code) => {
            clearTimeout(timer);
            reject(new Error(`the plugin exited (${code}):\n${output}`));
        });
    });
}

/** One unary call, as a promise. */
function unary<Response>(send: (callback: (error: grpc.ServiceError | null, response: Response) => void) => unknown): Promise<Response> {
    return new Promise((resolve, reject) => send((error, response) => (error ? reject(error) : resolve(response))));
}

async function configure(client: ResourceProviderClient, args: Record<string, unknown>): Promise<void> {
    const request = new ConfigureRequest().setArgs(Struct.fromJavaScript(args as never)).setAcceptsecrets(true).setAcceptresources(true);
    const response = await unary<ConfigureResponse>((callback) => client.configure(request, callback));
    expect(response.getAcceptsecrets()).toBe(true);
}

async function invoke(client: ResourceProviderClient, args: Record<string, unknown>) {
    const request = new InvokeRequest().setTok(GET_PERMISSIONS_TOKEN).setArgs(Struct.fromJavaScript(args as never));
    return unary<InvokeResponse>((callback) => client.invoke(request, callback));
}

it("serves its schema, and invokes with the key and base URL Configure gave it (a secret, as the engine sends it)", async () => {
    const client = await startPlugin();
    const response = await unary<GetSchemaResponse>((callback) => client.getSchema(new GetSchemaRequest(), callback));
    const schema = JSON.parse(response.getSchema()) as { name: string };
    expect(schema.name).toBe(PACKAGE_NAME);

    await configure(client, { adminKey: secret(emulator.adminKey), baseUrl: emulator.baseUrl });
    const result = await invoke(client, { checkpoint: CHECKPOINT });
    expect(result.getReturn()?.toJavaScript()).toMatchObject({ checkpoint: CHECKPOINT, projectIds: ["proj_existing"], permissionCount: 1 });
});

it("configured without a key, answers the invoke with how to set one, and sends nothing", async () => {
    const client = await startPlugin();
    await configure(client, { baseUrl: emulator.baseUrl });
    const before = emulator.requests.length;
    await expect(invoke(client, { checkpoint: CHECKPOINT })).rejects.toThrow(/openai-checkpoints:adminKey/);
    expect(emulator.requests.length).toBe(before);
});

it("answers a check with a required input absent with the failure that names it, over the wire", async () => {
    const client = await startPlugin();
    await configure(client, { adminKey: secret(emulator.adminKey), baseUrl: emulator.baseUrl });
    const check = (type: string, news: Record<string, unknown>) => {
        const request = new CheckRequest().setUrn(`urn:pulumi:dev::yaml::${type}::r`).setOlds(Struct.fromJavaScript({})).setNews(Struct.fromJavaScript(news as never));
        return unary<CheckResponse>((callback) => client.check(request, callback));
    };
    const failures = (response: CheckResponse) => response.getFailuresList().map((f) => [f.getProperty(), f.getReason()]);
    const grant = await check(pluginCheckpointPermissionGrantType, { checkpoint: CHECKPOINT });
    expect(failures(grant)).toEqual([["projectId", expect.stringMatching(/^projectId: must be a string/)]]);
    expect(grant.getInputs()?.toJavaScript()).toEqual({ checkpoint: CHECKPOINT });
    const record = await check(pluginCheckpointPermissionsType, {});
    expect(failures(record)).toEqual([["checkpoint", expect.stringMatching(/^checkpoint: must be a string/)]]);
    expect(record.getInputs()?.toJavaScript()).toEqual({});
});

it("refuses to start, and prints no port, on a @pulumi/pulumi without what the Configure handoff wraps", async () => {
    // An SDK release without ConfigureResponse, made by deleting it before the plugin loads.
    const dir = await mkdtemp(path.join(tmpdir(), "plugin-sdk-"));
    try {
        const preload = path.join(dir, "remove-configure-response.js");
        await writeFile(preload, `delete require(${JSON.stringify(require.resolve("@pulumi/pulumi/proto/provider_pb"))}).ConfigureResponse;\n`);
        const started = promisify(execFile)(process.execPath, ["--require", preload, path.join(root, "plugin", "index.js")], { cwd: root });
        const failed = (await started.then(() => expect.unreachable("the plugin started"), (error: unknown) => error)) as { code: number; stdout: string; stderr: string };
        expect(failed.code).toBe(1);
        expect(failed.stdout).toBe("");
        const { version } = require("@pulumi/pulumi/package.json") as { version: string };
        expect(failed.stderr.trim()).toBe(
            `The openai-checkpoints plugin cannot start on @pulumi/pulumi ${version}: @pulumi/pulumi/proto/provider_pb has no ConfigureResponse with ` +
                "setAcceptsecrets(), setAcceptresources(), setAcceptoutputs(). The plugin passes Configure (its admin key and base URL) to its " +
                "provider through it, and does not run without them; use a @pulumi/pulumi release this package supports, or a newer release of the package.",
        );
    } finally {
        await rm(dir, { recursive: true, force: true });
    }
});
