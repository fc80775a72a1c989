/**
 * Reading requests and writing responses on node:http, with the headers every emulator response carries.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, bodyTooLarge } from "./errors";

/** Request bodies are tiny (`{"project_ids": [...]}`); anything past this is refused rather than buffered. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface RequestTarget {
    /** The path exactly as sent, still percent-encoded, without the query. */
    readonly rawPath: string;
    readonly query: URLSearchParams;
}

/**
 * Splits the request target by hand rather than with `new URL()`, which would normalise the path
 * (resolving `.`/`..` segments), and a checkpoint id is opaque text that must arrive untouched.
 */
export function splitTarget(url: string): RequestTarget {
    let target = url;
    if (/^https?:\/\//i.test(target)) {
        // Absolute form (sent to proxies): keep only the path and query.
        const afterAuthority = target.indexOf("/", target.indexOf("//") + 2);
        target = afterAuthority < 0 ? "/" : target.slice(afterAuthority);
    }
    const queryStart = target.indexOf("?");
    if (queryStart < 0) return { rawPath: target, query: new URLSearchParams() };
    return { rawPath: target.slice(0, queryStart), query: new URLSearchParams(target.slice(queryStart + 1)) };
}

/** The query as a plain record for the request log; of repeated parameters the first wins, as `get()` does. */
export function queryRecord(query: URLSearchParams): Record<string, string> {
    const record: Record<string, string> = {};
    for (const [name, value] of query) {
        if (!Object.hasOwn(record, name)) record[name] = value;
    }
    return record;
}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<string> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
                reject(bodyTooLarge(limit));
                req.removeAllListeners("data");
                req.resume();
                return;
            }
            chunks.push(chunk);
        });
        req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
        req.on("error", reject);
    });
}

/**
 * Writes one response (or drops the connection) and reports the outcome once, for the request log.
 * Every response gets a fresh `x-request-id`, errors and faults included, as OpenAI's do.
 */
export class Responder {
    private answered = false;
    /** Headers every answer carries (the rate limit's), under the answer's own. */
    private extraHeaders: Record<string, string> = {};

    constructor(
        private readonly req: IncomingMessage,
        private readonly res: ServerResponse,
        readonly requestId: string,
        private readonly onOutcome: (status: number) => void = () => {},
    ) {}

    addHeaders(headers: Readonly<Record<string, string>>): void {
        Object.assign(this.extraHeaders, headers);
    }

    json(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): void {
        this.raw(status, JSON.stringify(body), headers);
    }

    error(error: ApiError): void {
        this.json(error.status, error.toBody(), error.headers);
    }

    raw(status: number, text: string, headers: Readonly<Record<string, string>> = {}): void {
        if (this.answered) return;
        this.answered = true;
        // Logged before writing, so by the time a client holds the response the log already shows it.
        this.onOutcome(status);
        if (this.res.destroyed) return;
        this.res.writeHead(status, {
            ...this.extraHeaders,
            ...headers,
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(text)),
            "x-request-id": this.requestId,
        });
        this.res.end(text);
    }

    /** Destroys the connection without a response; logged with status 0. */
    reset(): void {
        if (this.answered) return;
        this.answered = true;
        this.onOutcome(0);
        this.req.socket.destroy();
    }
}
