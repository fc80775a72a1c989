/**
 * Hands the engine's Configure call to the plugin's Provider object.
 *
 * Why this exists: `main()` of @pulumi/pulumi/provider (3.276 and the versions before it) answers Configure itself
 * and drops the configuration: its Provider interface has no `configure`, so a provider written on it cannot learn
 * its credentials, and explicit provider instances would all act alike. `main()` registers its gRPC service on
 * @grpc/grpc-js's `Server`; this wraps that registration once, so the service's `configure` handler first gives the
 * request's arguments (`args`, secrets unwrapped) to `onConfigure`, then answers as the SDK's own handler does.
 * Every other method stays the SDK's.
 *
 * Everything is resolved from @pulumi/pulumi's own location, so the wrapped `Server` is the one `main()` uses.
 */
import { createRequire } from "node:module";
import { unwrapSecrets } from "./wire";

/** The few members of the SDK's generated gRPC code this needs. */
interface ConfigureRequest {
    getArgs(): { toJavaScript(): Record<string, unknown> } | undefined;
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
interface GrpcServerClass {
    prototype: { addService(service: object, implementation: ServiceImplementation): void };
}

let installed = false;

/** Call before `main()`. `onConfigure` may throw: the engine then reports the provider as failing to configure. */
export function handleConfigure(onConfigure: (args: Record<string, unknown>) => void): void {
    if (installed) throw new Error("handleConfigure: already installed in this process");
    installed = true;
    const fromSdk = createRequire(require.resolve("@pulumi/pulumi/provider"));
    const { Server } = fromSdk("@grpc/grpc-js") as { Server: GrpcServerClass };
    const { ResourceProviderService } = fromSdk("../proto/provider_grpc_pb") as { ResourceProviderService: object };
    const { ConfigureResponse } = fromSdk("../proto/provider_pb") as { ConfigureResponse: new () => ConfigureResponse };

    const addService = Server.prototype.addService;
    Server.prototype.addService = function (service, implementation) {
        if (service !== ResourceProviderService) return addService.call(this, service, implementation);
        const withConfigure: ServiceImplementation = Object.create(implementation);
        withConfigure.configure = (call, callback) => {
            try {
                onConfigure(unwrapSecrets(call.request.getArgs()?.toJavaScript() ?? {}).values);
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
}
