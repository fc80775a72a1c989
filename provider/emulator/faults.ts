/**
 * Scripted misbehaviour, so tests can see how a client copes with a slow, failing or lying API.
 *
 * Faults wait in a queue. Each API request (never a `/_emulator` control request) takes the first queued
 * fault whose matcher fits it; the fault's `times` counts down and the fault leaves the queue at zero.
 * A request takes at most one fault.
 */
import { z } from "zod";

/**
 * The API operations, by short name: a checkpoint's permissions (`list`, `create`, `delete`) and the organization
 * admin listings (`list-audit-logs`, `list-projects`, the spec's operation ids).
 */
export type Operation = "list" | "create" | "delete" | "list-audit-logs" | "list-projects";

/** The operations that list, which a stuck cursor bends. */
const LISTINGS: ReadonlySet<Operation | undefined> = new Set(["list", "list-audit-logs", "list-projects"]);

/** Which requests a fault applies to; every given field must match, and an empty matcher matches all. */
export interface FaultMatcher {
    /** HTTP method, case-insensitive. */
    method?: string;
    operation?: Operation;
    /** A substring of the request path, compared with the path as sent and with its percent-decoded form. */
    pathIncludes?: string;
}

interface FaultCommon {
    match?: FaultMatcher;
    /** How many matching requests the fault applies to; default 1. */
    times?: number;
}

/** Waits, then handles the request normally. */
export interface LatencyFault extends FaultCommon {
    kind: "latency";
    delayMs: number;
}

/** Answers with an error status and an OpenAI-shaped body, without touching state. */
export interface StatusFault extends FaultCommon {
    kind: "status";
    /** 400 to 599, e.g. 408, 429, 500, 502, 503. */
    status: number;
    delayMs?: number;
    /** Overrides the default message/type/code/param chosen for the status. */
    message?: string;
    type?: string;
    code?: string | null;
    param?: string | null;
    /** The `Retry-After` header: seconds, or an HTTP date as a string. */
    retryAfter?: number | string;
    /** The `retry-after-ms` header OpenAI's SDKs honour. */
    retryAfterMs?: number;
    /** The `x-should-retry` header (`true`/`false`) that OpenAI sends to override a client's retry decision. */
    shouldRetry?: boolean;
    /** Further response headers. */
    headers?: Record<string, string>;
}

/** Destroys the connection without any response, as a dropped connection or crashed proxy would. */
export interface ResetFault extends FaultCommon {
    kind: "reset";
    delayMs?: number;
}

/** Answers 200 with a body the client cannot use: not JSON at all, or JSON that fits no response schema. */
export interface MalformedFault extends FaultCommon {
    kind: "malformed";
    body: "invalid-json" | "wrong-shape";
    delayMs?: number;
}

/**
 * A listing whose cursor never gets anywhere (a server bug a client must not loop on forever).
 * `repeat-page`: the first page is answered whatever `after` says, with `has_more: true`, so `last_id`
 * does not advance. `empty-page`: no data, null ids, `has_more: true`.
 * Applies only to listings (a checkpoint's permissions, the audit log, the projects), after auth and validation succeed.
 */
export interface StuckCursorFault extends FaultCommon {
    kind: "stuck-cursor";
    variant: "repeat-page" | "empty-page";
}

export type Fault = LatencyFault | StatusFault | ResetFault | MalformedFault | StuckCursorFault;

const Delay = z.number().int().min(0).max(600_000);

const FaultCommonShape = {
    match: z
        .strictObject({
            method: z.string().min(1).optional(),
            operation: z.enum(["list", "create", "delete", "list-audit-logs", "list-projects"]).optional(),
            pathIncludes: z.string().min(1).optional(),
        })
        .optional(),
    times: z.number().int().min(1).optional(),
};

const FaultSchema = z.discriminatedUnion("kind", [
    z.strictObject({ ...FaultCommonShape, kind: z.literal("latency"), delayMs: Delay }),
    z.strictObject({
        ...FaultCommonShape,
        kind: z.literal("status"),
        status: z.number().int().min(400).max(599),
        delayMs: Delay.optional(),
        message: z.string().optional(),
        type: z.string().optional(),
        code: z.string().nullable().optional(),
        param: z.string().nullable().optional(),
        retryAfter: z.union([z.number().nonnegative(), z.string().min(1)]).optional(),
        retryAfterMs: z.number().nonnegative().optional(),
        shouldRetry: z.boolean().optional(),
        headers: z.record(z.string(), z.string()).optional(),
    }),
    z.strictObject({ ...FaultCommonShape, kind: z.literal("reset"), delayMs: Delay.optional() }),
    z.strictObject({
        ...FaultCommonShape,
        kind: z.literal("malformed"),
        body: z.enum(["invalid-json", "wrong-shape"]),
        delayMs: Delay.optional(),
    }),
    z.strictObject({
        ...FaultCommonShape,
        kind: z.literal("stuck-cursor"),
        variant: z.enum(["repeat-page", "empty-page"]),
    }),
]);

