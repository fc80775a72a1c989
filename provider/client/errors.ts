/**
 * One error class per failure a caller handles differently. Every class extends {@link OpenAIError}, so
 * `catch (e) { if (e instanceof OpenAIError) … }` catches everything this client throws.
 *
 * Messages are redacted (see redact.ts) before they are stored: no error ever holds the admin key.
 */
import type { ListingLimitName } from "./limits";
import { redact } from "./redact";

/** The base of every error thrown by this package's client. */
export class OpenAIError extends Error {
    constructor(message: string, options?: { cause?: unknown; secrets?: ReadonlyArray<string | undefined> }) {
        super(redact(message, options?.secrets), options?.cause === undefined ? undefined : { cause: sanitizeCause(options.cause, options.secrets) });
        this.name = new.target.name;
    }
}

/** An argument was rejected before any request went out. */
export class InvalidArgumentError extends OpenAIError {
    /** The rejected value: as given if a number, boolean, null or undefined; else its redacted text. */
    readonly value: unknown;

    constructor(
        /** The argument's name, as the caller wrote it (e.g. `checkpoint`, `projectIds[2]`). */
        readonly argument: string,
        value: unknown,
        reason: string,
    ) {
        super(`Invalid argument ${argument}: ${reason} (got ${describeValue(value)})`);
        // A string, array or object could hold a key pasted by mistake: keep only its redacted text.
        this.value = typeof value === "string" ? redact(value) : value !== null && typeof value === "object" ? describeValue(value) : value;
    }
}

/** No admin key was given and none is in the environment. */
export class MissingAdminKeyError extends OpenAIError {
    /** `hint`: how to give the key where the client's options come from, ending in a comma (default: the client's option). */
    constructor(hint = "Pass `adminKey` to the client,") {
        super(`No OpenAI admin key. ${hint} or set OPENAI_ADMIN_KEY. Checkpoint permissions need an organization admin key (sk-admin-…), not a project key.`);
    }
}

/** What the API said about a failed request, parsed from its `{ error: {…} }` body where it sent one. */
export interface APIErrorDetails {
    readonly status: number;
    readonly method: string;
    /** The request path below the base URL, e.g. `/fine_tuning/checkpoints/ft:…/permissions`. */
    readonly path: string;
    readonly requestId: string | undefined;
    readonly message: string | undefined;
    readonly type: string | undefined;
    readonly code: string | undefined;
    readonly param: string | undefined;
}

/** The API answered with an error status. Subclasses name the statuses a caller handles differently. */
export class APIError extends OpenAIError {
    readonly status: number;
    readonly requestId: string | undefined;
    /** OpenAI's error `type`, e.g. `invalid_request_error`. */
    readonly type: string | undefined;
    /** OpenAI's error `code`, e.g. `invalid_api_key`. */
    readonly code: string | undefined;
    /** The request parameter OpenAI blamed, e.g. `limit`. */
    readonly param: string | undefined;

    constructor(details: APIErrorDetails, hint?: string) {
        const what = details.message ?? "(no error message in the response)";
        const where = `${details.method} ${details.path}`;
        const id = details.requestId ? `, request ${details.requestId}` : "";
        super(`${details.status} ${what} [${where}${id}]${hint ? ` ${hint}` : ""}`);
        this.status = details.status;
        this.requestId = details.requestId;
        this.type = details.type;
        this.code = details.code;
        this.param = details.param;
    }
}

const ADMIN_KEY_HINT =
    "Checkpoint permissions need an organization admin key (sk-admin-…), created by an organization owner " +
    "under Settings → Admin keys; a project key (sk-proj-…) or user key is not enough.";

/** 400 or 422: the request was malformed; retrying will not help. */
export class BadRequestError extends APIError {}
/** 401: the key is missing, wrong or revoked. */
export class AuthenticationError extends APIError {
    constructor(details: APIErrorDetails) {
        super(details, ADMIN_KEY_HINT);
    }
}
/** 403: the key is valid but lacks a scope, typically because it is not an admin key. */
export class PermissionDeniedError extends APIError {
    constructor(details: APIErrorDetails) {
        super(details, ADMIN_KEY_HINT);
    }
}
/** 404: the checkpoint or permission does not exist (or the key cannot see it). */
export class NotFoundError extends APIError {}
/** 409: the request conflicts with the current state. */
export class ConflictError extends APIError {}
/** 429: still rate limited after every retry. */
export class RateLimitError extends APIError {}
/** 5xx: OpenAI failed; still failing after every retry. */
export class InternalServerError extends APIError {}

/**
 * The error code the API answers the audit-log listing with while the organization's audit logging is off.
 * OpenAI documents no answer for that case; this is the emulator's (see its README), and the one the client
 * recognises, whatever the status.
 */
export const AUDIT_LOGGING_DISABLED_CODE = "audit_logging_disabled";

/**
 * The organization's audit logging is off, so there is no audit log to list. Not retried. It is not a
 * {@link PermissionDeniedError}: the key is fine, and everything but the audit log works. An organization owner
 * turns it on in the dashboard (Settings → Data controls → Data retention → Audit logging); OpenAI does not let it
 * be turned off again, and events from before it was on are never in the log.
 */
export class AuditLogDisabledError extends APIError {
    constructor(details: APIErrorDetails) {
        super(details, "Audit logging is off for this organization; an organization owner turns it on under Settings → Data controls → Data retention.");
    }
}

/** The request never got an HTTP answer: refused, reset, DNS, TLS. */
export class APIConnectionError extends OpenAIError {
    constructor(
        readonly method: string,
        readonly path: string,
        cause: unknown,
        options: { message?: string; secrets?: ReadonlyArray<string | undefined>; hint?: string } = {},
    ) {
        const message = options.message ?? `Connection error on ${method} ${path}: ${causeMessage(cause)}`;
        super(options.hint === undefined ? message : `${message}. ${options.hint}`, { cause, secrets: options.secrets });
    }
}

