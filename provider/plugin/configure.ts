/**
 * Hands the engine's Configure call to the plugin's Provider object.
 *
 * Why this exists: `main()` of @pulumi/pulumi/provider (3.276 and the versions before it) answers Configure itself
 * and drops the configuration: its Provider interface has no `configure`, so a provider written on it cannot learn
 * its credentials, and explicit provider instances would all act alike. `main()` registers its gRPC service on
 * @grpc/grpc-js's `Server`; this wraps that registration, so the service's `configure` handler first gives the
 * request's arguments (`args`, secrets unwrapped) and the provider's own reference to `onConfigure`, then answers as the SDK's own handler does.
 * Every other method stays the SDK's.
 *
 * Everything is resolved from @pulumi/pulumi's own location, so the wrapped `Server` is the one `main()` uses. These
 * are the SDK's internals: when a release moves one, the plugin refuses to start, naming the SDK's version and what
 * it did not find, rather than serve with the configuration dropped.
 */
import { createRequire } from "node:module";
import { unwrapSecrets } from "./wire";

/** The few members of the SDK's generated gRPC code this needs. */
interface ConfigureRequest {
    getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
    // The provider's own URN and id: the engine this package builds sends them; an older SDK's generated code may lack the getters.
    hasUrn?(): boolean;
    getUrn?(): string;
    hasId?(): boolean;
    getId?(): string;
}

/**
 * The provider instance being configured, as the engine names it: `<urn>::<id>`, the reference a resource's
 * `provider` option takes. Undefined from an engine or SDK that does not say.
 */
export type ProviderReference = string | undefined;

function referenceOf(request: ConfigureRequest): ProviderReference {
    if (!request.hasUrn?.() || !request.hasId?.()) return undefined;
    const urn = request.getUrn!();
    const id = request.getId!();
    return urn !== "" && id !== "" ? `${urn}::${id}` : undefined;
}
interface ConfigureResponse {
    setAcceptsecrets(value: boolean): void;
    setAcceptresources(value: boolean): void;
    setAcceptoutputs(value: boolean): void;
}
type Callback = (error: Error | null | undefined, response?: ConfigureResponse) => void;
interface ServiceImplementation {
    configure?: (call: { request: ConfigureRequest }, callback: Callback) => void;
}
interface GrpcServer {
    addService(service: object, implementation: ServiceImplementation): void;
    bindAsync(port: string, credentials: unknown, callback: (error: Error | null, port: number) => void): void;
}

/** What the handoff takes from the SDK: found by {@link sdkParts}, or given by a test. */
export interface SdkParts {
    /** @pulumi/pulumi's version, for the errors. */
    readonly version: string;
    /** The @grpc/grpc-js `Server` that `main()` serves on. */
    readonly Server: { prototype: GrpcServer };
    /** The service `main()` registers on it. */
    readonly ResourceProviderService: object;
    readonly ConfigureResponse: new () => ConfigureResponse;
}

/** The SDK's parts, resolved as `main()` resolves them; throws naming the version and the first part missing. */
export function sdkParts(load: (id: string) => unknown = createRequire(require.resolve("@pulumi/pulumi/provider"))): SdkParts {
    const version = String((tryLoad(load, "../package.json") as { version?: unknown } | undefined)?.version ?? "(version unknown)");
    const member = (id: string, name: string, [needs, check]: Expectation): unknown => {
        // The SDK's own modules by the name a user finds them under.
        const shown = id.replace(/^\.\.\//, "@pulumi/pulumi/");
        const module = tryLoad(load, id);
        if (module === undefined) throw sdkError(version, `${shown} does not load`);
        const value = (module as Record<string, unknown>)[name];
        if (!check(value)) throw sdkError(version, `${shown} has no ${name} with ${needs}`);
        return value;
    };
    const configureCall: Expectation = [
        "a Configure method",
        (value) => (value as { configure?: { path?: unknown } } | undefined)?.configure?.path === "/pulumirpc.ResourceProvider/Configure",
    ];
    const Server = member("@grpc/grpc-js", "Server", methods("addService", "bindAsync"));
    const ResourceProviderService = member("../proto/provider_grpc_pb", "ResourceProviderService", configureCall);
    member("../proto/provider_pb", "ConfigureRequest", methods("getArgs"));
    const ConfigureResponse = member("../proto/provider_pb", "ConfigureResponse", methods("setAcceptsecrets", "setAcceptresources", "setAcceptoutputs"));
    return { version, Server, ResourceProviderService, ConfigureResponse } as SdkParts;
}

/** What a part must be: its description for the error, and the check. */
type Expectation = readonly [string, (value: unknown) => boolean];

/** A class with these methods. */
function methods(...names: string[]): Expectation {
    const hasAll = (value: unknown) =>
        typeof value === "function" && names.every((name) => typeof (value.prototype as Record<string, unknown> | undefined)?.[name] === "function");
    return [names.map((name) => `${name}()`).join(", "), hasAll];
}

function tryLoad(load: (id: string) => unknown, id: string): unknown {
    try {
        return load(id);
    } catch {
        return undefined;
    }
}

function sdkError(version: string, problem: string): Error {
    return new Error(
        `The openai-checkpoints plugin cannot start on @pulumi/pulumi ${version}: ${problem}. The plugin passes Configure ` +
            "(its admin key and base URL) to its provider through it, and does not run without them; use a @pulumi/pulumi " +
            "release this package supports, or a newer release of the package.",
    );
}

/** What {@link handleConfigure} installed. */
export interface ConfigureHandoff {
    /** Throws unless a server has registered the provider service through the wrapped `Server`: call once `main()` serves. */
    assertServed(): void;
}

const wrapped = new WeakSet<object>();

/**
 * Call before `main()`. `onConfigure` may throw: the engine then reports the provider as failing to configure. A
 * server that binds without the provider service (a `main()` that no longer registers it there) fails to bind.
 */
export function handleConfigure(onConfigure: (args: Record<string, unknown>, self: ProviderReference) => void, sdk: SdkParts = sdkParts()): ConfigureHandoff {
    const { Server, ResourceProviderService, ConfigureResponse, version } = sdk;
    if (wrapped.has(Server)) throw new Error("handleConfigure: already installed on this Server");
    wrapped.add(Server);
    const serving = new WeakSet<GrpcServer>();
    let registered = false;
    const notRegistered = () => sdkError(version, "its main() did not register ResourceProviderService on the @grpc/grpc-js Server it resolves");

    const { addService, bindAsync } = Server.prototype;
    Server.prototype.addService = function (service, implementation) {
        if (service !== ResourceProviderService) return addService.call(this, service, implementation);
        serving.add(this);
        registered = true;
        const withConfigure: ServiceImplementation = Object.create(implementation);
        withConfigure.configure = (call, callback) => {
            try {
                onConfigure(unwrapSecrets(call.request.getArgs()?.toJavaScript() ?? {}).values, referenceOf(call.request));
            } catch (error) {
                callback(error instanceof Error ? error : new Error(String(error)));
                return;
            }
            const response = new ConfigureResponse();
            response.setAcceptsecrets(true);
            response.setAcceptresources(true);
            response.setAcceptoutputs(true);
            callback(null, response);
        };
        return addService.call(this, service, withConfigure);
    };
    Server.prototype.bindAsync = function (port, credentials, callback) {
        if (!serving.has(this)) return process.nextTick(callback, notRegistered(), 0);
        return bindAsync.call(this, port, credentials, callback);
    };
    return {
        assertServed() {
            // A main() serving on a Server other than the wrapped one reaches neither wrapper above.
            if (!registered) throw notRegistered();
        },
    };
}