// Keeps the hand-written union (readable in editors and docs) and the schema from drifting apart.
const _schemaMatchesType: z.ZodType<Fault> = FaultSchema;
void _schemaMatchesType;

export class InvalidFaultError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InvalidFaultError";
    }
}

/** Validates an untrusted fault (from the control endpoint or a test). */
export function parseFault(value: unknown): Fault {
    const result = FaultSchema.safeParse(value);
    if (result.success) return result.data;
    const problems = result.error.issues.map((issue) => `${issue.path.join(".") || "(fault)"}: ${issue.message}`);
    throw new InvalidFaultError(`Invalid fault: ${problems.join("; ")}`);
}

/** What a fault is matched against. */
export interface FaultTarget {
    readonly method: string;
    /** Undefined when the request is no API operation (unknown route or method). */
    readonly operation: Operation | undefined;
    readonly rawPath: string;
}

/** A queued fault with how many more requests it applies to. */
export interface PendingFault {
    readonly fault: Fault;
    readonly remaining: number;
}

function safeDecode(path: string): string {
    try {
        return decodeURIComponent(path);
    } catch {
        return path;
    }
}

function matches(fault: Fault, target: FaultTarget): boolean {
    if (fault.kind === "stuck-cursor" && !LISTINGS.has(target.operation)) return false;
    const matcher = fault.match ?? {};
    if (matcher.method !== undefined && matcher.method.toUpperCase() !== target.method.toUpperCase()) return false;
    if (matcher.operation !== undefined && matcher.operation !== target.operation) return false;
    if (matcher.pathIncludes !== undefined) {
        const needle = matcher.pathIncludes;
        if (!target.rawPath.includes(needle) && !safeDecode(target.rawPath).includes(needle)) return false;
    }
    return true;
}

export class FaultQueue {
    private queue: Array<{ fault: Fault; remaining: number }> = [];

    add(fault: Fault): void {
        const valid = parseFault(fault);
        this.queue.push({ fault: valid, remaining: valid.times ?? 1 });
    }

    /** Takes (consumes one use of) the first queued fault that matches, if any. */
    take(target: FaultTarget): Fault | undefined {
        const index = this.queue.findIndex((entry) => matches(entry.fault, target));
        const entry = this.queue[index];
        if (!entry) return undefined;
        entry.remaining -= 1;
        if (entry.remaining === 0) this.queue.splice(index, 1);
        return entry.fault;
    }

    pending(): PendingFault[] {
        // Copies, so a caller cannot edit a queued fault behind the queue's back.
        return this.queue.map((entry) => ({ fault: structuredClone(entry.fault), remaining: entry.remaining }));
    }

    clear(): void {
        this.queue = [];
    }
}

/** The OpenAI-shaped error a status fault answers with, unless the fault overrides parts of it. */
export function statusFaultError(fault: StatusFault): { message: string; type: string; code: string | null } {
    const defaults: Record<number, { message: string; type: string; code: string | null }> = {
        408: { message: "Request timed out.", type: "timeout", code: null },
        409: { message: "The request conflicted with another request.", type: "invalid_request_error", code: null },
        429: {
            message: "Rate limit reached for requests. Please try again later.",
            type: "requests",
            code: "rate_limit_exceeded",
        },
        500: {
            message: "The server had an error while processing your request. Sorry about that!",
            type: "server_error",
            code: null,
        },
        502: { message: "Bad gateway.", type: "server_error", code: null },
        503: { message: "The server is overloaded or not ready yet.", type: "server_error", code: null },
        504: { message: "Gateway timeout.", type: "server_error", code: null },
    };
    const base = defaults[fault.status] ?? {
        message: `Emulated error (HTTP ${fault.status}).`,
        type: fault.status >= 500 ? "server_error" : "invalid_request_error",
        code: null,
    };
    return {
        message: fault.message ?? base.message,
        type: fault.type ?? base.type,
        code: fault.code === undefined ? base.code : fault.code,
    };
}

/** Response headers a status fault asks for. */
export function statusFaultHeaders(fault: StatusFault): Record<string, string> {
    const headers: Record<string, string> = { ...fault.headers };
    if (fault.retryAfter !== undefined) headers["retry-after"] = String(fault.retryAfter);
    if (fault.retryAfterMs !== undefined) headers["retry-after-ms"] = String(fault.retryAfterMs);
    if (fault.shouldRetry !== undefined) headers["x-should-retry"] = String(fault.shouldRetry);
    return headers;
}

/** Bodies for the `malformed` fault: neither parses as any of the spec's responses. */
export const MALFORMED_BODIES: Record<MalformedFault["body"], string> = {
    "invalid-json": '{"object": "list", "data": [{"object": "checkpoint.permission", "id": ',
    "wrong-shape": JSON.stringify({ object: "unexpected", data: [{ id: 42 }], has_more: "maybe" }),
};
