/**
 * The plugin's warnings, sent to the engine, which prints them with the update's other diagnostics.
 *
 * Why not `pulumi.log`: in a provider, @pulumi/pulumi reaches the engine only while it constructs a component
 * (`main()` hands the engine's address to the runtime there and nowhere else), and the record's check warns, once,
 * when the organization's audit logging is off. The engine's address is the plugin's first argument that is not a
 * flag, as `main()` reads it; the Log call is the one `pulumi.log` makes, through the SDK's generated gRPC code.
 * Where that code cannot be found, or there is no address, a warning goes to stderr, which the engine prints too.
 */
import { createRequire } from "node:module";

export interface EngineLog {
    warn(message: string): void;
}

/** The few members of the SDK's generated gRPC code this needs. */
interface LogRequest {
    setSeverity(severity: number): void;
    setMessage(message: string): void;
}
interface EngineParts {
    readonly credentials: { createInsecure(): unknown };
    readonly EngineClient: new (address: string, credentials: unknown) => { log(request: LogRequest, callback: (error: Error | null) => void): void };
    readonly LogRequest: new () => LogRequest;
    readonly WARNING: number;
}

/**
 * The engine's log for a plugin started with `args`. The SDK's gRPC code is found, and the connection made, on the
 * first warning: most runs have none, and the plugin's start-up is on every command's path.
 */
export function engineLog(args: readonly string[], parts: () => EngineParts | undefined = engineParts): EngineLog {
    const address = engineAddress(args);
    if (address === undefined) return stderrLog;
    let engine: { parts: EngineParts; client: InstanceType<EngineParts["EngineClient"]> } | null | undefined;
    return {
        warn(message) {
            if (engine === undefined) {
                const found = parts();
                engine = found ? { parts: found, client: new found.EngineClient(address, found.credentials.createInsecure()) } : null;
            }
            if (engine === null) return stderrLog.warn(message);
            const request = new engine.parts.LogRequest();
            request.setSeverity(engine.parts.WARNING);
            request.setMessage(message);
            engine.client.log(request, (error) => {
                if (error) stderrLog.warn(message);
            });
        },
    };
}

const stderrLog: EngineLog = { warn: (message) => void process.stderr.write(`warning: ${message}\n`) };

/** The first argument that is not a flag (`--logtostderr`, `-v=…`, `--tracing <where>`). */
export function engineAddress(args: readonly string[]): string | undefined {
    for (let i = 0; i < args.length; i++) {
        const arg = args[i]!;
        if (arg === "--tracing") i++;
        else if (!arg.startsWith("-")) return arg;
    }
    return undefined;
}

function engineParts(): EngineParts | undefined {
    try {
        const load = createRequire(require.resolve("@pulumi/pulumi/provider"));
        const grpc = load("@grpc/grpc-js") as { credentials: EngineParts["credentials"] };
        const { EngineClient } = load("../proto/engine_grpc_pb") as Pick<EngineParts, "EngineClient">;
        const proto = load("../proto/engine_pb") as { LogRequest: EngineParts["LogRequest"]; LogSeverity: { WARNING: number } };
        if (typeof EngineClient !== "function" || typeof proto.LogRequest !== "function" || typeof proto.LogSeverity?.WARNING !== "number") return undefined;
        return { credentials: grpc.credentials, EngineClient, LogRequest: proto.LogRequest, WARNING: proto.LogSeverity.WARNING };
    } catch {
        return undefined;
    }
}
