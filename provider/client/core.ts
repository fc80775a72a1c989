/**
 * The client core: one place that sends a request to OpenAI and turns the answer into a value or a typed
 * error. It owns authentication, the keep-alive connection pool, the cap on requests in flight (by default
 * one per organization: default-limiters.ts), timeouts, retries and response validation. Resource modules
 * (checkpoint-permissions.ts) only say which path, which body and which schema.
 */
// Before undici, for the entries that reach it without the package's main entry (./client, ./emulator, the plugin).
import "../node-version";
import { Agent, request, type Dispatcher } from "undici";
import type { z } from "zod";
import {
    APIConnectionError,
    APIError,
    APITimeoutError,
    APIUserAbortError,
    AUDIT_LOGGING_DISABLED_CODE,
    AuditLogDisabledError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidArgumentError,
    InvalidResponseError,
    MissingAdminKeyError,
    NotFoundError,
    OpenAIError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    type APIErrorDetails,
} from "./errors";
import { ErrorWire } from "../api/model";
import { MAX_REQUEUES_AFTER_BACK_OFF, RequestLimiter, type Permit, type Turn } from "./limiter";
import { defaultLimiter, organizationDigest } from "./default-limiters";
import { checkNonNegativeInteger, checkPositiveInteger } from "./arguments";
import { DEFAULT_MAX_RESPONSE_BYTES, resolveListingLimits, type ListingLimits } from "./limits";
import { redact, redactUrl } from "./redact";
import { DEFAULT_MAX_RETRIES, requestQuota, retryDelayMs, shouldRetryStatus, type HeaderLookup } from "./retry";

export const DEFAULT_BASE_URL = "https://api.openai.com/v1";
export const DEFAULT_TIMEOUT_MS = 60_000;
/** This package and its version, as installed (it resolves itself by name, in this repository as in a user's project). */
const USER_AGENT = `pulumi-openai-checkpoint-permissions/${(require("pulumi-openai-checkpoint-permissions/package.json") as { version: string }).version}`;

/** Where progress and retries are reported; the Pulumi layer passes `pulumi.log`. Messages are redacted. */
export interface ClientLogger {
    debug(message: string): void;
    info?(message: string): void;
    warn?(message: string): void;
}

export interface ClientOptions {
    /** An organization admin key (`sk-admin-…`). Default: `OPENAI_ADMIN_KEY`. */
    adminKey?: string;
    /** The API's base URL, ending in `/v1`. Default: `OPENAI_BASE_URL`, else `https://api.openai.com/v1`. */
    baseUrl?: string;
    /** Retries after the first attempt, on 408/409/429/5xx, connection errors and timeouts. Default 2. */
    maxRetries?: number;
    /** The limit on one attempt, in milliseconds. Default 60 000. */
    timeoutMs?: number;
    /** The most bytes one response body may hold, enforced while it streams. Default 4 MiB (`DEFAULT_MAX_RESPONSE_BYTES`). */
    maxResponseBytes?: number;
    /** Bounds on every listing: pages, permissions, a deadline, and how often progress is reported (`DEFAULT_LISTING_LIMITS`). */
    listingLimits?: Partial<ListingLimits>;
    /**
     * Caps requests in flight, adapting to 429s. Default: the organization's limiter, shared by every client of
     * the same admin key and base URL (see `setMaxRequestsInFlight`).
     */
    limiter?: RequestLimiter;
    /** The undici dispatcher (connection pool). Default: a keep-alive pool per limiter, as large as its ceiling. */
    dispatcher?: Dispatcher;
    logger?: ClientLogger;
    /** Where `OPENAI_ADMIN_KEY` and `OPENAI_BASE_URL` are read from. Default `process.env`. */
    env?: Readonly<Record<string, string | undefined>>;
    /** How to give the key where this client's options come from, for the error that says there is none. */
    missingKeyHint?: string;
    /**
     * Where this client's base URL is set, for the error that says its host has no address (`ENOTFOUND`, a typo in
     * the URL more often than not). Default: the client's `baseUrl` option or `OPENAI_BASE_URL`.
     */
    baseUrlHint?: string;
}

export interface RequestOptions {
    /** Aborts the request, retries included. */
    signal?: AbortSignal;
    /** Overrides the client's per-attempt timeout. */
    timeoutMs?: number;
}

