import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startEmulator, type EmulatorSeed, type RunningEmulator } from "../../provider/emulator";
import { call, expectList, list, permissionsUrl, PERMISSION_ID } from "./support/http";

const EMPTY = "ft:gpt-4o-mini-2024-07-18:acme::Empty001";
const SINGLE = "ft:gpt-4o-mini-2024-07-18:acme::Single01";
const TEN = "ft:gpt-4o-mini-2024-07-18:acme::Ten00001:ckpt-step-10";
const ELEVEN = "ft:gpt-4o-mini-2024-07-18:acme::Eleven01:ckpt-step-11";
/** An id with every character a client must percent-encode, plus a raw colon. */
const AWKWARD = "ft:gpt-4o-mini:acme:a/b?c#d%e f:ckpt";

/** `count` permissions for proj_0…proj_{count-1}, created one second apart (proj_0 oldest). */
function permissions(count: number, start = 1_700_000_000): Array<{ project_id: string; created_at: number }> {
    return Array.from({ length: count }, (_, i) => ({ project_id: `proj_${i}`, created_at: start + i }));
}

const seed: EmulatorSeed = {
    checkpoints: {
        [EMPTY]: { owner_project_id: "proj_owner" },
        [SINGLE]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_only", created_at: 1_700_000_000 }] },
        [TEN]: { owner_project_id: "proj_owner", permissions: permissions(10) },
        [ELEVEN]: { owner_project_id: "proj_owner", permissions: permissions(11) },
        [AWKWARD]: { owner_project_id: "proj_owner", permissions: permissions(2) },
    },
};

