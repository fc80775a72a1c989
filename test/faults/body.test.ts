/**
 * Response bodies a server or proxy can get wrong: without end, too large, cut short, not JSON, slow, never
 * sent. Each ends in bounded time and memory with the error a caller can act on.
 */
import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import {
    APIConnectionError,
    APITimeoutError,
    DEFAULT_MAX_RESPONSE_BYTES,
    InternalServerError,
    InvalidResponseError,
    ResponseTooLargeError,
} from "../../provider/client";
import { CHECKPOINT, failure, faultClient, hostileServers, sendJson } from "./hostile-server";

const serve = hostileServers();

/** Writes 16 KiB chunks for as long as the client reads them, as a runaway proxy would. */
function streamForever(res: ServerResponse, status: number): void {
    res.writeHead(status, { "content-type": "application/json" });
    const chunk = Buffer.alloc(16 * 1024, "x");
    const write = () => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once("drain", write);
    };
    write();
}

describe("a body without end", () => {
    it.each([200, 502])("is cut off at maxResponseBytes (HTTP %i), and the connection closed", async (status) => {
        const hostile = await serve((_req, res) => streamForever(res, status));
        const error = await failure(faultClient(hostile, { maxResponseBytes: 64 * 1024, maxRetries: 2 }).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(ResponseTooLargeError);
        expect(error).toMatchObject({ status, maxResponseBytes: 65_536 });
        expect(error.message).toContain("larger than maxResponseBytes (65536 bytes)");
        await hostile.connectionClosed;
        // The same server would send the same again: not retried.
        expect(hostile.received).toHaveLength(1);
    });

    it("is cut off at the 4 MiB default", async () => {
        const hostile = await serve((_req, res) => streamForever(res, 200));
        const error = await failure(faultClient(hostile).permissions.listAll(CHECKPOINT));
        expect(error).toMatchObject({ name: "ResponseTooLargeError", maxResponseBytes: DEFAULT_MAX_RESPONSE_BYTES });
        expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(4 * 1024 * 1024);
    });

    it("is refused from its declared length, before a byte of it is read", async () => {
        // Declares 10 MB, sends a little, then stalls: waiting for the rest would end in a timeout instead.
        const hostile = await serve((_req, res) => {
            res.writeHead(200, { "content-type": "application/json", "content-length": String(10_000_000) });
            res.write("{");
        });
        const error = await failure(faultClient(hostile, { timeoutMs: 10_000 }).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(ResponseTooLargeError);
    });

    it("is refused from its declared length when all of it arrives too, leaving no error behind", async () => {
        // The body is on its way when the client refuses it; destroying it must not surface as an uncaught error.
        const hostile = await serve((_req, res) => sendJson(res, 200, JSON.stringify({ object: "list", data: [], has_more: false, padding: "x".repeat(4096) })));
        const error = await failure(faultClient(hostile, { maxResponseBytes: 1024 }).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(ResponseTooLargeError);
        await hostile.connectionClosed;
    });
});

describe("bodies that already end in a clear error (held)", () => {
    it("says truncated JSON is not JSON", async () => {
        const hostile = await serve((_req, res) => sendJson(res, 200, '{"object":"list","data":[{"object":"checkpoint.permission","id":'));
        const error = await failure(faultClient(hostile).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(InvalidResponseError);
        expect(error).toMatchObject({ status: 200, field: "(body)" });
        expect(error.message).toMatch(/\(body\): not JSON/);
    });

    it("reports a proxy's HTML 502 page as InternalServerError after the retries", async () => {
        const hostile = await serve((_req, res) => {
            const html = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>";
            res.writeHead(502, { "content-type": "text/html" });
            res.end(html);
        });
        const error = await failure(faultClient(hostile, { maxRetries: 1, timeoutMs: 2_000 }).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(InternalServerError);
        expect(error).toMatchObject({ status: 502 });
        expect(error.message).toContain("(no error message in the response)");
        expect(hostile.received).toHaveLength(2);
    });

    it("times out a body that trickles in", async () => {
        const hostile = await serve((_req, res) => {
            res.writeHead(200, { "content-type": "application/json" });
            const drip = setInterval(() => res.write(" "), 10);
            res.on("close", () => clearInterval(drip));
        });
        const error = await failure(faultClient(hostile, { timeoutMs: 150 }).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(APITimeoutError);
        expect(error.message).toContain("150 ms");
    });

    it("times out a server that never answers", async () => {
        const hostile = await serve(() => undefined);
        const error = await failure(faultClient(hostile, { timeoutMs: 100 }).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(APITimeoutError);
    });

    it("reports a connection reset mid-body as APIConnectionError after the retries", async () => {
        const hostile = await serve((req, res) => {
            res.writeHead(200, { "content-type": "application/json", "content-length": "1000" });
            res.write('{"object":"list","data":[', () => req.socket.destroy());
        });
        const error = await failure(faultClient(hostile, { maxRetries: 1 }).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(APIConnectionError);
        expect(error).not.toBeInstanceOf(APITimeoutError);
        expect(hostile.received).toHaveLength(2);
    });
});