/** A request as a resource module describes it to the core. */
export interface PreparedRequest {
    method: "GET" | "POST" | "DELETE";
    /** Below the base URL, already encoded, e.g. `/fine_tuning/checkpoints/ft:x/permissions`. */
    path: string;
    /** Each parameter as named on the wire (`event_types[]`, `effective_at[gt]`); a list is sent once per value. */
    query?: Record<string, string | number | boolean | readonly string[] | undefined>;
    body?: unknown;
}

/**
 * One keep-alive pool per limiter, shared by every client using that limiter, so a stack reading many
 * checkpoints reuses warm connections. The pool follows the limiter: it may open as many connections as the
 * limiter's ceiling, so a request the limiter lets out never queues for a connection, and it opens them only
 * as the cap grows. (Unbounded, it would open extra connections when a request goes out in the moment
 * before the previous one's connection is marked free.) Weakly held, a pool goes with its limiter: one the
 * default limiters forget takes no connection with it beyond the keep-alive timeout.
 */
const pools = new WeakMap<RequestLimiter, { agent: Agent; connections: number }>();
function sharedDispatcher(limiter: RequestLimiter): Agent {
    const pool = pools.get(limiter);
    if (pool?.connections === limiter.maxInFlight) return pool.agent;
    // An Agent's size is fixed when it is made: a new ceiling gets a new pool, and the old one closes once
    // the requests it carries are answered.
    void pool?.agent.close();
    const agent = new Agent({ keepAliveTimeout: 10_000, connections: limiter.maxInFlight });
    pools.set(limiter, { agent, connections: limiter.maxInFlight });
    return agent;
}

export class OpenAIClient {
    readonly baseUrl: string;
    readonly maxRetries: number;
    readonly timeoutMs: number;
    readonly maxResponseBytes: number;
    /** The bounds every listing of this client starts from; a call can override them. */
    readonly listingLimits: ListingLimits;
    // A getter-free private field: the key is not an enumerable property, so it is not printed by
    // console.log/util.inspect, not serialized by JSON.stringify, and not captured by Pulumi's closure
    // serializer by accident.
    readonly #adminKey: string;
    readonly #limiter: RequestLimiter | undefined;
    /** The digest of the base URL and key that the default limiters know this client's organization by. */
    readonly #organization: string;
    readonly #dispatcher: Dispatcher | undefined;
    readonly #logger: ClientLogger | undefined;
    readonly #baseUrlHint: string;

