/**
 * The emulator's audit log over real HTTP: every grant and revoke writes its event (through the API as the admin
 * key, through the in-process API and the control endpoints as whoever is named), the listing filters and pages
 * as the spec says, seeded events are listed as given, and an organization without audit logging refuses it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorSeed } from "../../provider/emulator";
import { clockedEmulator } from "./support/clocked";
import { AUDIT_LOG_EVENT_TYPES } from "../../provider/emulator/event-types";
import { adminUrl, auditLogs, call, expectError, permissionsUrl, permissionUrl } from "./support/http";
import { assertSchema, SPEC_PATHS } from "./support/spec";
import { readFileSync } from "node:fs";
import { parse } from "yaml";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::Audit001:ckpt-step-10";
const START = 1_720_000_000;
const OWNER_KEY = { type: "api_key", api_key: { id: "key_emulatorAdminKey0", type: "user", user: { id: "user-emulatorOwner00000000", email: "owner@example.com" } } };
const OWNER_IN_DASHBOARD = { type: "session", session: { user: { id: "user-emulatorOwner00000000", email: "owner@example.com" }, ip_address: "192.0.2.1" } };

const seed: EmulatorSeed = {
    checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ id: "cp_seeded", project_id: "proj_seeded", created_at: START - 100 }] } },
    projects: [
        { id: "proj_default", name: "Default project", created_at: START - 1000 },
        { id: "proj_owner", name: "Fine-tuning", created_at: START - 900 },
    ],
};

const organization = clockedEmulator(seed, START);

/** Grants `projectId` through the API, as the admin key. */
async function apiGrant(projectId: string): Promise<string> {
    const reply = await call(permissionsUrl(organization.emulator, CHECKPOINT), { method: "POST", body: { project_ids: [projectId] } });
    expect(reply.status, reply.text).toBe(200);
    return (reply.json as { data: Array<{ id: string }> }).data[0]!.id;
}

