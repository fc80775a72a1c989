/**
 * The audit-log and project listings against servers that never finish, repeat themselves, lie or refuse: each
 * listing ends with the error that names what went wrong, the filters reach the server as the API names them,
 * and an organization without audit logging gets an error of its own.
 */
import { describe, expect, it } from "vitest";
import {
    AuditLogDisabledError,
    InternalServerError,
    InvalidResponseError,
    ListingLimitError,
    PaginationError,
    PermissionDeniedError,
    ResponseTooLargeError,
} from "../../provider/client";
import { everythingIn, eventWire, failure, FAULT_KEY, faultClient, hostileServers, pageWire, projectWire, sendJson, type HostileHandler } from "./hostile-server";

const serve = hostileServers();

/** Every page is full, fresh and says has_more. */
function endless(item: (id: string) => Record<string, unknown>): HostileHandler {
    return (_req, res, index) => sendJson(res, 200, pageWire(Array.from({ length: 100 }, (_, i) => item(`id_${index}x${i}`)), true));
}

/** The query of the server's `index`th request. */
function queryOf(server: { received: ReadonlyArray<{ url: string }> }, index: number): URLSearchParams {
    return new URL(server.received[index]!.url, "http://x").searchParams;
}

describe("the audit log from a server that never stops", () => {
    it("stops at listingLimits.maxPages and names the audit log", async () => {
        const hostile = await serve(endless((id) => eventWire(id)));
        const error = await failure(faultClient(hostile, { listingLimits: { maxPages: 3 } }).auditLogs.listAll());
        expect(error).toBeInstanceOf(ListingLimitError);
        expect(error).toMatchObject({ listing: "the audit log", limit: "maxPages", bound: 3, pages: 3, items: 300 });
        expect(error.message).toContain("Listing the audit log exceeded listingLimits.maxPages (3 pages)");
        expect(hostile.received).toHaveLength(3);
    });

    it("stops at listingLimits.maxEvents", async () => {
        const hostile = await serve(endless((id) => eventWire(id)));
        const error = await failure(faultClient(hostile, { listingLimits: { maxEvents: 150 } }).auditLogs.listAll());
        expect(error).toMatchObject({ limit: "maxEvents", bound: 150, pages: 2, items: 200 });
        expect(error.message).toContain("(150 events)");
    });

    it("stops at listingLimits.deadlineMs", async () => {
        const hostile = await serve((_req, res, index) => {
            if (index === 0) sendJson(res, 200, pageWire([eventWire("audit_log-first")], true));
        });
        const error = await failure(faultClient(hostile, { timeoutMs: 10_000, listingLimits: { deadlineMs: 100 } }).auditLogs.listAll());
        expect(error).toMatchObject({ name: "ListingLimitError", listing: "the audit log", limit: "deadlineMs", pages: 1, items: 1 });
    });

    it("ends a page answered again and again with PaginationError", async () => {
        const hostile = await serve((_req, res) => sendJson(res, 200, pageWire([eventWire("audit_log-same")], true)));
        const error = await failure(faultClient(hostile).auditLogs.listAll());
        expect(error).toBeInstanceOf(PaginationError);
        expect(error.message).toBe("Pagination of the audit log cannot advance past audit_log-same: the cursor audit_log-same was already used");
        expect(hostile.received).toHaveLength(2);
    });

    it("counts an event listed twice once, with one warning, and fails on two different copies", async () => {
        const pages = [[eventWire("audit_log-a", 3), eventWire("audit_log-b", 2)], [eventWire("audit_log-b", 2), eventWire("audit_log-c", 1)]];
        const hostile = await serve((_req, res, index) => sendJson(res, 200, pageWire(pages[index]!, index === 0)));
        const warnings: string[] = [];
        const listing = await faultClient(hostile, { logger: { debug: () => undefined, warn: (line) => warnings.push(line) } }).auditLogs.listAll();
        expect(listing.events.map((e) => e.id)).toEqual(["audit_log-a", "audit_log-b", "audit_log-c"]);
        expect(warnings).toEqual(["Listing the audit log, the API listed 1 event more than once (audit_log-b); each is counted once"]);

        const disagreeing = [[eventWire("audit_log-a", 3)], [eventWire("audit_log-a", 9)]];
        const liar = await serve((_req, res, index) => sendJson(res, 200, pageWire(disagreeing[index]!, index === 0)));
        const error = await failure(faultClient(liar).auditLogs.listAll());
        expect(error).toBeInstanceOf(InvalidResponseError);
        expect(error).toMatchObject({ field: "data.id" });
        expect(error.message).toContain("event audit_log-a was listed twice, as checkpoint.permission.created at 3 and as checkpoint.permission.created at 9");
    });
});

