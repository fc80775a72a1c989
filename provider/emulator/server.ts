/**
 * The emulator's HTTP server and the running-emulator object tests hold.
 *
 * One API request goes: take a matching fault (if any) → route → authorize → run the operation → answer.
 * A fault that answers by itself (status, reset, malformed) does so before routing and auth, like a proxy
 * or an overloaded front end would; latency delays the normal path; a stuck cursor bends a list answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { DEFAULT_ADMIN_KEY_ACTOR, DEFAULT_DASHBOARD_ACTOR, type ActorBody, type ApiKeyActorOption, type EmulatorActor } from "./actors";
import { authorize, checkAdminKey, DEFAULT_ADMIN_KEY } from "./auth";
import {
    applyConditionChanges,
    NO_CONDITIONS,
    parseConditionChanges,
    RateLimitBucket,
    type ConditionChanges,
    type ConditionOptions,
    type EmulatorConditions,
} from "./conditions";
import { handleControl, isControlPath, type ControlTarget } from "./control";
import { ApiError, internalError } from "./errors";
import {
    FaultQueue,
    MALFORMED_BODIES,
    statusFaultError,
    statusFaultHeaders,
    type Fault,
    type PendingFault,
} from "./faults";
import { queryRecord, readBody, Responder, splitTarget } from "./http-io";
import { newRequestId } from "./ids";
import { runOperation } from "./operations";
import { Organization } from "./organization";
import { API_BASE_PATH, operationOf, resolveRoute } from "./routes";
import { EMPTY_SEED, parseSeed, type EmulatorSeed } from "./seed";
import type { PermissionWire } from "./store";

export interface EmulatorOptions extends ConditionOptions {
    /** Interface to listen on; default 127.0.0.1. */
    host?: string;
    /** Default 0: a free port, see `RunningEmulator.port`. */
    port?: number;
    /** The one key the API accepts; default "sk-admin-emulator-key". */
    adminKey?: string;
    seed?: EmulatorSeed;
    /**
     * Clock for `created_at` and `effective_at`, and for every answer's `Date` header, in Unix seconds; inject one
     * for deterministic timestamps, or to set the server's clock apart from a client's.
     */
    now?: () => number;
    /**
     * Whether the organization's audit logging is on, for a seed that does not say (`organization.audit_logging`).
     * Default true. Off, grants and revokes write no event and the audit-log listing is refused (403).
     */
    auditLogging?: boolean;
    /**
     * Whose the admin key is, as the audit log names it, for a seed that does not say
     * (`organization.admin_key_actor`): a user's key or a service account's. Default: a key of the organization's
     * owner, `owner@example.com`.
     */
    adminKeyActor?: ApiKeyActorOption;
    /**
     * The milliseconds the rate limit's bucket refills by; default `performance.now()`. A test gives one that moves
     * only when told, so what the limit refuses follows the requests, not how fast the machine sends them.
     */
    rateLimitClock?: () => number;
}

/** Who a change made through the in-process API is attributed to. */
export interface ChangeOptions {
    /**
     * Default: the organization's owner in the dashboard (`owner@example.com` from 192.0.2.1). A dashboard user:
     * `{ session: { email, ipAddress } }`; an API key: `{ apiKey: { user: { email } } }` or
     * `{ apiKey: { serviceAccount: { id } } }`.
     */
    actor?: EmulatorActor;
}

/** One API request as the emulator saw it. The Authorization header is never recorded. */
export interface RequestLogEntry {
    readonly method: string;
    /** The path as sent (percent-encoded), without the query. */
    readonly path: string;
    readonly query: Record<string, string>;
    /** The response status; 0 when a `reset` fault dropped the connection. */
    readonly status: number;
    /** The `x-request-id` the response carried. */
    readonly requestId: string;
    /** The `user-agent` the client sent, if any. */
    readonly userAgent?: string;
    /** The kind of fault the request took, if any. */
    readonly fault?: Fault["kind"];
}

