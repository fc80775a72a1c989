import { Agent, request } from "node:http";
import { once } from "node:events";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { DEFAULT_ADMIN_KEY, startEmulator } from "../../provider/emulator";
import { ADMIN_KEY, call, expectList, permissionsUrl, REQUEST_ID } from "./support/http";
import { assertSchema } from "./support/spec";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
const seed = { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner" } } };

describe("starting and stopping", () => {
    it("listens on a free loopback port and reports it", async () => {
        const emulator = await startEmulator();
        try {
            expect(emulator.host).toBe("127.0.0.1");
            expect(emulator.port).toBeGreaterThan(0);
            expect(emulator.baseUrl).toBe(`http://127.0.0.1:${emulator.port}/v1`);
            expect(emulator.adminKey).toBe(DEFAULT_ADMIN_KEY);
            expect(DEFAULT_ADMIN_KEY).toBe(ADMIN_KEY);
        } finally {
            await emulator.close();
        }
    });

    it("refuses an admin key that would pass for a project key, and a bad port", async () => {
        await expect(startEmulator({ adminKey: "sk-proj-abc" })).rejects.toThrow(/sk-proj-/);
        await expect(startEmulator({ adminKey: "" })).rejects.toThrow(/admin key/);
        await expect(startEmulator({ port: 70_000 })).rejects.toThrow(/port/);
    });

    it("fails to start on a port in use", async () => {
        const first = await startEmulator();
        try {
            await expect(startEmulator({ port: first.port })).rejects.toThrow(/EADDRINUSE/);
        } finally {
            await first.close();
        }
    });

    it("close() ends a client's idle keep-alive connection, and is idempotent", async () => {
        const emulator = await startEmulator({ seed });
        const agent = new Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
        try {
            const req = request(permissionsUrl(emulator, CHECKPOINT), { agent, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
            req.end();
            const [res] = (await once(req, "response")) as [import("node:http").IncomingMessage];
            res.resume();
            await once(res, "end");
            const socket = req.socket;
            if (!socket) throw new Error("the request has no socket");
            expect(socket.destroyed).toBe(false); // kept alive, idle in the agent's pool
            const socketClosed = once(socket, "close");
            await Promise.all([emulator.close(), emulator.close()]);
            await socketClosed;
            await expect(call(permissionsUrl(emulator, CHECKPOINT))).rejects.toThrow(TypeError);
        } finally {
            agent.destroy();
        }
    });
});

describe("unparsable HTTP", () => {
    it("answers garbage with a 400 that still carries an x-request-id and an OpenAI error body", async () => {
        const emulator = await startEmulator();
        try {
            const socket = connect(emulator.port, emulator.host);
            await once(socket, "connect");
            socket.end("NOT HTTP AT ALL\r\n\r\n");
            let raw = "";
            socket.on("data", (chunk: Buffer) => (raw += chunk.toString()));
            await once(socket, "close");
            const [head = "", body = ""] = raw.split("\r\n\r\n");
            expect(head).toMatch(/^HTTP\/1\.1 400 /);
            expect(head).toMatch(/\r\nx-request-id: req_[0-9a-f]{32}(\r\n|$)/);
            assertSchema("ErrorResponse", JSON.parse(body));
        } finally {
            await emulator.close();
        }
    });
});

describe("the request log", () => {
    it("records method, path, query, status, request id and user agent, never the key", async () => {
        const emulator = await startEmulator({ seed, adminKey: "sk-admin-secret-value-1234" });
        try {
            expect(emulator.requests).toEqual([]); // "no request went out" is an assertion a test can make
            const url = permissionsUrl(emulator, CHECKPOINT, { limit: "2", order: "ascending" });
            const reply = await call(url, { key: "sk-admin-secret-value-1234" });
            expectList(reply);
            await call(permissionsUrl(emulator, CHECKPOINT), { method: "POST", key: "sk-admin-secret-value-1234", body: { project_ids: ["proj_a"] } });
            await call(permissionsUrl(emulator, CHECKPOINT), { key: null });

            const path = new URL(url).pathname;
            expect(emulator.requests).toEqual([
                // fetch names itself "node".
                { method: "GET", path, query: { limit: "2", order: "ascending" }, status: 200, requestId: reply.headers.get("x-request-id"), userAgent: "node" },
                { method: "POST", path, query: {}, status: 200, requestId: expect.stringMatching(REQUEST_ID), userAgent: "node" },
                { method: "GET", path, query: {}, status: 401, requestId: expect.stringMatching(REQUEST_ID), userAgent: "node" },
            ]);
            expect(JSON.stringify(emulator.requests)).not.toContain("secret");
            expect(new Set(emulator.requests.map((r) => r.requestId)).size).toBe(3);

            emulator.clearRequests();
            expect(emulator.requests).toEqual([]);
        } finally {
            await emulator.close();
        }
    });

    it("hands out a snapshot that later requests do not change", async () => {
        const emulator = await startEmulator({ seed });
        try {
            const before = emulator.requests;
            await call(permissionsUrl(emulator, CHECKPOINT));
            expect(before).toEqual([]);
            expect(emulator.requests).toHaveLength(1);
        } finally {
            await emulator.close();
        }
    });
});