/** An attempt took longer than the client's timeout. */
export class APITimeoutError extends APIConnectionError {
    constructor(method: string, path: string, readonly timeoutMs: number) {
        super(method, path, undefined, { message: `Request timed out after ${timeoutMs} ms on ${method} ${path}` });
    }
}

/** The caller's AbortSignal fired. */
export class APIUserAbortError extends OpenAIError {
    constructor(method: string, path: string) {
        super(`Request aborted by the caller on ${method} ${path}`);
    }
}

/** A 2xx response whose body does not fit the API's schema. */
export class InvalidResponseError extends OpenAIError {
    constructor(
        readonly status: number,
        readonly requestId: string | undefined,
        /** The first offending field, dotted (e.g. `data.3.project_id`), or `(body)` when it is not JSON. */
        readonly field: string,
        detail: string,
        method: string,
        path: string,
    ) {
        super(`Unexpected response to ${method} ${path} (HTTP ${status}${requestId ? `, request ${requestId}` : ""}): ${field}: ${detail}`);
    }
}

/**
 * A response body grew past `maxResponseBytes` (default 4 MiB): the client stopped reading and closed the
 * connection. Real answers are a few kilobytes; a proxy or server streaming without end is the usual cause.
 * Not retried: the same server would send the same.
 */
export class ResponseTooLargeError extends OpenAIError {
    constructor(
        readonly method: string,
        readonly path: string,
        readonly status: number,
        readonly requestId: string | undefined,
        /** The configured bound, in bytes. */
        readonly maxResponseBytes: number,
    ) {
        super(
            `Response to ${method} ${path} (HTTP ${status}${requestId ? `, request ${requestId}` : ""}) is larger than maxResponseBytes ` +
                `(${maxResponseBytes} bytes); the client stopped reading it. A real answer is a few kilobytes: check the base URL and any proxy, or raise maxResponseBytes.`,
        );
    }
}

/**
 * A listing went past one of its bounds (`ListingLimits`): `maxPages`, the bound on its items (`maxPermissions`,
 * `maxEvents` or `maxProjects`) or `deadlineMs`. Either the server keeps saying `has_more`, or there really are
 * more than the limits allow. Also a read of the organization's shared checkpoints whose audit log and `include`
 * name more checkpoints than `maxCandidates`: then `listing` is the audit log and `items` the candidates.
 */
export class ListingLimitError extends OpenAIError {
    constructor(
        /** What was listed, e.g. `ft:…'s permissions`, `the audit log`, `the organization's projects`. */
        readonly listing: string,
        /** Which bound was exceeded, as named in `ListingLimits`. */
        readonly limit: ListingLimitName,
        /** The bound's value. */
        readonly bound: number,
        /** Pages fetched before the listing stopped. */
        readonly pages: number,
        /** Distinct items (permissions, events, projects; candidates for `maxCandidates`) seen before the listing stopped. */
        readonly items: number,
    ) {
        const what = limit === "deadlineMs" ? `${bound} ms` : limit === "maxPages" ? `${bound} pages` : `${bound} ${limit.slice(3).toLowerCase()}`;
        super(
            limit === "maxCandidates"
                ? `Finding the shared checkpoints in ${listing} exceeded listingLimits.maxCandidates (${what}) after ${pages} pages and ${items} checkpoints to confirm, ` +
                      `so no result is given rather than one that leaves some out. If the organization really has shared that many, raise listingLimits.maxCandidates; ` +
                      `otherwise the server names new checkpoints without end.`
                : `Listing ${listing} exceeded listingLimits.${limit} (${what}) after ${pages} pages and ${items} items. ` +
                      `If there really are that many, raise listingLimits.${limit}; otherwise the server keeps answering has_more.`,
        );
    }
}

/** A listing that would never end: `has_more` with no way forward. */
export class PaginationError extends OpenAIError {
    constructor(
        /** What was listed, as in {@link ListingLimitError.listing}. */
        readonly listing: string,
        readonly after: string | undefined,
        detail: string,
    ) {
        super(`Pagination of ${listing} cannot advance${after ? ` past ${after}` : ""}: ${detail}`);
    }
}

/** How much of a rejected value a message shows: enough to recognize it, never a pasted document. */
const SHOWN_VALUE_LENGTH = 120;

function describeValue(value: unknown): string {
    if (value === undefined) return "undefined";
    let text: string;
    try {
        text = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
    } catch {
        text = String(value);
    }
    // Redact before cutting, so a cut cannot split a key out of the pattern that finds it.
    const clean = redact(text);
    const shown = clean.length <= SHOWN_VALUE_LENGTH ? clean : clean.slice(0, SHOWN_VALUE_LENGTH);
    const quoted = typeof value === "string" ? JSON.stringify(shown) : shown;
    return shown === clean ? quoted : `${quoted}… (${text.length} characters)`;
}

function causeMessage(cause: unknown): string {
    if (cause instanceof Error) {
        const code = (cause as { code?: unknown }).code;
        return typeof code === "string" ? `${cause.message} (${code})` : cause.message;
    }
    return String(cause);
}

/** Causes come from undici or Node; keep their name, message and code, never their request options. */
function sanitizeCause(cause: unknown, secrets?: ReadonlyArray<string | undefined>): unknown {
    if (!(cause instanceof Error)) return cause === undefined ? undefined : redact(String(cause), secrets);
    const copy = new Error(redact(cause.message, secrets));
    copy.name = cause.name;
    const code = (cause as { code?: unknown }).code;
    if (typeof code === "string") (copy as { code?: string }).code = code;
    return copy;
}
