/**
 * Inputs that could mean two things, or that no server should be sent: ids with lone surrogates, ids far
 * longer than any OpenAI id, a base URL carrying credentials. Each is refused before a request goes out,
 * by an InvalidArgumentError that names the argument, and no credential reaches the message.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
    CheckpointPermissionsClient,
    InvalidArgumentError,
    MAX_CHECKPOINT_ID_LENGTH,
    MAX_ID_LENGTH,
    type CheckpointPermissionsAPI,
} from "../../provider/client";
import { CHECKPOINT, everythingIn, failure, faultClient, pageWire, permissionWire, sendJson, startHostileServer, type HostileServer } from "./hostile-server";

let server: HostileServer;
let api: CheckpointPermissionsAPI;
beforeEach(async () => {
    // Answers every request well: any request that reaches it is one that should not have gone out.
    server = await startHostileServer((req, res) => {
        if (req.method === "DELETE") sendJson(res, 200, JSON.stringify({ object: "checkpoint.permission", id: decodeURIComponent(req.url!.split("/").at(-1)!), deleted: true }));
        else sendJson(res, 200, pageWire([permissionWire("cp_a")], false));
    });
    api = faultClient(server).permissions;
});
afterEach(async () => {
    await server.close();
});

async function rejection(call: () => Promise<unknown>): Promise<InvalidArgumentError> {
    const error = await failure(call());
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
}

/** Every call that takes an id, with `bad` put in one argument. */
const placements: Array<[string, (api: CheckpointPermissionsAPI, bad: string) => Promise<unknown>]> = [
    ["checkpoint", (a, bad) => a.listAll(bad)],
    ["projectId", (a, bad) => a.listAll(CHECKPOINT, { projectId: bad })],
    ["after", (a, bad) => a.listPage(CHECKPOINT, { after: bad })],
    ["projectIds[1]", (a, bad) => a.create(CHECKPOINT, ["proj_fine", bad])],
    ["permissionId", (a, bad) => a.delete(CHECKPOINT, bad)],
];

describe("a lone surrogate in an id", () => {
    it.each(placements)("in %s is refused, naming the argument, before any request", async (argument, call) => {
        const error = await rejection(() => call(api, "proj_\uD800x"));
        expect(error.argument).toBe(argument);
        expect(error.message).toContain(`Invalid argument ${argument}: must be well-formed Unicode`);
        expect(error.message).toContain("\\ud800");
        expect(server.received).toHaveLength(0);
    });

    it("a low surrogate alone, or at the very end, is refused too", async () => {
        await expect(api.listAll(`${CHECKPOINT}\uDC00`)).rejects.toThrow(/checkpoint: must be well-formed Unicode/);
        await expect(api.listAll(CHECKPOINT, { projectId: "proj_\uD83D" })).rejects.toThrow(/projectId: must be well-formed Unicode/);
        expect(server.received).toHaveLength(0);
    });

    it("a well-formed pair is one character, and the server gets exactly that id", async () => {
        const checkpoint = "ft:gpt-4o-mini:acme:w\u00e9ather-\uD83C\uDF26:AbC123";
        await api.listAll(checkpoint);
        expect(decodeURIComponent(server.received[0]!.url)).toContain(checkpoint);
    });
});

describe("an id longer than any OpenAI id", () => {
    const huge = "x".repeat(100 * 1024);

    it.each(placements)("in %s is refused, naming the argument, showing only its start", async (argument, call) => {
        const error = await rejection(() => call(api, huge));
        expect(error.argument).toBe(argument);
        expect(error.message).toMatch(new RegExp(`^Invalid argument ${argument.replace(/[[\]]/g, "\\$&")}: must be at most \\d+ characters`));
        expect(error.message).toContain("(102400 characters)");
        expect(error.message.length).toBeLessThan(400);
        expect(server.received).toHaveLength(0);
    });

    it("draws the line at 256 characters for a checkpoint and 64 for a project or permission id", async () => {
        const checkpoint = (length: number) => `ft:${"c".repeat(length - 3)}`;
        await expect(api.listAll(checkpoint(MAX_CHECKPOINT_ID_LENGTH))).resolves.toMatchObject({ pages: 1 });
        await expect(api.listAll(checkpoint(MAX_CHECKPOINT_ID_LENGTH + 1))).rejects.toThrow(/checkpoint: must be at most 256 characters/);
        const project = (length: number) => `proj_${"p".repeat(length - 5)}`;
        await expect(api.listAll(CHECKPOINT, { projectId: project(MAX_ID_LENGTH) })).resolves.toMatchObject({ pages: 1 });
        await expect(api.listAll(CHECKPOINT, { projectId: project(MAX_ID_LENGTH + 1) })).rejects.toThrow(/projectId: must be at most 64 characters/);
        expect(server.received).toHaveLength(2);
    });
});

describe("a base URL carrying credentials", () => {
    const password = "hunter2-Sup3rSecret";

    it.each([
        [`https://deploy:${password}@api.example.com/v1`],
        [`https://:${password}@api.example.com/v1`],
        [`https://deploy:${password}@127.0.0.1:8443/v1`],
        // Checked before the https rule, so that message cannot show it either.
        [`http://deploy:${password}@api.example.com/v1`],
        [`https://deploy:p@ss:${password}@api.example.com/v1`],
        // Not even a URL: the message still hides what looks like userinfo.
        [`https://deploy:${password} x@api example/v1`],
    ])("%s is refused, with its userinfo redacted", (baseUrl) => {
        let error: unknown;
        try {
            new CheckpointPermissionsClient({ adminKey: "sk-admin-x", baseUrl });
        } catch (e) {
            error = e;
        }
        expect(error).toBeInstanceOf(InvalidArgumentError);
        expect((error as InvalidArgumentError).argument).toBe("baseUrl");
        expect((error as Error).message).toContain("[redacted]@");
        expect(everythingIn(error)).not.toContain(password);
        expect(everythingIn(error)).not.toContain("deploy");
    });

    it("is refused from OPENAI_BASE_URL too", () => {
        const env = { OPENAI_ADMIN_KEY: "sk-admin-x", OPENAI_BASE_URL: `https://ci:${password}@proxy.example.com/v1` };
        expect(() => new CheckpointPermissionsClient({ env })).toThrow(/baseUrl: must not carry credentials/);
        expect(() => new CheckpointPermissionsClient({ env })).not.toThrow(new RegExp(password));
    });
});
