/**
 * The client's audit-log and project listings against the emulator over real loopback HTTP: every page, the
 * filters, the actors as the rest of the package reads them, and each failure a caller handles apart.
 */
import { describe, expect, it } from "vitest";
import type { EmulatorSeed } from "../../provider/emulator";
import { clockedEmulator } from "../emulator/support/clocked";
import {
    AuditLogDisabledError,
    AuthenticationError,
    CheckpointPermissionsClient,
    PaginationError,
    PermissionDeniedError,
    RequestLimiter,
    type ClientOptions,
} from "../../provider/client";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::Client01:ckpt-step-10";
const START = 1_720_000_000;
const MALLORY = { session: { email: "mallory@acme.com", ipAddress: "198.51.100.7" } };

const seed: EmulatorSeed = {
    checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner" } },
    projects: [
        { id: "proj_default", name: "Default project", created_at: START - 300 },
        { id: "proj_owner", name: "Fine-tuning", created_at: START - 200 },
        { id: "proj_legacy", name: "Legacy", created_at: START - 100, archived_at: START - 50 },
    ],
};

const organization = clockedEmulator(seed, START);

function client(options: ClientOptions = {}): CheckpointPermissionsClient {
    return new CheckpointPermissionsClient({ adminKey: organization.emulator.adminKey, baseUrl: organization.emulator.baseUrl, limiter: new RequestLimiter(8), ...options });
}

/** `count` grants in the dashboard, one second apart from START. */
function dashboardGrants(count: number): string[] {
    return Array.from({ length: count }, (_, i) => {
        organization.now = START + i;
        return organization.emulator.grant(CHECKPOINT, `proj_${String(i).padStart(3, "0")}`, { actor: MALLORY }).id;
    });
}

