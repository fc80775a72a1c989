/**
 * Who granted each permission (provider/resources/attribution.ts), read from the emulator's audit log over
 * loopback, through the listing every surface runs (readCheckpointPermissions with `attribution`), or through an
 * `Attribution` whose waits move the emulator's clock instead of taking time.
 *
 * The emulator's clock (`now`) is the server's, set by each test; where the client's clock matters it is faked apart
 * from it (only `Date`, so requests and their timers run as ever). No test reads the time it runs at.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { CheckpointPermissionsClient } from "../../provider/client";
import { startEmulator, type EmulatorSeed, type RunningEmulator } from "../../provider/emulator";
import { Attribution, attributionOf, AUDIT_LOGGING_OFF, CREATED_EVENT, EVENT_WINDOW_SECONDS, MAX_POLLS, MAX_WAIT_MS, type AttributedPermission } from "../../provider/resources/attribution";
import { readCheckpointPermissions, type ListedPermission } from "../../provider/resources/listing";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
const OTHER = "ft:gpt-4o-mini-2024-07-18:acme::Other";
const EARLY = 1_700_000_000;
/** The server's clock when each test starts. */
const START = 1_800_000_000;
/** Shared before audit logging began: no event. */
const seed: EmulatorSeed = {
    checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_early", created_at: EARLY }] }, [OTHER]: { owner_project_id: "proj_owner" } },
};
const MALLORY = { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } };
const CI_ACCOUNT = { apiKey: { id: "key_ci", serviceAccount: { id: "svc_ci" } } };

let emulators: RunningEmulator[] = [];
afterEach(async () => {
    vi.useRealTimers();
    await Promise.all(emulators.map((emulator) => emulator.close()));
    emulators = [];
});

/** This machine's clock, `seconds` off the server's (ahead when positive): only `Date` is faked. */
function clientClockOff(seconds: number): void {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime((START + seconds) * 1000);
}

/** An emulator whose clock is `clock.server`, from START, and a client of it. */
async function organization(options: { auditLogging?: boolean; auditLogDelaySeconds?: number; seed?: EmulatorSeed } = {}) {
    const clock = { server: START };
    const emulator = await startEmulator({ seed, adminKeyActor: CI_ACCOUNT, now: () => clock.server, ...options });
    emulators.push(emulator);
    const client = new CheckpointPermissionsClient({ adminKey: emulator.adminKey, baseUrl: emulator.baseUrl });
    const warnings: string[] = [];
    const read = async (checkpoint = CHECKPOINT) =>
        (await readCheckpointPermissions(client, { checkpoint, order: "ascending", attribution: true }, (level, message) => level === "warn" && warnings.push(message))).permissionsByProject;
    const auditRequests = () => emulator.requests.filter((r) => r.path.endsWith("/organization/audit_logs"));
    return { emulator, client, clock, read, warnings, auditRequests };
}

/**
 * An organization read through an `Attribution` whose waits move the server's clock by as long (or, with
 * `serverClockStands`, not at all), recording each wait: the waiting runs through in no time.
 */
