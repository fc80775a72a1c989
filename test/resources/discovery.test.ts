/**
 * Every checkpoint the organization shares (provider/resources/discovery.ts), found from the emulator's audit log
 * over loopback and confirmed by each checkpoint's live listing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { BadRequestError, CheckpointPermissionsClient } from "../../provider/client";
import { generateSeed, startEmulator, type Fault, type RunningEmulator } from "../../provider/emulator";
import { checkSharedCheckpointsQuery, readSharedCheckpoints } from "../../provider/resources/discovery";

const A = "ft:gpt-4o-mini-2024-07-18:acme::A";
const B = "ft:gpt-4o-mini-2024-07-18:acme::B";
const REVOKED = "ft:gpt-4o-mini-2024-07-18:acme::Revoked";
const OLD = "ft:gpt-4o-mini-2024-07-18:acme::SharedBeforeTheLog";
const seed = {
    checkpoints: {
        [A]: { owner_project_id: "proj_owner" },
        [B]: { owner_project_id: "proj_owner" },
        [REVOKED]: { owner_project_id: "proj_owner" },
        [OLD]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_old" }] },
    },
};

let emulators: RunningEmulator[] = [];
afterEach(async () => {
    await Promise.all(emulators.map((e) => e.close()));
    emulators = [];
});

async function organization(options: { auditLogging?: boolean } = {}) {
    const emulator = await startEmulator({ seed, ...options });
    emulators.push(emulator);
    const client = new CheckpointPermissionsClient({ adminKey: emulator.adminKey, baseUrl: emulator.baseUrl });
    const warnings: string[] = [];
    const read = (include?: string[]) => readSharedCheckpoints(client, checkSharedCheckpointsQuery({ include }), (level, message) => level === "warn" && warnings.push(message));
    return { emulator, read, warnings };
}

describe("getSharedCheckpoints", () => {
    it("finds every checkpoint shared since audit logging began, confirms each, and leaves out one whose access is all revoked", async () => {
        const { emulator, read } = await organization();
        emulator.grant(B, "proj_b2");
        emulator.grant(A, "proj_a");
        emulator.grant(B, "proj_b1");
        emulator.revoke(REVOKED, emulator.grant(REVOKED, "proj_gone").id);
        expect(await read()).toEqual({
            checkpoints: [
                { checkpoint: A, projectIds: ["proj_a"], permissionCount: 1 },
                { checkpoint: B, projectIds: ["proj_b1", "proj_b2"], permissionCount: 2 },
            ],
            checkpointIds: [A, B],
            auditLogging: true,
            candidateCount: 3,
        });
    });

    it("confirms checkpoints known from elsewhere (shared before the log began), and ignores one that is gone", async () => {
        const { read } = await organization();
        const { checkpointIds } = await read([OLD, "ft:gpt-4o-mini-2024-07-18:acme::Gone"]);
        expect(checkpointIds).toEqual([OLD]);
    });

    it("with audit logging off, says so once and confirms only the included checkpoints", async () => {
        const { emulator, read, warnings } = await organization({ auditLogging: false });
        emulator.grant(A, "proj_a");
        const result = await read([OLD]);
        expect(result).toMatchObject({ checkpointIds: [OLD], auditLogging: false });
        expect(warnings).toEqual([expect.stringMatching(/audit logging is off, so its shared checkpoints cannot be found/)]);
    });

    it("names a bad included checkpoint before any request", async () => {
        expect(() => checkSharedCheckpointsQuery({ include: [A, " "] })).toThrow(/include\[1\]: must not be empty/);
        expect(() => checkSharedCheckpointsQuery({ include: A })).toThrow(/include: must be a list of checkpoint ids/);
    });

    describe("confirming while the audit log pages", () => {
        // 150 created events, newest first in pages of 100: the first names Gen000030 to Gen000011, the second the rest.
        const paged = generateSeed({ checkpoints: 30, permissions: 5 });
        const onFirstPage = 20;
        const isListing = (r: { path: string }) => r.path.startsWith("/v1/fine_tuning/checkpoints/");
        const isAuditLog = (r: { path: string }) => r.path === "/v1/organization/audit_logs";

        /** The second page of the audit log is held back 300 ms (then answered, or refused), so what the read does before it has time to show. */
        async function pagedOrganization(secondPage: Fault = { kind: "latency", delayMs: 300 }) {
            const emulator = await startEmulator({ seed: paged });
            emulators.push(emulator);
            const client = new CheckpointPermissionsClient({ adminKey: emulator.adminKey, baseUrl: emulator.baseUrl });
            emulator.inject({ kind: "latency", delayMs: 0, match: { operation: "list-audit-logs" } });
            emulator.inject({ ...secondPage, match: { operation: "list-audit-logs" } });
            return { emulator, read: () => readSharedCheckpoints(client, checkSharedCheckpointsQuery({})) };
        }

        it("confirms the checkpoints a page names before the next page comes", async () => {
            const { emulator, read } = await pagedOrganization();
            expect((await read()).checkpointIds).toHaveLength(30);
            const answered = emulator.requests; // in the order they were answered
            const secondPage = answered.findIndex((r, i) => isAuditLog(r) && i > answered.findIndex(isAuditLog));
            expect(answered.slice(0, secondPage).filter(isListing)).toHaveLength(onFirstPage);
        });

        it("fails with a listing's error once the audit log and every other listing have ended", async () => {
            const { emulator, read } = await pagedOrganization();
            emulator.inject({ kind: "status", status: 400, message: "refused for the test", match: { operation: "list", pathIncludes: "Gen000030" } });
            await expect(read()).rejects.toThrow(BadRequestError);
            expect(emulator.requests.filter(isAuditLog)).toHaveLength(2);
            expect(emulator.requests.filter(isListing)).toHaveLength(30);
        });

        it("fails with the audit log's error once the listings it started have ended", async () => {
            const { emulator, read } = await pagedOrganization({ kind: "status", status: 400, delayMs: 300, message: "refused for the test" });
            await expect(read()).rejects.toThrow("400 refused for the test [GET /organization/audit_logs");
            // Logged as they are answered: every listing page 1 started had ended when the read failed.
            expect(emulator.requests.filter(isListing)).toHaveLength(onFirstPage);
        });
    });
});
