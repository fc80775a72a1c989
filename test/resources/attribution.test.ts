/**
 * Who granted each permission (provider/resources/attribution.ts), read from the emulator's audit log over
 * loopback, through the listing every surface runs (readCheckpointPermissions with `attribution`).
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { CheckpointPermissionsClient } from "../../provider/client";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import { readCheckpointPermissions, type ListedPermission } from "../../provider/resources/listing";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
const OTHER = "ft:gpt-4o-mini-2024-07-18:acme::Other";
/** Shared before audit logging began: no event. */
const seed = {
    checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_early", created_at: 1_700_000_000 }] }, [OTHER]: { owner_project_id: "proj_owner" } },
};
const MALLORY = { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } };
const CI_ACCOUNT = { apiKey: { id: "key_ci", serviceAccount: { id: "svc_ci" } } };

let emulators: RunningEmulator[] = [];
afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(emulators.map((emulator) => emulator.close()));
    emulators = [];
});

/**
 * Moves the clock the emulator stamps events with, and the one a listing's start is read from, past the next
 * second (both read `Date`; only `Date` is faked, so requests and their timers run as ever).
 */
function laterByASecond(): void {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(Date.now() + 1_100);
}

async function organization(options: { auditLogging?: boolean } = {}) {
    const emulator = await startEmulator({ seed, adminKeyActor: CI_ACCOUNT, ...options });
    emulators.push(emulator);
    const client = new CheckpointPermissionsClient({ adminKey: emulator.adminKey, baseUrl: emulator.baseUrl });
    const warnings: string[] = [];
    const read = async (checkpoint = CHECKPOINT) =>
        (await readCheckpointPermissions(client, { checkpoint, order: "ascending", attribution: true }, (level, message) => level === "warn" && warnings.push(message))).permissionsByProject;
    const auditRequests = () => emulator.requests.filter((r) => r.path.endsWith("/organization/audit_logs"));
    return { emulator, client, read, warnings, auditRequests };
}

const grantor = (permission: ListedPermission | undefined) => permission?.grantedBy;

describe("attribution", () => {
    it("names the dashboard user (with the IP address) and the service account's key, with when", async () => {
        const { emulator, client, read } = await organization();
        const byMallory = emulator.grant(CHECKPOINT, "proj_intruder", { actor: MALLORY });
        await client.permissions.create(CHECKPOINT, ["proj_pipeline"]);
        const permissions = await read();
        expect(grantor(permissions["proj_intruder"])).toMatchObject({ kind: "dashboard", email: "mallory@acme.com", ipAddress: "203.0.113.7" });
        expect(permissions["proj_intruder"]?.grantedAt).toBe(byMallory.created_at);
        expect(grantor(permissions["proj_pipeline"])).toEqual({ kind: "service-account-key", serviceAccountId: "svc_ci", apiKeyId: "key_ci" });
    });

    it("says unknown, and why, for a permission the audit log has no event for", async () => {
        const { read } = await organization();
        expect(await read()).toMatchObject({ proj_early: { grantedBy: { kind: "unknown", reason: expect.stringMatching(/before audit logging was on/) }, grantedAt: null } });
    });

    it("lists the log once for every read of a client, filtered on the server, a page of 100 at a time", async () => {
        const { emulator, read, auditRequests } = await organization();
        for (let i = 0; i < 150; i++) emulator.grant(OTHER, `proj_${i}`);
        emulator.grant(CHECKPOINT, "proj_late", { actor: MALLORY });
        await read();
        await read(OTHER);
        await read();
        expect(auditRequests().map((r) => r.query)).toEqual([
            expect.objectContaining({ "event_types[]": "checkpoint.permission.created", limit: "100" }),
            expect.objectContaining({ "event_types[]": "checkpoint.permission.created", limit: "100" }),
        ]);
        expect(auditRequests()[0]?.query["effective_at[gte]"]).toBeDefined();
    });

    it("shares one listing between reads made at once (a program's records, read together)", async () => {
        const { emulator, read, auditRequests } = await organization();
        for (let i = 0; i < 20; i++) emulator.grant(OTHER, `proj_${i}`);
        emulator.grant(CHECKPOINT, "proj_late", { actor: MALLORY });
        const reads = await Promise.all([read(), read(OTHER), read(), read(OTHER)]);
        expect(grantor(reads[0]["proj_late"])).toMatchObject({ kind: "dashboard" });
        expect(auditRequests()).toHaveLength(1);
    });

    it("with audit logging off, still reads, attributes every permission to unknown, and warns once", async () => {
        const { emulator, read, warnings } = await organization({ auditLogging: false });
        emulator.grant(CHECKPOINT, "proj_intruder", { actor: MALLORY });
        const permissions = await read();
        await read(OTHER);
        expect(Object.keys(permissions).sort()).toEqual(["proj_early", "proj_intruder"]);
        expect(grantor(permissions["proj_intruder"])).toEqual({ kind: "unknown", reason: expect.stringMatching(/audit logging is off/) });
        expect(warnings).toEqual([expect.stringMatching(/^Attribution is unavailable: the organization's audit logging is off/)]);
    });

    it("adds nothing, and lists no log, when the read does not ask for attribution", async () => {
        const { client, emulator, auditRequests } = await organization();
        const { permissions } = await readCheckpointPermissions(client, { checkpoint: CHECKPOINT, order: "ascending", attribution: false });
        expect(permissions[0]).not.toHaveProperty("grantedBy");
        expect(auditRequests()).toHaveLength(0);
        expect(emulator.requests).toHaveLength(1);
    });
});

describe("attribution over a program run", () => {
    it("lists again only the span since the last listing, for a permission granted after it", async () => {
        const { emulator, client, read, auditRequests } = await organization();
        await read();
        // The stack's own grant, later in the same run: its event is newer than the first listing.
        laterByASecond();
        await client.permissions.create(CHECKPOINT, ["proj_pipeline"]);
        emulator.grant(CHECKPOINT, "proj_intruder", { actor: MALLORY });
        const permissions = await read();
        expect(grantor(permissions["proj_pipeline"])).toMatchObject({ kind: "service-account-key" });
        expect(grantor(permissions["proj_intruder"])).toMatchObject({ kind: "dashboard" });
        // The second listing is the tail since the first: no upper bound, and it starts no earlier.
        expect(auditRequests()).toHaveLength(2);
        const [first, second] = auditRequests().map((r) => r.query);
        expect(second).not.toHaveProperty("effective_at[lt]");
        expect(Number(second?.["effective_at[gte]"])).toBeGreaterThanOrEqual(Number(first?.["effective_at[gte]"]));
    });
});

describe("attribution over a program run, reads of older access in between", () => {
    it("still lists the span since the last open listing for a permission granted before a read of older access", async () => {
        const { emulator, client, read } = await organization();
        emulator.grant(OTHER, "proj_intruder", { actor: MALLORY });
        await read(OTHER);
        // The stack's own grant; then, a second later, a record of older access lists only the span before the first
        // listing, which must not count as covering the time since.
        await client.permissions.create(OTHER, ["proj_pipeline"]);
        laterByASecond();
        await read();
        const permissions = await read(OTHER);
        expect(grantor(permissions["proj_pipeline"])).toMatchObject({ kind: "service-account-key", serviceAccountId: "svc_ci" });
    });
});
