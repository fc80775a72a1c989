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
    MAX_FILTER_VALUES,
    MAX_ID_LENGTH,
    type CheckpointPermissionsAPI,
} from "../../provider/client";
import { CHECKPOINT, everythingIn, failure, faultClient, pageWire, permissionWire, sendJson, startHostileServer, type HostileServer } from "./hostile-server";

let server: HostileServer;
let client: CheckpointPermissionsClient;
let api: CheckpointPermissionsAPI;
beforeEach(async () => {
    // Answers every request well: any request that reaches it is one that should not have gone out.
    server = await startHostileServer((req, res) => {
        if (req.method === "DELETE") sendJson(res, 200, JSON.stringify({ object: "checkpoint.permission", id: decodeURIComponent(req.url!.split("/").at(-1)!), deleted: true }));
        else sendJson(res, 200, pageWire([permissionWire("cp_a")], false));
    });
    client = faultClient(server);
    api = client.permissions;
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
const placements: Array<[string, (client: CheckpointPermissionsClient, bad: string) => Promise<unknown>]> = [
    ["checkpoint", (c, bad) => c.permissions.listAll(bad)],
    ["projectId", (c, bad) => c.permissions.listAll(CHECKPOINT, { projectId: bad })],
    ["after", (c, bad) => c.permissions.listPage(CHECKPOINT, { after: bad })],
    ["projectIds[1]", (c, bad) => c.permissions.create(CHECKPOINT, ["proj_fine", bad])],
    ["permissionId", (c, bad) => c.permissions.delete(CHECKPOINT, bad)],
    ["projectIds[0]", (c, bad) => c.auditLogs.listAll({ projectIds: [bad] })],
    ["resourceIds[1]", (c, bad) => c.auditLogs.listAll({ resourceIds: ["cp_fine", bad] })],
    ["after", (c, bad) => c.auditLogs.listPage({ after: bad })],
    ["after", (c, bad) => c.projects.listPage({ after: bad })],
];

describe("a lone surrogate in an id", () => {
    it.each(placements)("in %s is refused, naming the argument, before any request", async (argument, call) => {
        const error = await rejection(() => call(client, "proj_\uD800x"));
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
        const error = await rejection(() => call(client, huge));
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

describe("the audit-log and project filters", () => {
    const refused: Array<[string, (c: CheckpointPermissionsClient) => Promise<unknown>, RegExp]> = [
        ["eventTypes as a string", (c) => c.auditLogs.listAll({ eventTypes: "checkpoint.permission.created" as never }), /eventTypes: must be an array/],
        ["an empty eventTypes, which would list everything", (c) => c.auditLogs.listAll({ eventTypes: [] }), /eventTypes: must name at least one value, or be left out/],
        ["an event type that is no event type", (c) => c.auditLogs.listAll({ eventTypes: ["Checkpoint Permission Created"] }), /eventTypes\[0\]: must not contain whitespace/],
        ["an event type in the wrong form", (c) => c.auditLogs.listAll({ eventTypes: ["checkpoint.permission.created", "CREATED"] }), /eventTypes\[1\]: must be an audit-log event type such as checkpoint\.permission\.created \(got "CREATED"\)/],
        ["too many project ids", (c) => c.auditLogs.listAll({ projectIds: Array.from({ length: MAX_FILTER_VALUES + 1 }, (_, i) => `proj_${i}`) }), /projectIds: must name at most 100; .*\(got "101 values"\)/],
        ["effectiveAt in milliseconds", (c) => c.auditLogs.listAll({ effectiveAt: { gte: Date.UTC(2026, 0, 1) } }), /effectiveAt\.gte: must be Unix seconds; this looks like milliseconds/],
        ["a fractional second", (c) => c.auditLogs.listPage({ effectiveAt: { lt: 1.5 } }), /effectiveAt\.lt: must be a whole, non-negative number of Unix seconds \(got 1\.5\)/],
        ["a bound with a typo", (c) => c.auditLogs.listAll({ effectiveAt: { gte: 1, le: 2 } as never }), /effectiveAt\.le: is not a bound: use gt, gte, lt or lte \(got 2\)/],
        ["effectiveAt as a number", (c) => c.auditLogs.listAll({ effectiveAt: 1_700_000_000 as never }), /effectiveAt: must be an object with any of gt, gte, lt, lte/],
        ["a page size past 100", (c) => c.auditLogs.listAll({ pageSize: 500 }), /pageSize: must be an integer from 1 to 100/],
        ["includeArchived as text", (c) => c.projects.listAll({ includeArchived: "yes" as never }), /includeArchived: must be true or false \(got "yes"\)/],
        ["a limit of 0", (c) => c.projects.listPage({ limit: 0 }), /limit: must be an integer from 1 to 100 \(got 0\)/],
        ["a bad maxEvents", (c) => c.auditLogs.listAll({ listingLimits: { maxEvents: 0 } }), /listingLimits\.maxEvents: must be a positive integer/],
    ];

    it.each(refused)("refuses %s, naming it, before any request", async (_what, call, message) => {
        const error = await rejection(() => call(client));
        expect(error.message).toMatch(message);
        expect(server.received).toHaveLength(0);
    });
});
