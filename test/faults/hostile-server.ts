/**
 * Hostile servers for the fault suite: plain Node HTTP(S) servers on loopback whose handler misbehaves on
 * purpose (pages without end, bodies without end, redirects, echoed keys…). Each records what it received,
 * the Authorization header included, so a test can tell whether the key reached it.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { afterEach } from "vitest";
import { CheckpointPermissionsClient, RequestLimiter, type ClientOptions } from "../../provider/client";

/** The key every fault-suite client sends; long and key-shaped, so any echo of it is easy to find. */
export const FAULT_KEY = "sk-admin-faultSuiteKey0123456789abcdefXYZ";
export const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::Fault01:ckpt-step-10";

export interface ReceivedRequest {
    readonly method: string;
    readonly url: string;
    readonly authorization: string | undefined;
}

/** Answers one request; `index` counts the server's requests from 0. */
export type HostileHandler = (req: IncomingMessage, res: ServerResponse, index: number) => void;

export interface HostileServer {
    /** `http(s)://127.0.0.1:<port>/v1` */
    readonly baseUrl: string;
    readonly origin: string;
    readonly received: ReadonlyArray<ReceivedRequest>;
    /** Resolves when the server has seen a connection close (the client hung up, or gave up). */
    readonly connectionClosed: Promise<void>;
    close(): Promise<void>;
}

export async function startHostileServer(handler: HostileHandler, tls?: { key: string; cert: string }): Promise<HostileServer> {
    const received: ReceivedRequest[] = [];
    const sockets = new Set<Socket>();
    let onClosed: () => void = () => undefined;
    const connectionClosed = new Promise<void>((resolve) => (onClosed = resolve));
    const listener = (req: IncomingMessage, res: ServerResponse) => {
        received.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
        handler(req, res, received.length - 1);
    };
    const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener);
    server.on(tls ? "secureConnection" : "connection", (socket: Socket) => {
        sockets.add(socket);
        socket.on("close", () => {
            sockets.delete(socket);
            onClosed();
        });
    });
    // A client refusing the certificate ends the handshake; that is the test's point, not a server error.
    server.on("tlsClientError", () => undefined);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const origin = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
    return {
        baseUrl: `${origin}/v1`,
        origin,
        received,
        connectionClosed,
        close: () =>
            new Promise<void>((resolve) => {
                for (const socket of sockets) socket.destroy();
                server.close(() => resolve());
            }),
    };
}

/** A `startHostileServer` for a test file: every server it starts is closed after its test. */
export function hostileServers(): (handler: HostileHandler, tls?: { key: string; cert: string }) => Promise<HostileServer> {
    const open: HostileServer[] = [];
    afterEach(async () => {
        await Promise.all(open.splice(0).map((server) => server.close()));
    });
    return async (handler, tls) => {
        const server = await startHostileServer(handler, tls);
        open.push(server);
        return server;
    };
}

/** A client for a hostile server: no retries and short timeouts unless a test asks for them. */
export function faultClient(server: HostileServer, options: ClientOptions = {}): CheckpointPermissionsClient {
    return new CheckpointPermissionsClient({
        adminKey: FAULT_KEY,
        baseUrl: server.baseUrl,
        maxRetries: 0,
        timeoutMs: 2_000,
        limiter: new RequestLimiter(8),
        ...options,
    });
}

/** A permission as the API sends it. */
export function permissionWire(id: string, projectId = `proj_${id}`, createdAt = 1_700_000_000): Record<string, unknown> {
    return { object: "checkpoint.permission", id, project_id: projectId, created_at: createdAt };
}

/** A `checkpoint.permission.created` audit-log event as the API sends it. */
export function eventWire(id: string, effectiveAt = 1_700_000_000, permissionId = `cp_${id}`): Record<string, unknown> {
    return {
        id,
        type: "checkpoint.permission.created",
        effective_at: effectiveAt,
        actor: { type: "api_key", api_key: { id: "key_ci", type: "service_account", service_account: { id: "svc_acct_ci" } } },
        "checkpoint.permission.created": { id: permissionId, data: { project_id: "proj_x", fine_tuned_model_checkpoint: CHECKPOINT } },
    };
}

/** A project as the API sends it. */
export function projectWire(id: string, name = `Project ${id}`, createdAt = 1_700_000_000): Record<string, unknown> {
    return { object: "organization.project", id, name, created_at: createdAt, archived_at: null, status: "active" };
}

/** A list page as the API sends it. */
export function pageWire(data: Array<Record<string, unknown>>, hasMore: boolean): string {
    return JSON.stringify({ object: "list", data, first_id: data[0]?.["id"] ?? null, last_id: data.at(-1)?.["id"] ?? null, has_more: hasMore });
}

export function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers });
    res.end(body);
}

/** Everything an error exposes: message, stack, enumerable fields and cause, for hunting a leaked secret. */
export function everythingIn(error: unknown): string {
    const err = error as Error & Record<string, unknown>;
    return [err.message, err.stack, JSON.stringify(err), String(err.cause ?? ""), JSON.stringify(Object.entries(err))].join("\n");
}

/** Rejects with the error a promise fails with; fails the test if it succeeds. */
export async function failure(promise: Promise<unknown>): Promise<Error> {
    try {
        await promise;
    } catch (error) {
        return error as Error;
    }
    throw new Error("expected the call to fail, and it succeeded");
}