async function waitingOrganization(options: { auditLogging?: boolean; auditLogDelaySeconds?: number; serverClockStands?: boolean } = {}) {
    const { serverClockStands, ...emulatorOptions } = options;
    const org = await organization(emulatorOptions);
    const waits: number[] = [];
    const sleep = async (ms: number) => {
        waits.push(ms);
        if (!serverClockStands) org.clock.server += Math.ceil(ms / 1000);
    };
    const attribution = new Attribution(org.client, { sleep });
    const attribute = async (checkpoint = CHECKPOINT): Promise<Record<string, AttributedPermission>> => {
        const { permissions } = await org.client.permissions.listAll(checkpoint);
        return Object.fromEntries((await attribution.attribute(checkpoint, permissions)).map((p) => [p.projectId, p]));
    };
    return { ...org, waits, attribute };
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

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
        // From a minute before the oldest permission read, the one shared before audit logging: no upper bound.
        expect(auditRequests()[0]?.query).toMatchObject({ "effective_at[gte]": String(EARLY - 60) });
        expect(auditRequests()[0]?.query).not.toHaveProperty("effective_at[lt]");
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
    it("lists again only the span the last listing could not vouch for, for a permission granted after it", async () => {
        const { emulator, client, clock, read, auditRequests } = await organization();
        await read();
        // The stack's own grant, later in the same run: its event is newer than the first listing.
        clock.server += 1;
        await client.permissions.create(CHECKPOINT, ["proj_pipeline"]);
        emulator.grant(CHECKPOINT, "proj_intruder", { actor: MALLORY });
        const permissions = await read();
        expect(grantor(permissions["proj_pipeline"])).toMatchObject({ kind: "service-account-key" });
        expect(grantor(permissions["proj_intruder"])).toMatchObject({ kind: "dashboard" });
        // The second listing is the tail: no upper bound, from the window (and a minute) before the first began.
        expect(auditRequests().map((r) => r.query["effective_at[gte]"])).toEqual([String(EARLY - 60), String(START - EVENT_WINDOW_SECONDS - 60)]);
        expect(auditRequests()[1]?.query).not.toHaveProperty("effective_at[lt]");
    });
});

describe("attribution over a program run, reads of older access in between", () => {
    it("still lists the span since the last open listing for a permission granted before a read of older access", async () => {
        const { emulator, client, clock, read } = await organization();
        emulator.grant(OTHER, "proj_intruder", { actor: MALLORY });
        await read(OTHER);
        // The stack's own grant; then, a second later, a record of older access lists only the span before the first
        // listing, which must not count as covering the time since.
        await client.permissions.create(OTHER, ["proj_pipeline"]);
        clock.server += 1;
        await read();
        const permissions = await read(OTHER);
        expect(grantor(permissions["proj_pipeline"])).toMatchObject({ kind: "service-account-key", serviceAccountId: "svc_ci" });
    });
});

describe("which event names the grantor", () => {
    const EVE = { type: "session", session: { user: { email: "eve@acme.com" }, ip_address: "198.51.100.66" } };
    const MALLORY_SESSION = { type: "session", session: { user: { email: "mallory@acme.com" }, ip_address: "203.0.113.7" } };
    /** A `created` event, as the seed gives one: for `cp_a` of `proj_a` on CHECKPOINT unless `about` says otherwise. */
    const created = (effectiveAt: number, actor: object, about: { id?: string; projectId?: string; checkpoint?: string } = {}) => ({
        type: "checkpoint.permission.created",
        effective_at: effectiveAt,
        actor,
        "checkpoint.permission.created": { id: about.id ?? "cp_a", data: { project_id: about.projectId ?? "proj_a", fine_tuned_model_checkpoint: about.checkpoint ?? CHECKPOINT } },
    });
    const seedWith = (events: EmulatorSeed["audit_logs"]): EmulatorSeed => ({
        checkpoints: {
            [CHECKPOINT]: {
                owner_project_id: "proj_owner",
                permissions: [
                    { id: "cp_a", project_id: "proj_a", created_at: EARLY },
                    { id: "cp_b", project_id: "proj_b", created_at: EARLY },
                ],
            },
            [OTHER]: { owner_project_id: "proj_owner" },
        },
        audit_logs: events,
    });

    it("is only one whose permission id, project and checkpoint are all the permission's", async () => {
        const { read } = await organization({
            seed: seedWith([
                // cp_a's id, another project's or checkpoint's: not cp_a's events.
                created(EARLY, EVE, { projectId: "proj_b" }),
                created(EARLY, EVE, { checkpoint: OTHER }),
                // cp_b's: one of another project, earlier, then its own.
                created(EARLY, EVE, { id: "cp_b", projectId: "proj_other" }),
                created(EARLY + 1, MALLORY_SESSION, { id: "cp_b", projectId: "proj_b" }),
            ]),
        });
        const permissions = await read();
        expect(grantor(permissions["proj_a"])).toEqual({ kind: "unknown", reason: expect.stringMatching(/before audit logging was on/) });
        expect(permissions["proj_b"]).toMatchObject({ grantedBy: { kind: "dashboard", email: "mallory@acme.com" }, grantedAt: EARLY + 1 });
    });

    it("of two, is the earliest, though the log lists it last", async () => {
        const { read } = await organization({ seed: seedWith([created(EARLY, EVE), created(EARLY + 10, MALLORY_SESSION)]) });
        const permission = (await read())["proj_a"];
        expect(grantor(permission)).toMatchObject({ kind: "dashboard", email: "eve@acme.com" });
        expect(permission?.grantedAt).toBe(EARLY);
    });

    it("of two in one second, is the one listed later: the log lists newest first, so the one written first", async () => {
        // The log keeps a second's events in the order written (the seed's) and lists them newest first: Mallory, then Eve.
        const { read, client } = await organization({ seed: seedWith([created(EARLY, EVE), created(EARLY, MALLORY_SESSION)]) });
        const { events } = await client.auditLogs.listAll();
        expect(events.map((e) => (e.actor?.type === "session" ? e.actor.user.email : null))).toEqual(["mallory@acme.com", "eve@acme.com"]);
        expect(grantor((await read())["proj_a"])).toMatchObject({ kind: "dashboard", email: "eve@acme.com" });
    });
});