let emulator: RunningEmulator;
beforeAll(async () => {
    emulator = await startEmulator({ seed });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const projects = (body: { data: Array<{ project_id: string }> }): string[] => body.data.map((p) => p.project_id);

describe("listing permissions", () => {
    it("answers an empty page with null ids", async () => {
        const page = await list(emulator, EMPTY);
        expect(page).toEqual({ object: "list", data: [], first_id: null, last_id: null, has_more: false });
    });

    it("answers a single permission with first_id = last_id", async () => {
        const page = await list(emulator, SINGLE);
        expect(page.data).toHaveLength(1);
        const [only] = page.data;
        expect(only).toMatchObject({ object: "checkpoint.permission", project_id: "proj_only", created_at: 1_700_000_000 });
        expect(only?.id).toMatch(PERMISSION_ID);
        expect(page.first_id).toBe(only?.id);
        expect(page.last_id).toBe(only?.id);
        expect(page.has_more).toBe(false);
    });

    it("fits exactly one default page of 10 without has_more", async () => {
        const page = await list(emulator, TEN);
        expect(page.data).toHaveLength(10);
        expect(page.has_more).toBe(false);
    });

    it("pages 11 permissions as 10 + 1, newest first", async () => {
        const first = await list(emulator, ELEVEN);
        expect(projects(first)).toEqual(["proj_10", "proj_9", "proj_8", "proj_7", "proj_6", "proj_5", "proj_4", "proj_3", "proj_2", "proj_1"]);
        expect(first.has_more).toBe(true);
        expect(first.first_id).toBe(first.data[0]?.id);
        expect(first.last_id).toBe(first.data[9]?.id);

        const second = await list(emulator, ELEVEN, { after: first.last_id ?? "" });
        expect(projects(second)).toEqual(["proj_0"]);
        expect(second.has_more).toBe(false);
    });

    it("lists oldest first with order=ascending", async () => {
        const page = await list(emulator, ELEVEN, { order: "ascending", limit: "3" });
        expect(projects(page)).toEqual(["proj_0", "proj_1", "proj_2"]);
        expect(page.has_more).toBe(true);
        const next = await list(emulator, ELEVEN, { order: "ascending", limit: "3", after: page.last_id ?? "" });
        expect(projects(next)).toEqual(["proj_3", "proj_4", "proj_5"]);
    });

    it.each(["ascending", "descending"])("walks every permission exactly once with limit=1 (%s)", async (order) => {
        const seen: string[] = [];
        let after: string | null = null;
        for (let pages = 0; pages < 20; pages++) {
            const page: Awaited<ReturnType<typeof list>> = await list(emulator, ELEVEN, {
                order,
                limit: "1",
                ...(after ? { after } : {}),
            });
            seen.push(...projects(page));
            if (!page.has_more) break;
            after = page.last_id;
        }
        const expected = permissions(11).map((p) => p.project_id);
        expect(seen).toEqual(order === "ascending" ? expected : [...expected].reverse());
    });

    it("breaks created_at ties by creation order", async () => {
        emulator.reset({
            checkpoints: {
                [EMPTY]: {
                    owner_project_id: "proj_owner",
                    permissions: [
                        { project_id: "proj_first", created_at: 1_700_000_000 },
                        { project_id: "proj_second", created_at: 1_700_000_000 },
                        { project_id: "proj_third", created_at: 1_700_000_000 },
                    ],
                },
            },
        });
        expect(projects(await list(emulator, EMPTY))).toEqual(["proj_third", "proj_second", "proj_first"]);
        expect(projects(await list(emulator, EMPTY, { order: "ascending" }))).toEqual(["proj_first", "proj_second", "proj_third"]);
        const page = await list(emulator, EMPTY, { limit: "2" });
        const rest = await list(emulator, EMPTY, { limit: "2", after: page.last_id ?? "" });
        expect(projects(rest)).toEqual(["proj_first"]);
    });

    it("filters by project_id", async () => {
        const page = await list(emulator, ELEVEN, { project_id: "proj_4" });
        expect(projects(page)).toEqual(["proj_4"]);
        expect(page.has_more).toBe(false);
        expect(await list(emulator, ELEVEN, { project_id: "proj_nobody" })).toMatchObject({ data: [], first_id: null, has_more: false });
    });

    it("accepts a cursor that the project filter excludes", async () => {
        const all = await list(emulator, ELEVEN, { limit: "100" });
        const proj7 = all.data.find((p) => p.project_id === "proj_7");
        // Descending, after proj_7 come proj_6…proj_0; the filter keeps proj_4 only.
        const page = await list(emulator, ELEVEN, { after: proj7?.id ?? "", project_id: "proj_4" });
        expect(projects(page)).toEqual(["proj_4"]);
        const none = await list(emulator, ELEVEN, { after: proj7?.id ?? "", project_id: "proj_9" });
        expect(none.data).toEqual([]);
    });

    it("accepts the limit bounds 1 and 100", async () => {
        expect((await list(emulator, ELEVEN, { limit: "1" })).data).toHaveLength(1);
        const max = await list(emulator, ELEVEN, { limit: "100" });
        expect(max.data).toHaveLength(11);
        expect(max.has_more).toBe(false);
    });

    it("decodes a percent-encoded checkpoint id (/ ? # % and space), with raw or encoded colons", async () => {
        expect(projects(await list(emulator, AWKWARD))).toEqual(["proj_1", "proj_0"]);
        const fullyEncoded = `${emulator.baseUrl}/fine_tuning/checkpoints/${encodeURIComponent(AWKWARD)}/permissions`;
        expect(projects(expectList(await call(fullyEncoded)))).toEqual(["proj_1", "proj_0"]);
    });

    it("reflects grants and revocations made outside the API", async () => {
        const granted = emulator.grant(SINGLE, "proj_dashboard");
        expect(granted.id).toMatch(PERMISSION_ID);
        expect(projects(await list(emulator, SINGLE))).toContain("proj_dashboard");
        expect(emulator.revoke(SINGLE, granted.id)).toBe(true);
        expect(projects(await list(emulator, SINGLE))).toEqual(["proj_only"]);
    });

    it("ignores unknown query parameters", async () => {
        const reply = await call(`${permissionsUrl(emulator, SINGLE)}?foo=bar`);
        expect(expectList(reply).data).toHaveLength(1);
    });
});