describe("every grant and revoke writes its event", () => {
    it("through the API, as the admin key, scoped to the default project", async () => {
        const permissionId = await apiGrant("proj_new");
        organization.now += 60;
        expect((await call(permissionUrl(organization.emulator, CHECKPOINT, permissionId), { method: "DELETE" })).status).toBe(200);
        const page = await auditLogs(organization.emulator);
        expect(page.data).toEqual([
            {
                id: expect.stringMatching(/^audit_log-[A-Za-z0-9]{24}_20240703$/),
                type: "checkpoint.permission.deleted",
                effective_at: START + 60,
                project: { id: "proj_default", name: "Default project" },
                actor: OWNER_KEY,
                "checkpoint.permission.deleted": { id: permissionId },
            },
            {
                id: expect.stringMatching(/^audit_log-/),
                type: "checkpoint.permission.created",
                effective_at: START,
                project: { id: "proj_default", name: "Default project" },
                actor: OWNER_KEY,
                "checkpoint.permission.created": { id: permissionId, data: { project_id: "proj_new", fine_tuned_model_checkpoint: CHECKPOINT } },
            },
        ]);
        for (const event of page.data) assertSchema("AuditLog", event);
    });

    it("only for what changed: a project granted again, or a grant refused, writes nothing", async () => {
        await apiGrant("proj_new");
        await apiGrant("proj_new");
        organization.emulator.grant(CHECKPOINT, "proj_new");
        expect((await call(permissionsUrl(organization.emulator, CHECKPOINT), { method: "POST", body: { project_ids: ["proj_other", "proj_owner"] } })).status).toBe(400);
        expect(organization.emulator.revoke(CHECKPOINT, "cp_nonexistent")).toBe(false);
        expect((await auditLogs(organization.emulator)).data.map((e) => e.type)).toEqual(["checkpoint.permission.created"]);
    });

    it("in the dashboard by the owner, by default, through the in-process API, scoped to the checkpoint's project", async () => {
        const permission = organization.emulator.grant(CHECKPOINT, "proj_outside");
        const [event] = (await auditLogs(organization.emulator)).data;
        expect(event).toMatchObject({ actor: OWNER_IN_DASHBOARD, project: { id: "proj_owner", name: "Fine-tuning" } });
        expect(event?.["checkpoint.permission.created"]).toEqual({ id: permission.id, data: { project_id: "proj_outside", fine_tuned_model_checkpoint: CHECKPOINT } });
    });

    it("as the dashboard user named, with one user id per email", async () => {
        const mallory = { session: { email: "mallory@acme.com", ipAddress: "198.51.100.7" } };
        const first = organization.emulator.grant(CHECKPOINT, "proj_intruder", { actor: mallory });
        organization.now += 1;
        organization.emulator.revoke(CHECKPOINT, first.id, { actor: { session: { email: "mallory@acme.com", ipAddress: "203.0.113.9" } } });
        const [revoked, granted] = (await auditLogs(organization.emulator)).data;
        const user = (granted?.actor as { session: { user: { id: string } } }).session.user;
        expect(granted?.actor).toEqual({ type: "session", session: { user: { id: expect.stringMatching(/^user-[A-Za-z0-9]{24}$/), email: "mallory@acme.com" }, ip_address: "198.51.100.7" } });
        expect(revoked?.actor).toEqual({ type: "session", session: { user: { id: user.id, email: "mallory@acme.com" }, ip_address: "203.0.113.9" } });
    });

    it("as an API key named, a user's or a service account's, scoped to the default project", async () => {
        organization.emulator.grant(CHECKPOINT, "proj_a", { actor: { apiKey: { id: "key_ci", serviceAccount: { id: "svc_acct_ci" } } } });
        organization.emulator.grant(CHECKPOINT, "proj_b", { actor: { apiKey: { user: { email: "dev@acme.com" } } } });
        const [byUser, byService] = (await auditLogs(organization.emulator)).data;
        expect(byService).toMatchObject({ project: { id: "proj_default" }, actor: { type: "api_key", api_key: { id: "key_ci", type: "service_account", service_account: { id: "svc_acct_ci" } } } });
        expect(byUser?.actor).toEqual({ type: "api_key", api_key: { id: expect.stringMatching(/^key_/), type: "user", user: { id: expect.stringMatching(/^user-/), email: "dev@acme.com" } } });
    });

    it("refuses an actor that is none, naming it, and changes nothing", () => {
        expect(() => organization.emulator.grant(CHECKPOINT, "proj_x", { actor: { session: { email: "" } } as never })).toThrow(/Invalid options\.actor/);
        expect(organization.emulator.permissions(CHECKPOINT).map((p) => p.project_id)).toEqual(["proj_seeded"]);
    });

    it("through the control endpoints, as the actor the request names", async () => {
        const control = `${new URL(organization.emulator.baseUrl).origin}/_emulator/checkpoints/${encodeURIComponent(CHECKPOINT)}/grants`;
        const eve = { session: { user: { email: "eve@acme.com" }, ip_address: "198.51.100.66" } };
        const granted = await call(control, { method: "POST", key: null, body: { project_id: "proj_eve", actor: eve } });
        expect(granted.status, granted.text).toBe(200);
        const { id } = granted.json as { id: string };
        organization.now += 1;
        expect((await call(`${control}/${id}`, { method: "DELETE", key: null, body: { actor: { api_key: { service_account: { id: "svc_acct_ops" } } } } })).status).toBe(200);
        const [revoked, created] = (await auditLogs(organization.emulator)).data;
        expect(created?.actor).toMatchObject({ type: "session", session: { user: { email: "eve@acme.com" }, ip_address: "198.51.100.66" } });
        expect(revoked?.actor).toMatchObject({ type: "api_key", api_key: { type: "service_account", service_account: { id: "svc_acct_ops" } } });

        const bad = await call(control, { method: "POST", key: null, body: { project_id: "proj_x", actor: { robot: true } } });
        expectError(bad, 400);
        expect((bad.json as { error: { message: string } }).error.message).toMatch(/Invalid actor/);
    });
});

describe("whose the admin key is", () => {
    it("is configurable in startEmulator's options, and a seed's setting wins", async () => {
        const ci = await startEmulator({ seed, now: () => START, adminKeyActor: { apiKey: { id: "key_ci", serviceAccount: { id: "svc_acct_ci" } } } });
        try {
            await call(permissionsUrl(ci, CHECKPOINT), { method: "POST", body: { project_ids: ["proj_ci"] } });
            expect((await auditLogs(ci)).data[0]?.actor).toEqual({ type: "api_key", api_key: { id: "key_ci", type: "service_account", service_account: { id: "svc_acct_ci" } } });
            ci.reset({ ...seed, organization: { admin_key_actor: { api_key: { id: "key_alice", user: { email: "alice@acme.com" } } } } });
            await call(permissionsUrl(ci, CHECKPOINT), { method: "POST", body: { project_ids: ["proj_alice"] } });
            expect((await auditLogs(ci)).data[0]?.actor).toMatchObject({ api_key: { id: "key_alice", type: "user", user: { email: "alice@acme.com" } } });
        } finally {
            await ci.close();
        }
    });

    it("refuses an admin key actor that is no API key before a port is opened", async () => {
        await expect(startEmulator({ adminKeyActor: { session: { email: "a@b.c", ipAddress: "1.2.3.4" } } as never })).rejects.toThrow(/Invalid adminKeyActor/);
    });
});