export interface RunningEmulator {
    /** "http://127.0.0.1:<port>/v1" */
    readonly baseUrl: string;
    readonly host: string;
    readonly port: number;
    readonly adminKey: string;
    /**
     * Grants a project access as if done outside Pulumi (by default in the dashboard, by the organization's owner),
     * writing its audit-log event; an existing grant is returned as is, and writes none.
     */
    grant(checkpoint: string, projectId: string, options?: ChangeOptions): { id: string; project_id: string; created_at: number };
    /** Removes a permission as if done outside Pulumi, writing its audit-log event; false if the checkpoint has no such permission. */
    revoke(checkpoint: string, permissionId: string, options?: ChangeOptions): boolean;
    /** The checkpoint's permissions, newest first. */
    permissions(checkpoint: string): Array<{ id: string; project_id: string; created_at: number }>;
    addCheckpoint(checkpoint: string, ownerProjectId: string): void;
    /** Back to `seed` (or the starting seed), with no pending faults and an empty request log. */
    reset(seed?: EmulatorSeed): void;
    /** Queues a fault; throws `InvalidFaultError` if it is malformed. */
    inject(fault: Fault): void;
    /** The latency, rate limit and audit-log delay in force. */
    conditions(): EmulatorConditions;
    /** Changes them; what `changes` leaves out stays, `rateLimit: null` lifts the rate limit. Kept by `reset`. */
    setConditions(changes: ConditionChanges): void;
    /** TCP connections accepted so far, control requests' included: how many a client's pool opened. */
    readonly connectionsAccepted: number;
    /** The API requests so far (control requests excluded), oldest first. */
    readonly requests: ReadonlyArray<RequestLogEntry>;
    /** Empties the request log. */
    clearRequests(): void;
    /** Faults still queued, with the number of requests each will still apply to. */
    pendingFaults(): PendingFault[];
    clearFaults(): void;
    /** Closes the server and every open (keep-alive) socket; requests in flight are dropped. */
    close(): Promise<void>;
}

/** Unix seconds as HTTP's `Date` header writes them (`Sun, 06 Dec 2026 08:49:37 GMT`). */
function httpDate(seconds: number): string {
    return new Date(seconds * 1000).toUTCString();
}

function formatBaseUrl(host: string, port: number): string {
    const hostPart = host.includes(":") ? `[${host}]` : host;
    return `http://${hostPart}:${port}${API_BASE_PATH}`;
}

class Emulator implements RunningEmulator, ControlTarget {
    readonly baseUrl: string;
    private readonly organization: Organization;
    private readonly faults = new FaultQueue();
    private log: RequestLogEntry[] = [];
    private readonly sockets = new Set<Socket>();
    /** Aborted by `close()`, cutting short any latency being waited out. */
    private readonly closing = new AbortController();
    private closed: Promise<void> | undefined;
    private standing: EmulatorConditions = NO_CONDITIONS;
    private bucket: RateLimitBucket | undefined;
    connectionsAccepted = 0;