describe("the audit log", () => {
    it("lists every event, newest first, 100 a request", async () => {
        const ids = dashboardGrants(250);
        const progress: number[] = [];
        const listing = await client({ listingLimits: { progressIntervalMs: 0 } }).auditLogs.listAll({ onPage: ({ count }) => progress.push(count) });
        expect(listing.pages).toBe(3);
        expect(progress).toEqual([100, 200, 250]);
        expect(listing.events.map((e) => e.checkpointPermission?.id)).toEqual([...ids].reverse());
        expect(organization.emulator.requests.map((r) => r.query["limit"])).toEqual(["100", "100", "100"]);
    });

    it("says when, by the server's clock, it was listed: the first page's Date header", async () => {
        dashboardGrants(150);
        organization.now = START + 1_000;
        // The second page is answered a minute later; the listing is of the moment the first was.
        const listing = await client({ listingLimits: { progressIntervalMs: 0 } }).auditLogs.listAll({ onPage: () => (organization.now += 60) });
        expect(listing).toMatchObject({ pages: 2, serverTime: START + 1_000 });
    });

    it("reads who did it: a dashboard user with an IP address, or the admin key", async () => {
        const [outside] = dashboardGrants(1);
        organization.now = START + 10;
        const [granted] = await client().permissions.create(CHECKPOINT, ["proj_pipeline"]);
        const { events } = await client().auditLogs.listAll();
        expect(events).toEqual([
            {
                id: expect.stringMatching(/^audit_log-/),
                type: "checkpoint.permission.created",
                effectiveAt: START + 10,
                project: { id: "proj_default", name: "Default project" },
                actor: { type: "api_key", keyId: "key_emulatorAdminKey0", keyType: "user", user: { id: "user-emulatorOwner00000000", email: "owner@example.com" }, serviceAccountId: null },
                checkpointPermission: { id: granted!.id, projectId: "proj_pipeline", checkpoint: CHECKPOINT },
            },
            {
                id: expect.stringMatching(/^audit_log-/),
                type: "checkpoint.permission.created",
                effectiveAt: START,
                project: { id: "proj_owner", name: "Fine-tuning" },
                actor: { type: "session", user: { id: expect.stringMatching(/^user-/), email: "mallory@acme.com" }, ipAddress: "198.51.100.7" },
                checkpointPermission: { id: outside, projectId: "proj_000", checkpoint: CHECKPOINT },
            },
        ]);
    });

    it("narrows by type, time, resource and project on the server", async () => {
        const ids = dashboardGrants(5);
        organization.now = START + 20;
        await client().permissions.delete(CHECKPOINT, ids[0]!);
        const api = client().auditLogs;
        const times = async (filter: Parameters<typeof api.listAll>[0]) => (await api.listAll(filter)).events.map((e) => `${e.type.split(".").pop()} ${e.effectiveAt - START}`);
        expect(await times({ eventTypes: ["checkpoint.permission.deleted"] })).toEqual(["deleted 20"]);
        expect(await times({ eventTypes: ["checkpoint.permission.created"], effectiveAt: { gt: START + 1, lte: START + 3 } })).toEqual(["created 3", "created 2"]);
        expect(await times({ resourceIds: [ids[0]!] })).toEqual(["deleted 20", "created 0"]);
        expect(await times({ projectIds: ["proj_default"] })).toEqual(["deleted 20"]);
        expect(organization.emulator.requests.at(-1)?.query).toMatchObject({ "project_ids[]": "proj_default" });
    });

    it("gives one page with its cursors, and the next after it", async () => {
        dashboardGrants(3);
        const api = client().auditLogs;
        const first = await api.listPage({ limit: 2 });
        expect(first).toMatchObject({ hasMore: true, firstId: first.data[0]?.id, lastId: first.data[1]?.id });
        const second = await api.listPage({ limit: 2, after: first.lastId! });
        expect(second.data.map((e) => e.effectiveAt)).toEqual([START]);
        expect(second.hasMore).toBe(false);
    });

    it("retries a rate-limited page", async () => {
        dashboardGrants(2);
        organization.emulator.inject({ kind: "status", status: 429, retryAfterMs: 1, match: { operation: "list-audit-logs" } });
        await expect(client().auditLogs.listAll()).resolves.toMatchObject({ pages: 1, events: [{}, {}] });
        expect(organization.emulator.requests.map((r) => r.status)).toEqual([429, 200]);
    });

    it("is refused with AuditLogDisabledError when the organization's audit logging is off, and nothing else is", async () => {
        organization.emulator.reset({ ...seed, organization: { audit_logging: false } });
        const error = await client().auditLogs.listAll().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(AuditLogDisabledError);
        expect((error as Error).message).toContain("Audit logging is not enabled for this organization");
        expect((error as Error).message).not.toContain(organization.emulator.adminKey);
        await expect(client().projects.listAll()).resolves.toMatchObject({ pages: 1 });
        await expect(client().permissions.create(CHECKPOINT, ["proj_x"])).resolves.toHaveLength(1);
    });

    it("tells a wrong key and a project key from audit logging off", async () => {
        await expect(client({ adminKey: "sk-admin-wrongKey0123456789abcdef" }).auditLogs.listAll()).rejects.toBeInstanceOf(AuthenticationError);
        const scope = await client({ adminKey: "sk-proj-notAnAdminKey0123456789" }).auditLogs.listAll().catch((e: unknown) => e);
        expect(scope).toBeInstanceOf(PermissionDeniedError);
        expect(scope).not.toBeInstanceOf(AuditLogDisabledError);
        expect((scope as Error).message).toContain("api.organization.audit_logs.read");
    });
});

describe("the projects", () => {
    it("lists each project with its name, archived ones when asked", async () => {
        const active = await client().projects.listAll({ pageSize: 1 });
        expect(active.pages).toBe(2);
        expect(active.projects.map((p) => [p.id, p.name])).toEqual([
            ["proj_default", "Default project"],
            ["proj_owner", "Fine-tuning"],
        ]);
        const all = await client().projects.listAll({ includeArchived: true });
        expect(all.projects[2]).toEqual({ id: "proj_legacy", name: "Legacy", status: "archived", createdAt: START - 100, archivedAt: START - 50 });
    });

    it("ends a stuck cursor with PaginationError naming the listing", async () => {
        organization.emulator.inject({ kind: "stuck-cursor", variant: "repeat-page", times: 5, match: { operation: "list-projects" } });
        const error = await client().projects.listAll({ pageSize: 1 }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PaginationError);
        expect((error as PaginationError).listing).toBe("the organization's projects");
        expect(organization.emulator.requests).toHaveLength(2);
    });
});