describe("the listing", () => {
    /** `count` grants through the in-process API, one second apart, the first at START. */
    function grants(count: number): string[] {
        return Array.from({ length: count }, (_, i) => {
            organization.now = START + i;
            return organization.emulator.grant(CHECKPOINT, `proj_${i}`).id;
        });
    }

    it("is newest first, 20 a page by default, events of one second in the order they happened", async () => {
        grants(25);
        organization.now = START + 24;
        organization.emulator.grant(CHECKPOINT, "proj_same_second");
        const page = await auditLogs(organization.emulator);
        expect(page.data).toHaveLength(20);
        expect(page.has_more).toBe(true);
        expect(page.data.slice(0, 3).map((e) => (e["checkpoint.permission.created"] as { data: { project_id: string } }).data.project_id)).toEqual([
            "proj_same_second",
            "proj_24",
            "proj_23",
        ]);
        expect(page.first_id).toBe(page.data[0]?.id);
        expect(page.last_id).toBe(page.data[19]?.id);
    });

    it("walks every event once with after, and back with before", async () => {
        grants(7);
        const seen: string[] = [];
        let after: string | undefined;
        for (let pages = 0; pages < 10; pages++) {
            const page = await auditLogs(organization.emulator, { limit: "3", ...(after ? { after } : {}) });
            seen.push(...page.data.map((e) => e.id));
            if (!page.has_more) break;
            after = page.last_id!;
        }
        expect(seen).toHaveLength(7);
        expect(new Set(seen).size).toBe(7);
        const before = await auditLogs(organization.emulator, { limit: "2", before: seen[4]! });
        expect(before.data.map((e) => e.id)).toEqual([seen[2], seen[3]]);
        expect(before.has_more).toBe(true);
    });

    it("filters by type, time, resource, project and actor, as the spec names them", async () => {
        const [first] = grants(3);
        organization.now = START + 10;
        organization.emulator.revoke(CHECKPOINT, first!, { actor: { session: { email: "mallory@acme.com", ipAddress: "198.51.100.7" } } });
        const ids = async (query: Record<string, string | string[]>) => (await auditLogs(organization.emulator, query)).data.map((e) => `${e.type.split(".").pop()} ${e.effective_at - START}`);
        expect(await ids({ "event_types[]": ["checkpoint.permission.deleted"] })).toEqual(["deleted 10"]);
        expect(await ids({ "event_types[]": ["checkpoint.permission.deleted", "checkpoint.permission.created"] })).toHaveLength(4);
        expect(await ids({ "effective_at[gte]": String(START + 1), "effective_at[lt]": String(START + 10) })).toEqual(["created 2", "created 1"]);
        expect(await ids({ "effective_at[gt]": String(START + 1), "effective_at[lte]": String(START + 10) })).toEqual(["deleted 10", "created 2"]);
        expect(await ids({ "resource_ids[]": [first!] })).toEqual(["deleted 10", "created 0"]);
        expect(await ids({ "project_ids[]": ["proj_owner"] })).toHaveLength(4);
        expect(await ids({ "project_ids[]": ["proj_default"] })).toEqual([]);
        expect(await ids({ "actor_emails[]": ["mallory@acme.com"] })).toEqual(["deleted 10"]);
        expect(await ids({ "actor_ids[]": ["user-emulatorOwner00000000"] })).toHaveLength(3);
        expect(await ids({ tenant_only: "false", limit: "100" })).toHaveLength(4);
    });

    it("answers a bad parameter with 400 naming it", async () => {
        const bad = async (query: Record<string, string | string[]>, param: string, code: string) =>
            expectError(await call(adminUrl(organization.emulator, "audit_logs", query)), 400, { param, code, type: "invalid_request_error" });
        await bad({ limit: "0" }, "limit", "integer_below_min_value");
        await bad({ limit: "101" }, "limit", "integer_above_max_value");
        await bad({ "event_types[]": ["checkpoint.permission.granted"] }, "event_types[]", "invalid_value");
        await bad({ "effective_at[gt]": "yesterday" }, "effective_at[gt]", "invalid_type");
        await bad({ after: "audit_log-unknown" }, "after", "invalid_value");
        await bad({ tenant_only: "yes" }, "tenant_only", "invalid_type");
        await bad({ tenant_only: "true", "event_types[]": ["checkpoint.permission.created"] }, "event_types[]", "invalid_value");
    });

    it("needs the admin key: 401 without one, 403 for a project key", async () => {
        expectError(await call(adminUrl(organization.emulator, "audit_logs"), { key: null }), 401);
        const error = expectError(await call(adminUrl(organization.emulator, "audit_logs"), { key: "sk-proj-abc" }), 403);
        expect(error.message).toContain("api.organization.audit_logs.read");
    });

    it("can be bent by a stuck-cursor fault and matched by its operation", async () => {
        grants(3);
        const first = await auditLogs(organization.emulator, { limit: "1" });
        organization.emulator.inject({ kind: "stuck-cursor", variant: "repeat-page", match: { operation: "list-audit-logs" } });
        const stuck = await auditLogs(organization.emulator, { limit: "1", after: first.last_id! });
        expect(stuck.has_more).toBe(true);
        expect(stuck.data[0]?.effective_at).toBe(START + 2);
        expect(organization.emulator.requests.map((r) => r.fault)).toEqual([undefined, "stuck-cursor"]);
    });
});