describe("the projects from a server that never stops or repeats itself", () => {
    it("stops at listingLimits.maxProjects", async () => {
        const hostile = await serve(endless((id) => projectWire(id)));
        const error = await failure(faultClient(hostile, { listingLimits: { maxProjects: 100 } }).projects.listAll());
        expect(error).toMatchObject({ listing: "the organization's projects", limit: "maxProjects", bound: 100, pages: 2, items: 200 });
    });

    it("counts a project renamed between two pages once, and fails on one created twice", async () => {
        const pages = [[projectWire("proj_a", "Old name")], [projectWire("proj_a", "New name"), projectWire("proj_b")]];
        const hostile = await serve((_req, res, index) => sendJson(res, 200, pageWire(pages[index]!, index === 0)));
        const listing = await faultClient(hostile).projects.listAll();
        expect(listing.projects.map((p) => [p.id, p.name])).toEqual([["proj_a", "Old name"], ["proj_b", "Project proj_b"]]);

        const twice = [[projectWire("proj_a", "A", 1)], [projectWire("proj_a", "A", 2)]];
        const liar = await serve((_req, res, index) => sendJson(res, 200, pageWire(twice[index]!, index === 0)));
        await expect(faultClient(liar).projects.listAll()).rejects.toThrow(/project proj_a was listed twice, created at 1 and at 2/);
    });
});

describe("the filters on the wire", () => {
    it("reach the server as the API names them, on every page", async () => {
        const hostile = await serve((_req, res, index) => sendJson(res, 200, pageWire([eventWire(`audit_log-${index}`)], index === 0)));
        await faultClient(hostile).auditLogs.listAll({
            eventTypes: ["checkpoint.permission.created", "checkpoint.permission.deleted", "checkpoint.permission.created"],
            effectiveAt: { gte: 1_700_000_000, lt: 1_800_000_000 },
            resourceIds: ["cp_a"],
            projectIds: ["proj_a", "proj_b"],
            pageSize: 50,
        });
        expect(hostile.received).toHaveLength(2);
        for (const index of [0, 1]) {
            const query = queryOf(hostile, index);
            expect(query.getAll("event_types[]")).toEqual(["checkpoint.permission.created", "checkpoint.permission.deleted"]);
            expect([query.get("effective_at[gte]"), query.get("effective_at[lt]"), query.get("effective_at[gt]")]).toEqual(["1700000000", "1800000000", null]);
            expect(query.getAll("resource_ids[]")).toEqual(["cp_a"]);
            expect(query.getAll("project_ids[]")).toEqual(["proj_a", "proj_b"]);
            expect(query.get("limit")).toBe("50");
        }
        expect(queryOf(hostile, 0).get("after")).toBeNull();
        expect(queryOf(hostile, 1).get("after")).toBe("audit_log-0");
        expect(new URL(hostile.received[0]!.url, "http://x").pathname).toBe("/v1/organization/audit_logs");
    });

    it("asks for archived projects only when told to", async () => {
        const hostile = await serve((_req, res) => sendJson(res, 200, pageWire([], false)));
        await faultClient(hostile).projects.listAll();
        await faultClient(hostile).projects.listPage({ includeArchived: true, limit: 5, after: "proj_a" });
        expect(queryOf(hostile, 0).get("include_archived")).toBeNull();
        expect(Object.fromEntries(queryOf(hostile, 1))).toEqual({ include_archived: "true", limit: "5", after: "proj_a" });
        expect(new URL(hostile.received[0]!.url, "http://x").pathname).toBe("/v1/organization/projects");
    });
});

