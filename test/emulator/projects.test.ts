/**
 * The emulator's projects listing over real HTTP: seeded projects with their names, archived ones only when asked
 * for, oldest first, paged by `after`, each page fitting the spec.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import { adminUrl, call, expectError, REQUEST_ID } from "./support/http";
import { assertSchema } from "./support/spec";

interface ProjectPage {
    data: Array<{ object: string; id: string; name: string | null; created_at: number; archived_at: number | null; status: string }>;
    first_id: string | null;
    last_id: string | null;
    has_more: boolean;
}

let emulator: RunningEmulator;
beforeAll(async () => {
    emulator = await startEmulator({
        now: () => 1_700_000_999,
        seed: {
            checkpoints: {},
            projects: [
                { id: "proj_research", name: "Research", created_at: 1_700_000_300 },
                { id: "proj_default", name: "Default project", created_at: 1_700_000_000 },
                { id: "proj_legacy", name: "Legacy", created_at: 1_700_000_100, archived_at: 1_700_000_500 },
                { id: "proj_unnamed" },
                ...Array.from({ length: 25 }, (_, i) => ({ id: `proj_bulk${String(i).padStart(2, "0")}`, name: `Bulk ${i}`, created_at: 1_700_000_400 })),
            ],
        },
    });
});
afterAll(() => emulator.close());

async function projects(query: Record<string, string> = {}): Promise<ProjectPage> {
    const reply = await call(adminUrl(emulator, "projects", query));
    expect(reply.status, reply.text).toBe(200);
    expect(reply.headers.get("x-request-id")).toMatch(REQUEST_ID);
    assertSchema("ProjectListResponse", reply.json);
    return reply.json as ProjectPage;
}

describe("listing projects", () => {
    it("gives each project's name and status, oldest first, 20 a page, without archived ones", async () => {
        const page = await projects();
        expect(page.data).toHaveLength(20);
        expect(page.has_more).toBe(true);
        expect(page.data.slice(0, 3)).toEqual([
            { object: "organization.project", id: "proj_default", name: "Default project", created_at: 1_700_000_000, archived_at: null, status: "active" },
            { object: "organization.project", id: "proj_research", name: "Research", created_at: 1_700_000_300, archived_at: null, status: "active" },
            { object: "organization.project", id: "proj_bulk00", name: "Bulk 0", created_at: 1_700_000_400, archived_at: null, status: "active" },
        ]);
        expect(page.data.map((p) => p.id)).not.toContain("proj_legacy");
    });

    it("includes archived projects when asked, and walks them all with after", async () => {
        const seen: ProjectPage["data"] = [];
        let after: string | undefined;
        for (let pages = 0; pages < 10; pages++) {
            const page = await projects({ include_archived: "true", limit: "7", ...(after ? { after } : {}) });
            seen.push(...page.data);
            if (!page.has_more) break;
            after = page.last_id!;
        }
        expect(seen.map((p) => p.id)).toHaveLength(29);
        expect(seen[1]).toEqual({ object: "organization.project", id: "proj_legacy", name: "Legacy", created_at: 1_700_000_100, archived_at: 1_700_000_500, status: "archived" });
        expect(seen.at(-1)).toMatchObject({ id: "proj_unnamed", name: null, created_at: 1_700_000_999, status: "active" });
    });

    it("answers a bad parameter with 400 naming it", async () => {
        expectError(await call(adminUrl(emulator, "projects", { include_archived: "yes" })), 400, { param: "include_archived", code: "invalid_type" });
        expectError(await call(adminUrl(emulator, "projects", { limit: "101" })), 400, { param: "limit" });
        expectError(await call(adminUrl(emulator, "projects", { after: "proj_nowhere" })), 400, { param: "after", code: "invalid_value" });
    });

    it("needs the admin key, and only GET", async () => {
        const error = expectError(await call(adminUrl(emulator, "projects"), { key: "sk-proj-abc" }), 403);
        expect(error.message).toContain("api.organization.projects.read");
        expectError(await call(adminUrl(emulator, "projects"), { method: "POST", body: {} }), 405);
    });
});