describe("an audit log that writes its events late (auditLogDelaySeconds)", () => {
    afterEach(() => organization.emulator.setConditions({ auditLogDelaySeconds: 0 }));

    const listedIds = async () => (await auditLogs(organization.emulator)).data.map((event) => (event["checkpoint.permission.created"] as { id: string }).id);

    it("lists an event once the emulator's clock reaches its effective_at plus the delay; the permission is listed at once", async () => {
        organization.emulator.setConditions({ auditLogDelaySeconds: 30 });
        const permissionId = await apiGrant("proj_late");
        expect(organization.emulator.permissions(CHECKPOINT).map((p) => p.id)).toContain(permissionId);
        expect(await listedIds()).toEqual([]);
        organization.now = START + 29;
        expect(await listedIds()).toEqual([]);
        organization.now = START + 30;
        const [event] = (await auditLogs(organization.emulator)).data;
        // effective_at stays the time of the change, not the time it was listed.
        expect(event).toMatchObject({ effective_at: START, "checkpoint.permission.created": { id: permissionId } });
    });

    it("holds back only the events still inside the delay, whatever the filters", async () => {
        organization.emulator.setConditions({ auditLogDelaySeconds: 10 });
        const early = organization.emulator.grant(CHECKPOINT, "proj_early").id;
        organization.now = START + 5;
        organization.emulator.grant(CHECKPOINT, "proj_later");
        organization.now = START + 12;
        expect(await listedIds()).toEqual([early]);
        const filtered = await auditLogs(organization.emulator, { "event_types[]": ["checkpoint.permission.created"], "effective_at[gte]": String(START) });
        expect(filtered.data.map((e) => e.effective_at)).toEqual([START]);
        organization.now = START + 15;
        expect(await listedIds()).toHaveLength(2);
    });

    it("is a standing condition: startEmulator's option, the control endpoint's, kept by reset", async () => {
        const late = await startEmulator({ seed, now: () => START, auditLogDelaySeconds: 60 });
        try {
            expect(late.conditions().auditLogDelaySeconds).toBe(60);
            late.grant(CHECKPOINT, "proj_late");
            late.reset();
            expect(late.conditions().auditLogDelaySeconds).toBe(60);
            const conditions = `${new URL(late.baseUrl).origin}/_emulator/conditions`;
            const changed = await call(conditions, { method: "PUT", key: null, body: { auditLogDelaySeconds: 0 } });
            expect(changed.json).toMatchObject({ conditions: { auditLogDelaySeconds: 0 } });
            late.grant(CHECKPOINT, "proj_now");
            expect((await auditLogs(late)).data).toHaveLength(1);
            expectError(await call(conditions, { method: "PUT", key: null, body: { auditLogDelaySeconds: -1 } }), 400);
        } finally {
            await late.close();
        }
    });
});