describe("an organization whose audit logging is off", () => {
    const off = JSON.stringify({
        error: { message: "Audit logging is not enabled for this organization.", type: "invalid_request_error", code: "audit_logging_disabled", param: null },
    });

    it("fails the listing with AuditLogDisabledError at once, not retried, saying how to turn it on", async () => {
        const hostile = await serve((_req, res) => sendJson(res, 403, off, { "x-request-id": "req_off" }));
        const error = await failure(faultClient(hostile, { maxRetries: 2 }).auditLogs.listAll());
        expect(error).toBeInstanceOf(AuditLogDisabledError);
        expect(error).not.toBeInstanceOf(PermissionDeniedError);
        expect(error).toMatchObject({ status: 403, code: "audit_logging_disabled", requestId: "req_off" });
        expect(error.message).toContain("Settings → Data controls → Data retention");
        expect(error.message).not.toContain("admin key (sk-admin-…)");
        expect(hostile.received).toHaveLength(1);
        expect(everythingIn(error)).not.toContain(FAULT_KEY);
    });

    it("is told apart from a key without the scope, which stays PermissionDeniedError", async () => {
        const scope = JSON.stringify({ error: { message: "Missing scopes: api.audit_logs.read", type: "invalid_request_error", code: null, param: null } });
        const hostile = await serve((_req, res) => sendJson(res, 403, scope));
        const error = await failure(faultClient(hostile).auditLogs.listAll());
        expect(error).toBeInstanceOf(PermissionDeniedError);
        expect(error).not.toBeInstanceOf(AuditLogDisabledError);
    });
});

describe("bodies and answers the listings share with the permissions listing", () => {
    it("names the field of a created event without its details", async () => {
        const broken = { ...eventWire("audit_log-b"), "checkpoint.permission.created": undefined };
        const hostile = await serve((_req, res) => sendJson(res, 200, pageWire([eventWire("audit_log-a"), broken], false)));
        const error = await failure(faultClient(hostile).auditLogs.listAll());
        expect(error).toBeInstanceOf(InvalidResponseError);
        expect(error).toMatchObject({ field: "data.1.checkpoint.permission.created" });
    });

    it("cuts off a body past maxResponseBytes", async () => {
        const hostile = await serve(endless((id) => eventWire(id)));
        await expect(faultClient(hostile, { maxResponseBytes: 1024 }).auditLogs.listAll()).rejects.toBeInstanceOf(ResponseTooLargeError);
        await expect(faultClient(hostile, { maxResponseBytes: 1024 }).projects.listAll()).rejects.toBeInstanceOf(ResponseTooLargeError);
    });

    it("retries a 503, then uses the answer", async () => {
        const hostile = await serve((_req, res, index) =>
            index === 0 ? sendJson(res, 503, "{}", { "retry-after-ms": "0" }) : sendJson(res, 200, pageWire([projectWire("proj_a")], false)),
        );
        await expect(faultClient(hostile, { maxRetries: 1 }).projects.listAll()).resolves.toMatchObject({ pages: 1, projects: [{ id: "proj_a" }] });
        expect(hostile.received).toHaveLength(2);
    });

    it("gives up with InternalServerError, and keeps an echoed key out of it", async () => {
        const echo = JSON.stringify({ error: { message: `upstream rejected ${FAULT_KEY}`, type: "server_error", code: null, param: null } });
        const hostile = await serve((_req, res) => sendJson(res, 500, echo, { "retry-after-ms": "0" }));
        const error = await failure(faultClient(hostile, { maxRetries: 1 }).auditLogs.listAll());
        expect(error).toBeInstanceOf(InternalServerError);
        expect(hostile.received).toHaveLength(2);
        expect(everythingIn(error)).not.toContain(FAULT_KEY);
    });
});
