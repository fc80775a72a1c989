/**
 * The Configure handoff (provider/plugin/configure.ts) against the @pulumi/pulumi it is built on, and against the
 * changes an SDK release could make to what it wraps: each stops the plugin with the SDK's version and what is
 * missing, never lets it serve with the configuration dropped. Configure itself goes over real gRPC on loopback;
 * test/plugin/serve.test.ts drives the same through the shipped entry and the SDK's own main().
 */
import { createRequire } from "node:module";
import type * as Grpc from "@grpc/grpc-js";
import { ResourceProviderClient, ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { ConfigureRequest, type ConfigureResponse } from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterEach, describe, expect, it } from "vitest";
import { handleConfigure, sdkParts } from "../../provider/plugin/configure";
import { escapeRegExp } from "../support/readme";

/** Modules as @pulumi/pulumi/provider resolves them: the gRPC copy its main() serves on. */
const fromSdk = createRequire(require.resolve("@pulumi/pulumi/provider"));
const grpc = fromSdk("@grpc/grpc-js") as typeof Grpc;
const SDK_VERSION = (fromSdk("../package.json") as { version: string }).version;
/** How the engine sends a secret to a provider that accepts secrets. */
const secret = (value: string) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });

/** The SDK's modules, the one `id` changed by `change` (which answers undefined for a module that no longer loads). */
function sdkWhere(id: string, change: (module: Record<string, unknown>) => Record<string, unknown> | undefined) {
    return (request: string): unknown => {
        const module = fromSdk(request) as Record<string, unknown>;
        if (request !== id) return module;
        const changed = change({ ...module });
        if (!changed) throw new Error(`Cannot find module '${request}'`);
        return changed;
    };
}

const refusal = (problem: string) => new RegExp(`^The openai-checkpoints plugin cannot start on @pulumi/pulumi ${escapeRegExp(SDK_VERSION)}: ${problem}\\. `);

describe("what the handoff wraps", () => {
    it("is all there in the installed @pulumi/pulumi", () => {
        const parts = sdkParts();
        expect(parts.version).toBe(SDK_VERSION);
        expect(parts.Server).toBe(grpc.Server);
        expect(parts.ResourceProviderService).toBe(ResourceProviderService);
    });

    it.each([
        ["the gRPC library is gone", "@grpc/grpc-js", () => undefined, "@grpc/grpc-js does not load"],
        ["gRPC has no Server", "@grpc/grpc-js", (m) => ({ ...m, Server: undefined }), "@grpc/grpc-js has no Server with addService\\(\\), bindAsync\\(\\)"],
        ["the Server cannot bind", "@grpc/grpc-js", (m) => ({ ...m, Server: class { addService() {} } }), "@grpc/grpc-js has no Server with addService\\(\\), bindAsync\\(\\)"],
        ["the generated service moved", "../proto/provider_grpc_pb", () => undefined, "@pulumi/pulumi/proto/provider_grpc_pb does not load"],
        ["no ResourceProviderService", "../proto/provider_grpc_pb", (m) => ({ ...m, ResourceProviderService: undefined }), "@pulumi/pulumi/proto/provider_grpc_pb has no ResourceProviderService with a Configure method"],
        [
            "a ResourceProviderService without Configure",
            "../proto/provider_grpc_pb",
            (m) => ({ ...m, ResourceProviderService: { ...(m["ResourceProviderService"] as object), configure: undefined } }),
            "@pulumi/pulumi/proto/provider_grpc_pb has no ResourceProviderService with a Configure method",
        ],
        ["no ConfigureResponse", "../proto/provider_pb", (m) => ({ ...m, ConfigureResponse: undefined }), "@pulumi/pulumi/proto/provider_pb has no ConfigureResponse with setAcceptsecrets\\(\\), setAcceptresources\\(\\), setAcceptoutputs\\(\\)"],
        [
            "a ConfigureResponse without setAcceptoutputs",
            "../proto/provider_pb",
            (m) => ({ ...m, ConfigureResponse: class { setAcceptsecrets() {} setAcceptresources() {} } }),
            "@pulumi/pulumi/proto/provider_pb has no ConfigureResponse with setAcceptsecrets\\(\\), setAcceptresources\\(\\), setAcceptoutputs\\(\\)",
        ],
        ["a ConfigureRequest without getArgs", "../proto/provider_pb", (m) => ({ ...m, ConfigureRequest: class {} }), "@pulumi/pulumi/proto/provider_pb has no ConfigureRequest with getArgs\\(\\)"],
    ] as Array<[string, string, (m: Record<string, unknown>) => Record<string, unknown> | undefined, string]>)(
        "refuses to start when %s, naming the version and the part",
        (_, id, change, problem) => {
            expect(() => sdkParts(sdkWhere(id, change))).toThrow(refusal(problem));
        },
    );
});