describe("the server's clock", () => {
    it("is the emulator's, in every answer's Date header, the API's and the control endpoints' alike", async () => {
        organization.now = START + 7;
        const answers = [await call(adminUrl(organization.emulator, "audit_logs")), await call(`${new URL(organization.emulator.baseUrl).origin}/_emulator/conditions`, { key: null })];
        for (const answer of answers) expect(answer.headers.get("date")).toBe(new Date((START + 7) * 1000).toUTCString());
    });
});

describe("seeded events", () => {
    it("are listed as given, by time, with an id given to those without", async () => {
        const dashboard = { type: "session", session: { user: { id: "user-m", email: "mallory@acme.com" }, ip_address: "198.51.100.7", user_agent: "Mozilla/5.0" } };
        organization.emulator.reset({
            ...seed,
            audit_logs: [
                { type: "checkpoint.permission.created", effective_at: START - 50, actor: dashboard, "checkpoint.permission.created": { id: "cp_seeded", data: { project_id: "proj_seeded", fine_tuned_model_checkpoint: CHECKPOINT } } },
                { id: "audit_log-login", type: "login.succeeded", effective_at: START - 60, actor: { session: { user: { email: "mallory@acme.com" } } } },
            ],
        });
        organization.emulator.grant(CHECKPOINT, "proj_new");
        const page = await auditLogs(organization.emulator);
        expect(page.data.map((e) => e.type)).toEqual(["checkpoint.permission.created", "checkpoint.permission.created", "login.succeeded"]);
        expect(page.data[1]).toMatchObject({ id: expect.stringMatching(/^audit_log-/), actor: dashboard });
        // The seed's user keeps its id, and the login it left without one gets the same.
        expect(page.data[2]).toMatchObject({ id: "audit_log-login", actor: { type: "session", session: { user: { id: "user-m" } } } });
    });
});

describe("the state", () => {
    it("holds the settings, projects and audit log as a seed that loads them again", async () => {
        organization.emulator.grant(CHECKPOINT, "proj_a", { actor: { session: { email: "mallory@acme.com", ipAddress: "198.51.100.7" } } });
        await apiGrant("proj_b");
        const before = await auditLogs(organization.emulator);
        const { faults: _faults, requests: _requests, conditions: _conditions, ...state } = (await call(`${new URL(organization.emulator.baseUrl).origin}/_emulator/state`, { key: null })).json as Record<string, unknown>;
        expect(state).toMatchObject({ organization: { audit_logging: true, default_project_id: "proj_default" }, projects: [{ id: "proj_default" }, { id: "proj_owner" }] });
        expect((state["audit_logs"] as unknown[]).length).toBe(2);
        organization.emulator.reset(state as unknown as EmulatorSeed);
        expect(await auditLogs(organization.emulator)).toEqual(before);
    });
});

describe("an organization whose audit logging is off", () => {
    it("records nothing, refuses the listing with 403 audit_logging_disabled, and lists projects as ever", async () => {
        const off = await startEmulator({ seed, auditLogging: false });
        try {
            off.grant(CHECKPOINT, "proj_outside");
            await call(permissionsUrl(off, CHECKPOINT), { method: "POST", body: { project_ids: ["proj_api"] } });
            const error = expectError(await call(adminUrl(off, "audit_logs")), 403, { code: "audit_logging_disabled", type: "invalid_request_error", param: null });
            expect(error.message).toMatch(/^Audit logging is not enabled for this organization\./);
            expect((await call(adminUrl(off, "projects"))).status).toBe(200);
            // Turned on by a seed, the log holds only what happens from then on.
            off.reset({ ...seed, organization: { audit_logging: true } });
            expect((await auditLogs(off)).data).toEqual([]);
        } finally {
            await off.close();
        }
    });

    it("can be the seed's setting too", async () => {
        organization.emulator.reset({ ...seed, organization: { audit_logging: false } });
        expectError(await call(adminUrl(organization.emulator, "audit_logs")), 403, { code: "audit_logging_disabled" });
    });

    it("still validates the request first, as for every state", async () => {
        organization.emulator.reset({ ...seed, organization: { audit_logging: false } });
        expectError(await call(adminUrl(organization.emulator, "audit_logs", { limit: "0" })), 400, { param: "limit" });
    });
});

it("knows the spec's event types, no more and no fewer", () => {
    const spec = parse(readFileSync(SPEC_PATHS[1]!, "utf8")) as { components: { schemas: { AuditLogEventType: { enum: string[] } } } };
    expect([...AUDIT_LOG_EVENT_TYPES].sort()).toEqual([...spec.components.schemas.AuditLogEventType.enum].sort());
});