describe("attribution on the server's clock, whatever this machine's says", () => {
    it.each([
        ["ten minutes ahead of the server's", 600],
        ["ten minutes behind it", -600],
    ])("names the stack's own grant, granted after the first listing, with this machine's clock %s", async (_, offSeconds) => {
        const { client, clock, read } = await organization();
        clientClockOff(offSeconds);
        await read();
        clock.server += 1;
        await client.permissions.create(CHECKPOINT, ["proj_pipeline"]);
        expect(grantor((await read())["proj_pipeline"])).toMatchObject({ kind: "service-account-key", serviceAccountId: "svc_ci" });
    });
});

describe("an event the audit log writes late", () => {
    it("keeps the permission pending, lists the log again at growing waits, and names the grantor once the event appears", async () => {
        const { client, clock, attribute, waits, auditRequests } = await waitingOrganization({ auditLogDelaySeconds: 30 });
        await attribute();
        clock.server += 1;
        await client.permissions.create(CHECKPOINT, ["proj_pipeline"]);
        // One read: it returns once the event is listed, never with the grantor unknown in between.
        const permissions = await attribute();
        expect(permissions["proj_pipeline"]).toMatchObject({ grantedBy: { kind: "service-account-key", serviceAccountId: "svc_ci" }, grantedAt: START + 1 });
        // Listed at START + 1, 2, 4, 8, 16 and 32 by the server's clock: the event appeared at START + 31.
        expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
        expect(auditRequests()).toHaveLength(2 + waits.length);
        expect(permissions["proj_early"]?.grantedBy).toMatchObject({ reason: expect.stringMatching(/before audit logging was on/) });
    });

    it("shares each listing between reads waiting at once", async () => {
        const { client, clock, attribute, waits, auditRequests } = await waitingOrganization({ auditLogDelaySeconds: 30 });
        await attribute();
        clock.server += 1;
        await client.permissions.create(CHECKPOINT, ["proj_pipeline"]);
        const reads = await Promise.all([attribute(), attribute()]);
        for (const permissions of reads) expect(permissions["proj_pipeline"]?.grantedBy).toMatchObject({ kind: "service-account-key" });
        // The first listing, each read's own of the recent span, then no more than one a round for both.
        expect(auditRequests().length - 3).toBeLessThanOrEqual(waits.length / 2);
    });

    it("with this machine's clock ahead of the server's too", async () => {
        const { client, clock, attribute } = await waitingOrganization({ auditLogDelaySeconds: 30 });
        clientClockOff(600);
        await attribute();
        clock.server += 1;
        await client.permissions.create(CHECKPOINT, ["proj_pipeline"]);
        expect((await attribute())["proj_pipeline"]?.grantedBy).toMatchObject({ kind: "service-account-key" });
    });

    it("gives up once a listing begins the window after the grant by the server's clock: unknown, saying the event did not appear", async () => {
        const { client, clock, attribute, waits } = await waitingOrganization({ auditLogDelaySeconds: 600 });
        await attribute();
        clock.server += 1;
        await client.permissions.create(CHECKPOINT, ["proj_pipeline"]);
        const permissions = await attribute();
        expect(permissions["proj_pipeline"]).toMatchObject({
            grantedBy: { kind: "unknown", reason: expect.stringMatching(/^no checkpoint\.permission\.created event appeared in the audit log while it was waited for, up to 300 seconds after the grant/) },
            grantedAt: null,
        });
        // Waited just out the window: the last wait is cut to reach START + 1 + 300 and no further.
        expect(clock.server).toBe(START + 1 + EVENT_WINDOW_SECONDS);
        expect(sum(waits)).toBe(EVENT_WINDOW_SECONDS * 1000);
        expect(waits.length).toBeLessThanOrEqual(MAX_POLLS);
        // A permission from before audit logging is not waited for, and keeps its own reason.
        expect(permissions["proj_early"]?.grantedBy?.reason).toMatch(/before audit logging was on/);
    });

    it("waits no more than its bounds when the server's clock does not move", async () => {
        const { client, clock, attribute, waits } = await waitingOrganization({ auditLogDelaySeconds: 600, serverClockStands: true });
        await attribute();
        clock.server += 1;
        await client.permissions.create(CHECKPOINT, ["proj_pipeline"]);
        expect((await attribute())["proj_pipeline"]?.grantedBy).toMatchObject({ kind: "unknown", reason: expect.stringMatching(/while it was waited for/) });
        expect(sum(waits)).toBe(MAX_WAIT_MS);
        expect(waits.length).toBeLessThanOrEqual(MAX_POLLS);
    });

    it("is not waited for when audit logging is off", async () => {
        const { client, clock, attribute, waits } = await waitingOrganization({ auditLogging: false });
        await attribute();
        clock.server += 1;
        await client.permissions.create(CHECKPOINT, ["proj_pipeline"]);
        expect((await attribute())["proj_pipeline"]?.grantedBy?.reason).toMatch(/audit logging is off/);
        expect(waits).toEqual([]);
    });
});

