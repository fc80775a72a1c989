/**
 * Servers that try to get the key out: redirects to another origin, a certificate nobody vouches for, and
 * answers that echo the key back. The key must reach no one but the configured base URL, and no error may
 * hold it.
 */
import { describe, expect, it } from "vitest";
import { generate } from "selfsigned";
import { APIConnectionError, APIError, CheckpointPermissionsClient, RequestLimiter } from "../../provider/client";
import {
    CHECKPOINT,
    everythingIn,
    failure,
    FAULT_KEY,
    faultClient,
    hostileServers,
    sendJson,
} from "./hostile-server";

const serve = hostileServers();

describe("a redirect to another origin (held)", () => {
    it.each([301, 302, 303, 307, 308])("%i is not followed, so the other origin never sees the key", async (status) => {
        const elsewhere = await serve((_req, res) => sendJson(res, 200, "{}"));
        const hostile = await serve((req, res) => {
            res.writeHead(status, { location: `${elsewhere.origin}${req.url}` });
            res.end();
        });
        const error = await failure(faultClient(hostile).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(APIError);
        expect(error).toMatchObject({ status });
        expect(error.message).toContain(`redirected to "${elsewhere.origin}/v1/fine_tuning/checkpoints/`);
        expect(error.message).toContain("not followed");
        expect(elsewhere.received).toHaveLength(0);
        expect(everythingIn(error)).not.toContain(FAULT_KEY);
    });

    it("names the target without credentials it carries", async () => {
        const hostile = await serve((_req, res) => {
            res.writeHead(307, { location: "https://collector:s3cretPassw0rd@evil.example/steal" });
            res.end();
        });
        const error = await failure(faultClient(hostile).permissions.listAll(CHECKPOINT));
        expect(error.message).toContain('redirected to "https://[redacted]@evil.example/steal"');
        expect(everythingIn(error)).not.toContain("s3cretPassw0rd");
    });
});

describe("a self-signed certificate (held)", () => {
    it("fails the TLS handshake before any request, and so before the key is sent", async () => {
        const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
            keySize: 2048,
            algorithm: "sha256",
            extensions: [{ name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] }],
        });
        // Generated here, for this test only: no private key is kept in the repository.
        const hostile = await serve((_req, res) => sendJson(res, 200, "{}"), { key: pems.private, cert: pems.cert });
        expect(hostile.baseUrl).toMatch(/^https:/);
        const error = await failure(faultClient(hostile).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(APIConnectionError);
        expect(error.message).toMatch(/self[- ]signed certificate/i);
        expect(hostile.received).toHaveLength(0);
        expect(everythingIn(error)).not.toContain(FAULT_KEY);
    });
});

describe("a server that echoes the key back (held)", () => {
    const echoes: Array<[string, (key: string) => { status: number; body: string; headers?: Record<string, string> }]> = [
        ["in an error message", (key) => ({ status: 401, body: JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, type: "invalid_request_error", code: "invalid_api_key", param: null } }) })],
        ["in an error's code, type and param", (key) => ({ status: 400, body: JSON.stringify({ error: { message: "bad", type: key, code: key, param: key } }) })],
        ["in a body that is not JSON", (key) => ({ status: 200, body: `key=${key}` })],
        ["in a body of the wrong shape", (key) => ({ status: 200, body: JSON.stringify({ object: key, data: [] }) })],
        ["in the request id", (key) => ({ status: 500, body: "{}", headers: { "x-request-id": key } })],
    ];

    it.each(echoes)("%s: the key-shaped key is redacted everywhere", async (_where, answer) => {
        const hostile = await serve((_req, res) => {
            const { status, body, headers } = answer(FAULT_KEY);
            sendJson(res, status, body, headers);
        });
        const error = await failure(faultClient(hostile).permissions.listAll(CHECKPOINT));
        expect(everythingIn(error)).not.toContain(FAULT_KEY);
        expect(everythingIn(error)).not.toContain(FAULT_KEY.slice(-12));
    });

    it.each(echoes)("%s: a key that does not look like one is redacted too", async (_where, answer) => {
        // A gateway's own token, say: only the client knows it is the secret.
        const key = "gateway-token-7f3a9c1e5b2d8f4a";
        const hostile = await serve((_req, res) => {
            const { status, body, headers } = answer(key);
            sendJson(res, status, body, headers);
        });
        const client = new CheckpointPermissionsClient({ adminKey: key, baseUrl: hostile.baseUrl, maxRetries: 0, limiter: new RequestLimiter(8) });
        const error = await failure(client.permissions.listAll(CHECKPOINT));
        expect(hostile.received[0]?.authorization).toBe(`Bearer ${key}`);
        expect(everythingIn(error)).not.toContain(key);
    });
});
