import { describe, expect, it } from "vitest";
import { PermissionListWire, toPage, toPermission } from "../../provider/api/model";
import { AuditLogWire, ProjectListWire, toAuditLogEvent, toProject } from "../../provider/api/organization-admin";

describe("the API model", () => {
    it("tolerates fields OpenAI may add tomorrow, and turns the rest into camelCase", () => {
        const wire = {
            object: "list",
            data: [{ object: "checkpoint.permission", id: "cp_1", created_at: 1712211699, project_id: "proj_a", region: "eu" }],
            first_id: "cp_1",
            last_id: "cp_1",
            has_more: false,
            total: 1,
        };
        expect(toPage(PermissionListWire.parse(wire), toPermission)).toEqual({
            data: [{ id: "cp_1", projectId: "proj_a", createdAt: 1712211699 }],
            firstId: "cp_1",
            lastId: "cp_1",
            hasMore: false,
        });
    });

    it("reads absent cursors as null", () => {
        expect(toPage(PermissionListWire.parse({ object: "list", data: [], has_more: false }), toPermission)).toMatchObject({ firstId: null, lastId: null });
    });
});

describe("the audit-log model", () => {
    const created = {
        id: "audit_log-abc_20240101",
        type: "checkpoint.permission.created",
        effective_at: 1_720_000_000,
        project: { id: "proj_default", name: "Default project" },
        actor: {
            type: "session",
            session: { user: { id: "user-mallory", email: "mallory@acme.com" }, ip_address: "198.51.100.7", user_agent: "Mozilla/5.0", ja3: "a49715" },
        },
        "checkpoint.permission.created": { id: "cp_new", data: { project_id: "proj_x", fine_tuned_model_checkpoint: "ft:gpt-4o-mini:acme::A1" } },
    };

    it("reads a created event from a dashboard session, dropping what the package does not use", () => {
        expect(toAuditLogEvent(AuditLogWire.parse(created))).toEqual({
            id: "audit_log-abc_20240101",
            type: "checkpoint.permission.created",
            effectiveAt: 1_720_000_000,
            project: { id: "proj_default", name: "Default project" },
            actor: { type: "session", user: { id: "user-mallory", email: "mallory@acme.com" }, ipAddress: "198.51.100.7" },
            checkpointPermission: { id: "cp_new", projectId: "proj_x", checkpoint: "ft:gpt-4o-mini:acme::A1" },
        });
    });

    it("reads a deleted event made with a service account's key", () => {
        const event = toAuditLogEvent(
            AuditLogWire.parse({
                id: "audit_log-def",
                type: "checkpoint.permission.deleted",
                effective_at: 1_720_000_100,
                actor: { type: "api_key", api_key: { id: "key_ci", type: "service_account", service_account: { id: "svc_acct_ci" } } },
                "checkpoint.permission.deleted": { id: "cp_new" },
            }),
        );
        expect(event.actor).toEqual({ type: "api_key", keyId: "key_ci", keyType: "service_account", user: null, serviceAccountId: "svc_acct_ci" });
        expect(event.checkpointPermission).toEqual({ id: "cp_new", projectId: null, checkpoint: null });
        expect(event.project).toBeNull();
    });

    it("keeps an event of a type it does not read, and an actor of a kind it does not know", () => {
        const event = toAuditLogEvent(
            AuditLogWire.parse({ id: "audit_log-x", type: "project.renamed.someday", effective_at: 1, actor: { type: "robot", robot: { id: "r1" } }, "project.renamed.someday": {} }),
        );
        expect(event).toMatchObject({ type: "project.renamed.someday", actor: { type: "other", reportedType: "robot" }, checkpointPermission: null });
        expect(toAuditLogEvent(AuditLogWire.parse({ id: "audit_log-y", type: "login.succeeded", effective_at: 2, actor: null })).actor).toBeNull();
    });

    it("refuses a checkpoint-permission event without its details, naming the field", () => {
        const parsed = AuditLogWire.safeParse({ ...created, "checkpoint.permission.created": undefined });
        expect(parsed.success).toBe(false);
        expect(parsed.error?.issues[0]).toMatchObject({ path: ["checkpoint.permission.created"], message: expect.stringContaining("permission id") });
    });
});

describe("the project model", () => {
    it("reads an archived project and an active one without a name", () => {
        const page = toPage(
            ProjectListWire.parse({
                object: "list",
                data: [
                    { object: "organization.project", id: "proj_old", name: "Old", created_at: 1, archived_at: 5, status: "archived", residency: "GLOBAL" },
                    { object: "organization.project", id: "proj_new", created_at: 2 },
                ],
                has_more: false,
            }),
            toProject,
        );
        expect(page.data).toEqual([
            { id: "proj_old", name: "Old", status: "archived", createdAt: 1, archivedAt: 5 },
            { id: "proj_new", name: null, status: null, createdAt: 2, archivedAt: null },
        ]);
    });
});