    constructor(
        private readonly server: Server,
        readonly host: string,
        readonly port: number,
        readonly adminKey: string,
        private readonly initialSeed: EmulatorSeed,
        conditions: ConditionChanges,
        organization: Organization,
        private readonly now: () => number,
        private readonly rateLimitClock?: () => number,
    ) {
        this.baseUrl = formatBaseUrl(host, port);
        this.organization = organization;
        this.organization.load(initialSeed);
        this.setConditions(conditions);
        server.on("connection", (socket: Socket) => {
            this.sockets.add(socket);
            this.connectionsAccepted++;
            socket.on("close", () => this.sockets.delete(socket));
        });
        server.on("request", (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res));
        server.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => answerUnparsableRequest(error, socket));
    }

    get requests(): ReadonlyArray<RequestLogEntry> {
        return [...this.log];
    }

    grant(checkpoint: string, projectId: string, options: ChangeOptions = {}): PermissionWire {
        return this.grantAs(checkpoint, projectId, this.changeActor(options));
    }

    revoke(checkpoint: string, permissionId: string, options: ChangeOptions = {}): boolean {
        return this.revokeAs(checkpoint, permissionId, this.changeActor(options));
    }

    grantAs(checkpoint: string, projectId: string, actor: ActorBody): PermissionWire {
        const [permission] = this.organization.grant(checkpoint, [projectId], actor);
        if (!permission) throw new Error("unreachable: a grant of one project yields one permission");
        return permission;
    }

    revokeAs(checkpoint: string, permissionId: string, actor: ActorBody): boolean {
        return this.organization.revoke(checkpoint, permissionId, actor);
    }

    /** A control request's actor (the API's shape), or the default one, checked. */
    controlActor(value: unknown): ActorBody {
        return value === undefined ? this.organization.actorOf(DEFAULT_DASHBOARD_ACTOR) : this.organization.actorFromSeed(value);
    }

    private changeActor(options: ChangeOptions): ActorBody {
        return this.organization.actorOf(options.actor ?? DEFAULT_DASHBOARD_ACTOR, "options.actor");
    }

    permissions(checkpoint: string): PermissionWire[] {
        return this.organization.permissions.permissions(checkpoint);
    }

    addCheckpoint(checkpoint: string, ownerProjectId: string): void {
        this.organization.permissions.addCheckpoint(checkpoint, ownerProjectId);
    }

    reset(seed?: EmulatorSeed): void {
        this.organization.load(seed === undefined ? this.initialSeed : parseSeed(seed, "reset seed"));
        this.faults.clear();
        this.log = [];
    }

    conditions(): EmulatorConditions {
        return this.standing;
    }

    setConditions(changes: ConditionChanges): void {
        this.standing = applyConditionChanges(this.standing, changes);
        // A new or changed limit starts with a full bucket.
        if (changes.rateLimit !== undefined) {
            this.bucket = this.standing.rateLimit === null ? undefined : new RateLimitBucket(this.standing.rateLimit, this.rateLimitClock);
        }
    }

    inject(fault: Fault): void {
        this.faults.add(fault);
    }

    pendingFaults(): PendingFault[] {
        return this.faults.pending();
    }

    clearFaults(): void {
        this.faults.clear();
    }

    clearRequests(): void {
        this.log = [];
    }

    snapshot(): EmulatorSeed {
        return this.organization.snapshot();
    }

    close(): Promise<void> {
        if (!this.closed) {
            this.closing.abort();
            this.closed = new Promise((resolve) => this.server.close(() => resolve()));
            // server.close() alone waits for idle keep-alive sockets to time out; end them now.
            this.server.closeAllConnections();
            for (const socket of this.sockets) socket.destroy();
        }
        return this.closed;
    }

    private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
        const method = (req.method ?? "GET").toUpperCase();
        const { rawPath, query } = splitTarget(req.url ?? "/");
        const requestId = newRequestId();
        // The emulator's clock, not the machine's: a client that reads the server's time reads the one events have.
        const date = { date: httpDate(this.now()) };

        if (isControlPath(rawPath)) {
            const responder = new Responder(req, res, requestId);
            responder.addHeaders(date);
            try {
                await handleControl(this, { method, rawPath, readBody: () => readBody(req) }, responder);
            } catch (error) {
                responder.error(error instanceof ApiError ? error : internalError(error));
            }
            return;
        }

        const fault = this.faults.take({ method, operation: operationOf(method, rawPath), rawPath });
        const entry = {
            method,
            path: rawPath,
            query: queryRecord(query),
            requestId,
            ...(req.headers["user-agent"] === undefined ? {} : { userAgent: req.headers["user-agent"] }),
            ...(fault ? { fault: fault.kind } : {}),
        };
        const responder = new Responder(req, res, requestId, (status) => this.log.push(Object.freeze({ ...entry, status })));
        responder.addHeaders(date);
        try {
            await this.answer(req, method, rawPath, query, fault, responder);
        } catch (error) {
            if (this.closing.signal.aborted) return;
            responder.error(error instanceof ApiError ? error : internalError(error));
        }
    }

    private async answer(
        req: IncomingMessage,
        method: string,
        rawPath: string,
        query: URLSearchParams,
        fault: Fault | undefined,
        responder: Responder,
    ): Promise<void> {
        // The rate limit counts a request when it arrives, as a front end does; a fault that answers by itself
        // stands in front of it.
        const answersItself = fault?.kind === "status" || fault?.kind === "reset" || fault?.kind === "malformed";
        const taken = answersItself ? undefined : this.bucket?.take();
        // Every answer says where the limit stands, whatever it is (an error, a fault's status).
        const limitHeaders = taken?.headers ?? this.bucket?.peek();
        if (limitHeaders) responder.addHeaders(limitHeaders);
        const refusal = taken?.refusal;
        const delayMs = this.standing.latencyMs + (fault && "delayMs" in fault ? (fault.delayMs ?? 0) : 0);
        if (delayMs > 0) await sleep(delayMs, undefined, { signal: this.closing.signal });
        if (refusal) return responder.error(refusal);
        switch (fault?.kind) {
            case "status": {
                const error = statusFaultError(fault);
                const body = { error: { ...error, param: fault.param ?? null } };
                return responder.json(fault.status, body, statusFaultHeaders(fault));
            }
            case "reset":
                return responder.reset();
            case "malformed":
                return responder.raw(200, MALFORMED_BODIES[fault.body]);
        }

        const route = resolveRoute(method, rawPath);
        authorize(req.headers.authorization, this.adminKey, route.operation);
        const body = route.operation === "create" ? await readBody(req) : "";
        const stuckCursor = fault?.kind === "stuck-cursor" ? fault : undefined;
        const auditLogVisibleUpTo = this.now() - this.standing.auditLogDelaySeconds;
        responder.json(200, runOperation(this.organization, { route, query, body, auditLogVisibleUpTo, ...(stuckCursor ? { stuckCursor } : {}) }));
    }
}