describe("the handoff on a gRPC server", () => {
    const servers: Grpc.Server[] = [];
    const clients: ResourceProviderClient[] = [];
    afterEach(() => {
        for (const client of clients.splice(0)) client.close();
        for (const server of servers.splice(0)) server.forceShutdown();
    });

    /** A Server class of its own, so each test wraps its own. */
    function wrappedServer(onConfigure: (args: Record<string, unknown>, self: string | undefined) => void) {
        const Server = class extends grpc.Server {};
        const handoff = handleConfigure(onConfigure, { ...sdkParts(), Server });
        const server = new Server();
        servers.push(server);
        return { server, handoff };
    }

    function bind(server: Grpc.Server): Promise<number> {
        return new Promise((resolve, reject) =>
            server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))),
        );
    }

    function configure(port: number, args: Record<string, unknown>, self?: { urn: string; id: string }): Promise<ConfigureResponse> {
        const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        clients.push(client);
        const request = new ConfigureRequest().setArgs(Struct.fromJavaScript(args as never)).setAcceptsecrets(true);
        if (self) request.setUrn(self.urn).setId(self.id);
        return new Promise((resolve, reject) => client.configure(request, (error, response) => (error ? reject(error) : resolve(response))));
    }

    it("hands Configure's arguments to the provider, secrets unwrapped, and accepts secrets as the SDK does", async () => {
        const received: Array<Record<string, unknown>> = [];
        const { server, handoff } = wrappedServer((args) => received.push(args));
        // As main() does; the SDK's own handlers stand behind the wrapper.
        server.addService(ResourceProviderService, {});
        const port = await bind(server);
        handoff.assertServed();
        const response = await configure(port, { adminKey: secret("sk-admin-k"), baseUrl: "http://127.0.0.1:1/v1" });
        expect(received).toEqual([{ adminKey: "sk-admin-k", baseUrl: "http://127.0.0.1:1/v1" }]);
        expect([response.getAcceptsecrets(), response.getAcceptresources(), response.getAcceptoutputs()]).toEqual([true, true, true]);
    });

    it("names the provider instance being configured, as the engine does: the reference the component's records take", async () => {
        const received: Array<string | undefined> = [];
        const { server } = wrappedServer((_args, self) => received.push(self));
        server.addService(ResourceProviderService, {});
        const port = await bind(server);
        const urn = "urn:pulumi:dev::audit::pulumi:providers:openai-checkpoints::default";
        await configure(port, {}, { urn, id: "5f1c0e4a-1b2c-4d3e-8f90-0123456789ab" });
        // An engine that does not say: no reference, and the records name the plugin's version instead.
        await configure(port, {});
        expect(received).toEqual([`${urn}::5f1c0e4a-1b2c-4d3e-8f90-0123456789ab`, undefined]);
    });

    it("fails the Configure call with the provider's own error", async () => {
        const { server } = wrappedServer(() => {
            throw new Error("adminKey: must start with sk-admin-");
        });
        server.addService(ResourceProviderService, {});
        await expect(configure(await bind(server), {})).rejects.toThrow(/adminKey: must start with sk-admin-/);
    });

    it("refuses to bind a server on which main() never registered the provider service, and says so after", async () => {
        const { server, handoff } = wrappedServer(() => undefined);
        const notRegistered = refusal("its main\\(\\) did not register ResourceProviderService on the @grpc/grpc-js Server it resolves");
        await expect(bind(server)).rejects.toThrow(notRegistered);
        expect(() => handoff.assertServed()).toThrow(notRegistered);
    });

    it("installs once per Server", () => {
        const Server = class extends grpc.Server {};
        handleConfigure(() => undefined, { ...sdkParts(), Server });
        expect(() => handleConfigure(() => undefined, { ...sdkParts(), Server })).toThrow(/already installed/);
    });
});
