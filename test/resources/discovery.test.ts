/**
 * Every checkpoint the organization shares (provider/resources/discovery.ts), found from the emulator's audit log
 * over loopback and confirmed by each checkpoint's live listing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { BadRequestError, CheckpointPermissionsClient } from "../../provider/client";
import { generateSeed, startEmulator, type RunningEmulator } from "../../provider/emulator";
import { checkSharedCheckpointsQuery, readSharedCheckpoints } from "../../provider/resources/discovery";
import { failure } from "../faults/hostile-server";
import { gate } from "../faults/organization-server";

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

        interface Gates {
            /** Awaited before each listing is sent. */
            beforeListing?: () => Promise<void>;
            /** Told of each listing that ended, by its checkpoint. */
            afterListing?: (checkpoint: string) => void;
            /** Awaited before each page of the audit log (from 0) is asked for. */
            beforeLogPage?: (page: number) => Promise<void> | undefined;
            /** Told when the audit log's listing fails, before the read is. */
            onLogError?: () => void;
        }

        /**
         * The emulator's organization and a client of it whose listings and pages of the audit log are watched: how
         * many listings have started and ended, and how many had started before each page was asked for. The steps'
         * order is set by gates the test opens on these events (`beforeListing`, `beforeLogPage`), never by a delay.
         */
        async function pagedOrganization(gates: Gates = {}) {
            const emulator = await startEmulator({ seed: paged });
            emulators.push(emulator);
            const client = new CheckpointPermissionsClient({ adminKey: emulator.adminKey, baseUrl: emulator.baseUrl, maxRetries: 0 });
            const listings = { started: 0, ended: 0, startedBeforeLogPage: [] as number[] };
            const listAll = client.permissions.listAll.bind(client.permissions);
            client.permissions.listAll = async (...args: Parameters<typeof listAll>) => {
                listings.started++;
                try {
                    await gates.beforeListing?.();
                    return await listAll(...args);
                } finally {
                    listings.ended++;
                    gates.afterListing?.(args[0]);
                }
            };
            const pages = client.auditLogs.pages.bind(client.auditLogs);
            client.auditLogs.pages = async function* (...args: Parameters<typeof pages>) {
                const log = pages(...args);
                for (let page = 0; ; page++) {
                    await gates.beforeLogPage?.(page);
                    listings.startedBeforeLogPage.push(listings.started);
                    let next: IteratorResult<Awaited<ReturnType<typeof log.next>>["value"]>;
                    try {
                        next = await log.next();
                    } catch (error) {
                        gates.onLogError?.();
                        throw error;
                    }
                    if (next.done) return;
                    yield next.value;
                }
            };
            return { emulator, listings, read: () => readSharedCheckpoints(client, checkSharedCheckpointsQuery({})) };
        }

        it("starts the listings of the checkpoints a page names before it asks for the next page", async () => {
            const { listings, read } = await pagedOrganization();
            expect((await read()).checkpointIds).toHaveLength(30);
            expect(listings.startedBeforeLogPage.slice(0, 2)).toEqual([0, onFirstPage]);
        });

        it("fails with a listing's error once the audit log and every other listing have ended", async () => {
            // The second page is asked for only once the refused listing has ended: a read that failed on it at once would not ask.
            const refused = gate();
            const { emulator, read } = await pagedOrganization({
                afterListing: (checkpoint) => {
                    if (checkpoint.endsWith("Gen000030")) refused.open();
                },
                beforeLogPage: (page) => (page === 1 ? refused.opened : undefined),
            });
            emulator.inject({ kind: "status", status: 400, message: "refused for the test", match: { operation: "list", pathIncludes: "Gen000030" } });
            await expect(read()).rejects.toThrow(BadRequestError);
            expect(emulator.requests.filter(isAuditLog)).toHaveLength(2);
            expect(emulator.requests.filter(isListing)).toHaveLength(30);
        });

        it("fails with the audit log's error once the listings it started have ended", async () => {
            // The listings wait until the client has the audit log's error: a read that failed at once would leave them running.
            const logFailed = gate();
            const { emulator, listings, read } = await pagedOrganization({ beforeListing: () => logFailed.opened, onLogError: logFailed.open });
            emulator.inject({ kind: "latency", delayMs: 0, match: { operation: "list-audit-logs" } });
            emulator.inject({ kind: "status", status: 400, message: "refused for the test", match: { operation: "list-audit-logs" } });
            const error = await failure(read());
            expect(error.message).toContain("400 refused for the test [GET /organization/audit_logs");
            expect(listings).toMatchObject({ started: onFirstPage, ended: onFirstPage });
            expect(emulator.requests.filter(isListing)).toHaveLength(onFirstPage);
        });
    });
});