/**
 * Node answers a request it cannot parse with a bare 400; this one carries an x-request-id and an OpenAI
 * error body like every other emulator response.
 */
function answerUnparsableRequest(error: NodeJS.ErrnoException, socket: Duplex): void {
    if (error.code === "ECONNRESET" || !socket.writable) {
        socket.destroy();
        return;
    }
    const body = JSON.stringify(
        new ApiError(400, `Malformed HTTP request: ${error.message}`, "invalid_request_error").toBody(),
    );
    socket.end(
        "HTTP/1.1 400 Bad Request\r\n" +
            "content-type: application/json\r\n" +
            `content-length: ${Buffer.byteLength(body)}\r\n` +
            `x-request-id: ${newRequestId()}\r\n` +
            "connection: close\r\n\r\n" +
            body,
    );
}

function listen(server: Server, port: number, host: string): Promise<number> {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
            server.off("error", reject);
            const address = server.address();
            if (address === null || typeof address === "string") {
                reject(new Error(`Unexpected server address: ${String(address)}`));
                return;
            }
            resolve(address.port);
        });
    });
}

/** Starts an emulator; resolves once it is listening. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
    const host = options.host ?? "127.0.0.1";
    const requestedPort = options.port ?? 0;
    if (!Number.isInteger(requestedPort) || requestedPort < 0 || requestedPort > 65535) {
        throw new Error(`Invalid port ${requestedPort}: expected an integer from 0 to 65535`);
    }
    const adminKey = options.adminKey ?? DEFAULT_ADMIN_KEY;
    checkAdminKey(adminKey);
    const seed = options.seed === undefined ? EMPTY_SEED : parseSeed(options.seed, "options.seed");
    const now = options.now ?? (() => Math.floor(Date.now() / 1000));
    if (options.rateLimitClock !== undefined && typeof options.rateLimitClock !== "function") {
        throw new Error(`Invalid rateLimitClock ${String(options.rateLimitClock)}: expected a function returning milliseconds`);
    }

    const conditions = parseConditionChanges({ latencyMs: options.latencyMs, rateLimit: options.rateLimit, auditLogDelaySeconds: options.auditLogDelaySeconds });
    const defaults = { auditLogging: options.auditLogging ?? true, adminKeyActor: options.adminKeyActor ?? DEFAULT_ADMIN_KEY_ACTOR };
    if (typeof defaults.auditLogging !== "boolean") throw new Error(`Invalid auditLogging ${String(defaults.auditLogging)}: expected true or false`);
    // Made before a port is opened, so a bad actor fails first, naming the option.
    const organization = new Organization(now, defaults);
    const server = createServer();
    const port = await listen(server, requestedPort, host);
    return new Emulator(server, host, port, adminKey, seed, conditions, organization, now, options.rateLimitClock);
}
