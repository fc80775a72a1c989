/**
 * OpenAI's own SDK (`openai`, a devDependency) against the emulator: `admin.organization.auditLogs.list()` and
 * `admin.organization.projects.list()` page through what the emulator answers, filters and cursors as the SDK sends
 * them, so the emulator speaks the API as OpenAI's clients expect it.
 */
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::Sdk00001";
const START = 1_720_000_000;

let clock = START;
let emulator: RunningEmulator;
let sdk: OpenAI;
beforeAll(async () => {
    emulator = await startEmulator({
        now: () => clock,
        seed: {
            checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner" } },
            projects: [
                { id: "proj_default", name: "Default project", created_at: START - 300 },
                { id: "proj_owner", name: "Fine-tuning", created_at: START - 200 },
                { id: "proj_legacy", name: "Legacy", created_at: START - 100, archived_at: START - 50 },
            ],
        },
    });
    sdk = new OpenAI({ adminAPIKey: emulator.adminKey, baseURL: emulator.baseUrl, maxRetries: 0 });
    for (let i = 0; i < 5; i++) {
        clock = START + i;
        const permission = emulator.grant(CHECKPOINT, `proj_${i}`, { actor: { session: { email: "mallory@acme.com", ipAddress: "198.51.100.7" } } });
        if (i === 4) emulator.revoke(CHECKPOINT, permission.id, { actor: { apiKey: { id: "key_ci", serviceAccount: { id: "svc_acct_ci" } } } });
    }
});
afterAll(() => emulator.close());

describe("the official SDK", () => {
    it("pages through the audit log with auditLogs.list(), filters and all", async () => {
        const events = [];
        for await (const event of sdk.admin.organization.auditLogs.list({ event_types: ["checkpoint.permission.created"], effective_at: { gte: START + 1 }, limit: 2 })) {
            events.push(event);
        }
        expect(events.map((e) => e.effective_at)).toEqual([START + 4, START + 3, START + 2, START + 1]);
        expect(events[0]?.actor).toMatchObject({ type: "session", session: { user: { email: "mallory@acme.com" }, ip_address: "198.51.100.7" } });
        expect(events[0]?.["checkpoint.permission.created"]).toMatchObject({ data: { project_id: "proj_4", fine_tuned_model_checkpoint: CHECKPOINT } });
        // Two pages of two, the second's cursor the first's last event, the filters as the SDK names them.
        const pages = emulator.requests.filter((r) => r.path === "/v1/organization/audit_logs");
        expect(pages.map((r) => r.query["after"])).toEqual([undefined, events[1]?.id]);
        expect(pages[1]?.query).toMatchObject({ "event_types[]": "checkpoint.permission.created", "effective_at[gte]": String(START + 1), limit: "2" });
    });

    it("reads who revoked it, an API key of a service account", async () => {
        const page = await sdk.admin.organization.auditLogs.list({ event_types: ["checkpoint.permission.deleted"] });
        expect(page.data).toHaveLength(1);
        expect(page.data[0]?.actor).toEqual({ type: "api_key", api_key: { id: "key_ci", type: "service_account", service_account: { id: "svc_acct_ci" } } });
    });

    it("lists projects with projects.list(), archived ones when asked", async () => {
        const active = [];
        for await (const project of sdk.admin.organization.projects.list()) active.push(project.id);
        expect(active).toEqual(["proj_default", "proj_owner"]);
        const all = [];
        for await (const project of sdk.admin.organization.projects.list({ include_archived: true, limit: 1 })) all.push(project);
        expect(all.map((p) => [p.id, p.name, p.status])).toEqual([
            ["proj_default", "Default project", "active"],
            ["proj_owner", "Fine-tuning", "active"],
            ["proj_legacy", "Legacy", "archived"],
        ]);
    });

    it("gets the audit-logging-off answer as an API error carrying its code", async () => {
        const off = await startEmulator({ auditLogging: false });
        try {
            const client = new OpenAI({ adminAPIKey: off.adminKey, baseURL: off.baseUrl, maxRetries: 0 });
            const error = await client.admin.organization.auditLogs.list().catch((e: unknown) => e);
            expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
            expect(error).toMatchObject({ status: 403, code: "audit_logging_disabled" });
        } finally {
            await off.close();
        }
    });
});