describe("Attribution's options", () => {
    it("refuse a sleep that is no function, naming it", async () => {
        const { client } = await organization();
        expect(() => new Attribution(client, { sleep: 1000 as never })).toThrow(/Invalid argument sleep: must be a function/);
    });
});

describe("a whole listing of the log made by another read (discovery's), adopted", () => {
    it("serves the reads after it: they name the grantor and list nothing more", async () => {
        const { emulator, client, read, auditRequests } = await organization();
        emulator.grant(CHECKPOINT, "proj_intruder", { actor: MALLORY });
        const adopted = attributionOf(client).adoptWholeListing()!;
        const { events, serverTime } = await client.auditLogs.listAll({ eventTypes: [CREATED_EVENT] });
        events.forEach((event) => adopted.keep(event));
        adopted.done(serverTime);
        emulator.clearRequests();
        expect(grantor((await read())["proj_intruder"])).toMatchObject({ kind: "dashboard", email: "mallory@acme.com" });
        expect(auditRequests()).toHaveLength(0);
        // One adoption a client: later reads extend what it covered.
        expect(attributionOf(client).adoptWholeListing()).toBeUndefined();
    });

    it("holds the reads queued meanwhile until it ends, and if it fails, they list for themselves", async () => {
        const { client, read, auditRequests } = await organization();
        const adopted = attributionOf(client).adoptWholeListing()!;
        const reading = read();
        adopted.failed();
        expect(grantor((await reading)["proj_early"])?.kind).toBe("unknown");
        expect(auditRequests()).toHaveLength(1);
    });

    it("takes audit logging off from it, without a request of its own", async () => {
        const { client, read, auditRequests } = await organization();
        attributionOf(client).adoptWholeListing()!.auditLoggingOff();
        expect(grantor((await read())["proj_early"])).toEqual(AUDIT_LOGGING_OFF);
        expect(auditRequests()).toHaveLength(0);
    });
});