    constructor(options: ClientOptions = {}) {
        const env = options.env ?? process.env;
        const adminKey = options.adminKey ?? env["OPENAI_ADMIN_KEY"];
        if (adminKey === undefined || adminKey.trim() === "") throw new MissingAdminKeyError(options.missingKeyHint);
        this.#adminKey = adminKey.trim();
        this.baseUrl = checkBaseUrl(options.baseUrl ?? env["OPENAI_BASE_URL"] ?? DEFAULT_BASE_URL);
        this.maxRetries = checkNonNegativeInteger("maxRetries", options.maxRetries ?? DEFAULT_MAX_RETRIES);
        this.timeoutMs = checkPositiveInteger("timeoutMs", options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
        this.maxResponseBytes = checkPositiveInteger("maxResponseBytes", options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
        this.listingLimits = resolveListingLimits(options.listingLimits);
        this.#limiter = options.limiter;
        this.#organization = organizationDigest(this.baseUrl, this.#adminKey);
        this.#dispatcher = options.dispatcher;
        this.#logger = options.logger;
        this.#baseUrlHint = options.baseUrlHint ?? "the client's `baseUrl` option, or OPENAI_BASE_URL";
    }

    /**
     * The limiter this client's requests wait for: the `limiter` option, else the default limiter of its
     * organization, shared by every client of the same admin key and base URL.
     */
    get limiter(): RequestLimiter {
        // Looked up each time rather than kept: a client that outlives its organization's limiter (the
        // registry forgets one past MAX_DEFAULT_LIMITERS) joins the organization's next one, as its other clients do.
        return this.#limiter ?? defaultLimiter(this.#organization);
    }

    /** Redacts the configured key and anything key-shaped; for messages built outside the client. */
    redact(text: string): string {
        return redact(text, [this.#adminKey]);
    }

    log(level: "debug" | "info" | "warn", message: string): void {
        const logger = this.#logger;
        if (!logger) return;
        const text = this.redact(message);
        if (level === "debug") logger.debug(text);
        else (logger[level] ?? logger.debug).call(logger, text);
    }

    /**
     * Sends a request, retrying as configured, and parses a 2xx body with `schema`; `serverTime` is the answer's
     * `Date` header in Unix seconds (undefined without a valid one): the server's clock, which the local one may not be.
     * @internal For the resource modules; left out of the published declarations, which never mention zod.
     */
    async send<S extends z.ZodType>(
        req: PreparedRequest,
        schema: S,
        options: RequestOptions = {},
    ): Promise<{ value: z.infer<S>; requestId: string | undefined; serverTime: number | undefined }> {
        const timeoutMs = options.timeoutMs === undefined ? this.timeoutMs : checkPositiveInteger("timeoutMs", options.timeoutMs);
        const url = this.url(req);
        // `attempt` counts the retries used. A 429 the limiter had already answered by backing off is a
        // requeue instead, which uses none (at most MAX_REQUEUES_AFTER_BACK_OFF of them).
        for (let attempt = 0, requeues = 0, turn: Turn = "new"; ; ) {
            if (options.signal?.aborted) throw new APIUserAbortError(req.method, req.path);
            const retriesLeft = this.maxRetries - attempt;
            const limiter = this.limiter;
            const permit = await this.acquire(limiter, req, turn, options.signal);
            turn = "retry";
            let outcome: Outcome;
            try {
                outcome = await this.attempt(req, url, timeoutMs, options.signal, limiter);
            } catch (error) {
                permit.release();
                if (error instanceof APIUserAbortError || retriesLeft <= 0 || !(error instanceof APIConnectionError)) throw error;
                const delay = retryDelayMs(attempt++, undefined);
                this.log("debug", `${error.message}; retrying in ${Math.round(delay)} ms (${retriesLeft} ${retriesLeft === 1 ? "retry" : "retries"} left)`);
                await sleep(delay, options.signal, req);
                continue;
            }

            const { status, header, text } = outcome;
            // Where the API's rate limit stands lets the limiter pace before it refuses; malformed, it is ignored.
            const quota = requestQuota(header);
            if (quota) permit.quota(quota);
            const requestId = this.requestIdOf(header);
            if (status >= 200 && status < 300) {
                permit.succeeded();
                return { value: this.parse(schema, text, status, requestId, req), requestId, serverTime: unixSecondsOf(header("date")) };
            }
            const answered = `${req.method} ${req.path} answered ${status}${requestId ? ` (request ${requestId})` : ""}`;
            const delay = retryDelayMs(attempt, header);
            const retry = shouldRetryStatus(status, header);
            if (status === 429) {
                // The limiter holds every request back for the delay, this one included, and gives it its turn
                // when the pause ends: no sleep of our own.
                const { alreadyBackedOff } = permit.rateLimited(delay);
                if (retry && alreadyBackedOff && requeues < MAX_REQUEUES_AFTER_BACK_OFF) {
                    requeues++;
                    turn = "requeue";
                    this.log("debug", `${answered}, sent before the client slowed down; sending it again in ${Math.round(delay)} ms`);
                    continue;
                }
            } else {
                permit.release();
            }
            if (retriesLeft > 0 && retry) {
                attempt++;
                this.log("debug", `${answered}; retrying in ${Math.round(delay)} ms (${retriesLeft} ${retriesLeft === 1 ? "retry" : "retries"} left)`);
                if (status !== 429) await sleep(delay, options.signal, req);
                continue;
            }
            throw this.apiError(status, text, requestId, req, header("location"));
        }
    }

    /** A place in flight from the limiter; a caller who aborts while waiting gets APIUserAbortError. */
    private async acquire(limiter: RequestLimiter, req: PreparedRequest, turn: Turn, signal: AbortSignal | undefined): Promise<Permit> {
        try {
            return await limiter.acquire({ turn, signal });
        } catch (error) {
            if (signal?.aborted) throw new APIUserAbortError(req.method, req.path);
            throw error;
        }
    }

    private url(req: PreparedRequest): string {
        const url = new URL(this.baseUrl + req.path);
        for (const [name, value] of Object.entries(req.query ?? {})) {
            if (value === undefined) continue;
            for (const one of typeof value === "object" ? value : [value]) url.searchParams.append(name, String(one));
        }
        return url.toString();
    }

    /** One request, over the pool of the limiter that let it out. */
    private async attempt(req: PreparedRequest, url: string, timeoutMs: number, signal: AbortSignal | undefined, limiter: RequestLimiter): Promise<Outcome> {
        const timeout = new AbortController();
        const timer = setTimeout(() => timeout.abort(), timeoutMs);
        const combined = signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal;
        try {
            const response = await request(url, {
                method: req.method,
                headers: {
                    authorization: `Bearer ${this.#adminKey}`,
                    accept: "application/json",
                    "user-agent": USER_AGENT,
                    ...(req.body === undefined ? {} : { "content-type": "application/json" }),
                },
                body: req.body === undefined ? undefined : JSON.stringify(req.body),
                signal: combined,
                dispatcher: this.#dispatcher ?? sharedDispatcher(limiter),
            });
            const headers = response.headers;
            const header: HeaderLookup = (name) => {
                const value = headers[name];
                return Array.isArray(value) ? value[0] : value;
            };
            const tooLarge = () => new ResponseTooLargeError(req.method, req.path, response.statusCode, this.requestIdOf(header), this.maxResponseBytes);
            const text = await readBoundedText(response.body, Number(header("content-length") ?? 0), this.maxResponseBytes, tooLarge);
            return { status: response.statusCode, header, text };
        } catch (error) {
            if (error instanceof OpenAIError) throw error;
            if (signal?.aborted) throw new APIUserAbortError(req.method, req.path);
            if (timeout.signal.aborted) throw new APITimeoutError(req.method, req.path, timeoutMs);
            throw new APIConnectionError(req.method, req.path, error, { secrets: [this.#adminKey], hint: this.hostNotFoundHint(error) });
        } finally {
            clearTimeout(timer);
        }
    }

    /** For a host with no address (ENOTFOUND, here or as the cause undici wraps), which URL that is and where it is set. */
    private hostNotFoundHint(error: unknown): string | undefined {
        const codes = [error, (error as { cause?: unknown } | undefined)?.cause].map((e) => (e as { code?: unknown } | undefined)?.code);
        if (!codes.includes("ENOTFOUND")) return undefined;
        return `${new URL(this.baseUrl).host} has no address: check the base URL ${this.baseUrl}, set in ${this.#baseUrlHint}`;
    }

    private parse<S extends z.ZodType>(schema: S, text: string, status: number, requestId: string | undefined, req: PreparedRequest): z.infer<S> {
        let json: unknown;
        try {
            json = JSON.parse(text);
        } catch {
            throw new InvalidResponseError(status, requestId, "(body)", `not JSON: ${JSON.stringify(this.redact(text.slice(0, 80)))}`, req.method, req.path);
        }
        const parsed = schema.safeParse(json);
        if (parsed.success) return parsed.data;
        const issue = parsed.error.issues[0]!;
        const field = issue.path.length > 0 ? issue.path.join(".") : "(body)";
        throw new InvalidResponseError(status, requestId, field, this.redact(issue.message), req.method, req.path);
    }

    /** The request id for errors and logs: redacted, since the server chose it, and cut to a sane length. */
    private requestIdOf(header: HeaderLookup): string | undefined {
        return this.redactField(header("x-request-id"));
    }

    private redactField(value: string | null | undefined): string | undefined {
        return value === undefined || value === null ? undefined : this.redact(value.slice(0, 200));
    }

    // Following a redirect would send the key to wherever the Location points; the caller names the API's URL instead.
    private redirectMessage(location: string | undefined): string {
        const target = location === undefined ? "no Location" : JSON.stringify(redactUrl(location.slice(0, 200)));
        return `redirected to ${target}, not followed: the admin key goes only to baseUrl (${this.baseUrl}); set baseUrl to the API's final URL`;
    }

    private apiError(status: number, text: string, requestId: string | undefined, req: PreparedRequest, location?: string): APIError {
        let body: ErrorWire["error"] | undefined;
        try {
            const parsed = ErrorWire.safeParse(JSON.parse(text));
            if (parsed.success) body = parsed.data.error;
        } catch {
            // Not JSON (a proxy's HTML page, say): the status alone must do.
        }
        const details: APIErrorDetails = {
            status,
            method: req.method,
            path: req.path,
            requestId,
            message: status >= 300 && status < 400 ? this.redirectMessage(location) : body?.message === undefined ? undefined : this.redact(body.message),
            // Echoed back by a hostile or broken server, any of these could hold the key.
            type: this.redactField(body?.type),
            code: this.redactField(body?.code === undefined || body.code === null ? undefined : String(body.code)),
            param: this.redactField(body?.param),
        };
        // Recognised by its code, whatever the status: it is the one answer a caller handles apart from the rest.
        if (details.code === AUDIT_LOGGING_DISABLED_CODE) return new AuditLogDisabledError(details);
        if (status === 400 || status === 422) return new BadRequestError(details);
        if (status === 401) return new AuthenticationError(details);
        if (status === 403) return new PermissionDeniedError(details);
        if (status === 404) return new NotFoundError(details);
        if (status === 409) return new ConflictError(details);
        if (status === 429) return new RateLimitError(details);
        if (status >= 500) return new InternalServerError(details);
        return new APIError(details);
    }
}

/**
 * The body as text, refusing it as soon as it is known to exceed `maxBytes`: from its declared length before
 * a byte is read, else while it streams. Destroying the stream closes the connection, so a server that
 * streams without end is cut off rather than read to the timeout.
 */
async function readBoundedText(body: Dispatcher.ResponseData["body"], declaredBytes: number, maxBytes: number, tooLarge: () => Error): Promise<string> {
    if (declaredBytes > maxBytes) {
        // Destroyed before anyone reads it, the body reports an AbortError that no reader is there to catch.
        body.on("error", () => undefined);
        body.destroy();
        throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let received = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > maxBytes) {
            body.destroy();
            throw tooLarge();
        }
        chunks.push(chunk);
    }
    return Buffer.concat(chunks, received).toString("utf8");
}

interface Outcome {
    status: number;
    header: HeaderLookup;
    text: string;
}

function sleep(ms: number, signal: AbortSignal | undefined, req: PreparedRequest): Promise<void> {
    return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(new APIUserAbortError(req.method, req.path));
        const onAbort = () => {
            clearTimeout(timer);
            reject(new APIUserAbortError(req.method, req.path));
        };
        const timer = setTimeout(() => {
            signal?.removeEventListener("abort", onAbort);
            resolve();
        }, ms);
        signal?.addEventListener("abort", onAbort, { once: true });
    });
}

/** An HTTP date (`Sun, 06 Dec 2026 08:49:37 GMT`) in Unix seconds; undefined if missing or unreadable. */
function unixSecondsOf(httpDate: string | undefined): number | undefined {
    const ms = httpDate === undefined ? NaN : Date.parse(httpDate);
    return Number.isFinite(ms) ? Math.floor(ms / 1000) : undefined;
}

function checkBaseUrl(value: string): string {
    // Every message shows the value without its userinfo: a password must not reach a CI log.
    const shown = redactUrl(value);
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        throw new InvalidArgumentError("baseUrl", shown, "must be an absolute http(s) URL such as https://api.openai.com/v1");
    }
    if (url.username || url.password) {
        throw new InvalidArgumentError("baseUrl", shown, "must not carry credentials (user:password@): the client authenticates with the admin key alone");
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new InvalidArgumentError("baseUrl", shown, "must be an http(s) URL");
    }
    // The key travels in every request: in clear text only to this machine (the emulator, a local proxy).
    if (url.protocol === "http:" && !isLoopback(url.hostname)) {
        throw new InvalidArgumentError("baseUrl", shown, "must use https unless the host is this machine (localhost, 127.0.0.0/8, [::1])");
    }
    if (url.search || url.hash) {
        throw new InvalidArgumentError("baseUrl", shown, "must not carry a query or fragment");
    }
    return url.toString().replace(/\/+$/, "");
}

function isLoopback(hostname: string): boolean {
    return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}
