/**
 * The generated seed (provider/emulator/generated-seed.ts) keeps its promises over loopback: our client lists the
 * checkpoints, permissions, events and projects it says, its events are the ones the emulator itself writes for
 * the same grants and revokes, and `readSharedCheckpoints` finds exactly its checkpoints.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CheckpointPermissionsClient } from "../../provider/client";
import {
    generateSeed,
    InvalidGenerateSeedOptionsError,
    MAX_GENERATED_EVENTS,
    parseSeed,
    startEmulator,
    type EmulatorSeed,
    type GenerateSeedOptions,
    type RunningEmulator,
} from "../../provider/emulator";
import { checkSharedCheckpointsQuery, readSharedCheckpoints } from "../../provider/resources/discovery";
import { auditLogs, type AuditLogBody } from "./support/http";

const CREATED = "checkpoint.permission.created";
const DELETED = "checkpoint.permission.deleted";

let emulators: RunningEmulator[] = [];
afterEach(async () => {
    await Promise.all(emulators.map((e) => e.close()));
    emulators = [];
});

async function serve(seed: EmulatorSeed, now?: () => number): Promise<{ emulator: RunningEmulator; client: CheckpointPermissionsClient }> {
    const emulator = await startEmulator({ seed, ...(now === undefined ? {} : { now }) });
    emulators.push(emulator);
    return { emulator, client: new CheckpointPermissionsClient({ adminKey: emulator.adminKey, baseUrl: emulator.baseUrl }) };
}

/** Every event, oldest first, as the API lists them (each page checked against the spec). */
async function wholeLog(emulator: RunningEmulator): Promise<AuditLogBody["data"]> {
    const events: AuditLogBody["data"] = [];
    for (let after: string | undefined, pages = 0; pages < 1_000; pages++) {
        const page = await auditLogs(emulator, { limit: "100", ...(after === undefined ? {} : { after }) });
        events.push(...page.data);
        if (!page.has_more) return events.reverse();
        after = page.last_id ?? undefined;
    }
    throw new Error("the audit log did not end within 1,000 pages");
}

function permissionsOf(seed: EmulatorSeed): Array<{ checkpoint: string; id: string; project_id: string; created_at?: number }> {
    return Object.entries(seed.checkpoints).flatMap(([checkpoint, entry]) => (entry.permissions ?? []).map((p) => ({ checkpoint, id: p.id!, project_id: p.project_id, created_at: p.created_at })));
}

describe("generateSeed", () => {
    it("serves what it promises: N checkpoints of P permissions, E events with a created event per permission, and the projects", async () => {
        const seed = generateSeed({ checkpoints: 12, permissions: 5, events: 75 });
        const { client } = await serve(seed);
        const checkpoints = Object.keys(seed.checkpoints);
        expect(checkpoints).toHaveLength(12);

        const listed = await Promise.all(checkpoints.map((checkpoint) => client.permissions.listAll(checkpoint)));
        const seeded = permissionsOf(seed);
        expect(listed.flatMap((l) => l.permissions.map((p) => ({ checkpoint: l.checkpoint, id: p.id, project_id: p.projectId, created_at: p.createdAt }))).sort(byId)).toEqual(
            [...seeded].sort(byId),
        );
        expect(listed.map((l) => l.permissions.length)).toEqual(Array(12).fill(5));

        const { events } = await client.auditLogs.listAll();
        expect(events).toHaveLength(75);
        expect(new Set(events.map((e) => e.id)).size).toBe(75);
        // Each live permission has exactly one created event: its id, project and checkpoint, by the pipeline's key.
        for (const permission of seeded) {
            const about = events.filter((e) => e.checkpointPermission?.id === permission.id);
            expect(about).toEqual([
                expect.objectContaining({
                    type: CREATED,
                    effectiveAt: permission.created_at,
                    checkpointPermission: { id: permission.id, projectId: permission.project_id, checkpoint: permission.checkpoint },
                    actor: expect.objectContaining({ type: "api_key" }),
                }),
            ]);
        }
        // The padding, 15 events: three trial grants taken back (a pair each) and nine sign-ins.
        const live = new Set(seeded.map((p) => p.id));
        const others = events.filter((e) => !live.has(e.checkpointPermission?.id ?? ""));
        expect(others.filter((e) => e.type === CREATED).map((e) => e.checkpointPermission?.projectId)).toEqual(["proj_trial", "proj_trial", "proj_trial"]);
        expect(others.filter((e) => e.type === DELETED)).toHaveLength(3);
        expect(others.filter((e) => e.type === "login.succeeded")).toHaveLength(9);

        const { projects } = await client.projects.listAll();
        expect(projects.map((p) => p.id)).toEqual([
            "proj_default",
            "proj_finetuning",
            ...["000001", "000002", "000003", "000004", "000005"].map((n) => `proj_shared${n}`),
            "proj_trial",
        ]);
        expect(projects.every((p) => p.name !== null && p.status === "active")).toBe(true);
    });

    it("writes the events the emulator writes for the same grants and revokes, with the seed's permission ids", async () => {
        const seed = generateSeed({ checkpoints: 3, permissions: 2, events: 13 });
        const generated = await wholeLog((await serve(seed)).emulator);

        // The same history made on an empty organization: the pipeline's grants through the API with the admin
        // key, the trial grants and revokes in the dashboard, each at its event's time.
        let clock = 0;
        const emptied = { ...seed, checkpoints: Object.fromEntries(Object.entries(seed.checkpoints).map(([c, e]) => [c, { owner_project_id: e.owner_project_id }])), audit_logs: [] };
        const { emulator, client } = await serve(emptied, () => clock);
        const replayedId = new Map<string, string>();
        const checkpointOf = new Map<string, string>();
        const dashboard = { session: { email: "dashboard-user@example.com", userId: "user-genDashboardUser000000", ipAddress: "192.0.2.10" } };
        for (const event of seed.audit_logs ?? []) {
            clock = event.effective_at;
            if (event.type === CREATED) {
                const { id, data } = event[CREATED] as { id: string; data: { project_id: string; fine_tuned_model_checkpoint: string } };
                const checkpoint = data.fine_tuned_model_checkpoint;
                const made =
                    (event.actor as { type: string }).type === "api_key"
                        ? (await client.permissions.create(checkpoint, [data.project_id]))[0]!.id
                        : emulator.grant(checkpoint, data.project_id, { actor: dashboard }).id;
                replayedId.set(made, id);
                checkpointOf.set(id, checkpoint);
            } else if (event.type === DELETED) {
                const { id } = event[DELETED] as { id: string };
                const made = [...replayedId].find(([, original]) => original === id)![0];
                expect(emulator.revoke(checkpointOf.get(id)!, made, { actor: dashboard })).toBe(true);
            }
        }
        // Sign-ins are no change the emulator makes: compared apart, by shape.
        const isChange = (event: { type: string }) => event.type === CREATED || event.type === DELETED;
        const replayed = (await wholeLog(emulator)).map(({ id: _id, ...event }) => {
            const details = event[event.type] as { id: string };
            return { ...event, [event.type]: { ...details, id: replayedId.get(details.id) } };
        });
        const changes = generated.filter(isChange).map(({ id: _id, ...event }) => event);
        expect(changes).toHaveLength(8); // 6 grants, and one trial grant taken back
        expect(replayed).toEqual(changes);
        // The live permissions, as the replay left them, are the seed's.
        for (const [checkpoint, entry] of Object.entries(seed.checkpoints)) {
            expect(emulator.permissions(checkpoint).map((p) => ({ ...p, id: replayedId.get(p.id) })).reverse()).toEqual(entry.permissions);
        }
        const signIns = generated.filter((e) => !isChange(e));
        expect(signIns).toHaveLength(5);
        for (const event of signIns) {
            expect(Object.keys(event).sort()).toEqual(["actor", "effective_at", "id", "type"]);
            expect(event).toMatchObject({ type: "login.succeeded", actor: { type: "session", session: { user: { email: "dashboard-user@example.com" } } } });
        }
    });

    it("lets readSharedCheckpoints find exactly its checkpoints, the trial grants taken back changing nothing", async () => {
        const seed = generateSeed({ checkpoints: 30, permissions: 4, events: 200 });
        const { client } = await serve(seed);
        const result = await readSharedCheckpoints(client, checkSharedCheckpointsQuery({}));
        expect(result.checkpointIds).toEqual(Object.keys(seed.checkpoints).sort());
        expect(result.candidateCount).toBe(30);
        expect(result.checkpoints.every((c) => c.permissionCount === 4)).toBe(true);
        expect(result.checkpoints[0]!.projectIds).toEqual(["proj_shared000001", "proj_shared000002", "proj_shared000003", "proj_shared000004"]);
    });

    it("with audit logging off, seeds the same access and no event, and the listing is refused", async () => {
        const seed = generateSeed({ checkpoints: 4, permissions: 3, auditLogging: false });
        expect(seed.organization?.audit_logging).toBe(false);
        expect(seed.audit_logs).toEqual([]);
        expect(permissionsOf(seed)).toEqual(permissionsOf(generateSeed({ checkpoints: 4, permissions: 3 })));
        const { client } = await serve(seed);
        const result = await readSharedCheckpoints(client, checkSharedCheckpointsQuery({}));
        expect(result).toMatchObject({ auditLogging: false, checkpointIds: [] });
    });

    it("is deterministic, valid as a seed, and defaults to one event per permission", () => {
        const options: GenerateSeedOptions = { checkpoints: 7, permissions: 3, events: 40 };
        expect(generateSeed(options)).toEqual(generateSeed(options));
        const seed = generateSeed({ checkpoints: 7, permissions: 3 });
        expect(parseSeed(seed)).toEqual(seed);
        expect(seed.audit_logs).toHaveLength(21);
        expect(seed.audit_logs!.every((e) => e.type === CREATED)).toBe(true);
        const times = seed.audit_logs!.map((e) => e.effective_at);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        expect(new Set(times).size).toBe(21);
    });

    it.each<[string, unknown, string]>([
        ["no checkpoints", { checkpoints: 0, permissions: 1 }, "checkpoints must be a positive integer, got 0"],
        ["a fraction of a checkpoint", { checkpoints: 1.5, permissions: 1 }, "checkpoints must be a positive integer, got 1.5"],
        ["permissions as text", { checkpoints: 1, permissions: "20" }, 'permissions must be a positive integer, got "20"'],
        ["fewer events than permissions", { checkpoints: 10, permissions: 20, events: 199 }, "events must be at least checkpoints × permissions (200), one created event per permission, got 199"],
        ["negative events", { checkpoints: 1, permissions: 1, events: -1 }, "events must be a non-negative integer, got -1"],
        ["events with audit logging off", { checkpoints: 1, permissions: 1, events: 1, auditLogging: false }, "events must be 0 when auditLogging is false"],
        ["audit logging as text", { checkpoints: 1, permissions: 1, auditLogging: "off" }, 'auditLogging must be true or false, got "off"'],
        ["too many permissions", { checkpoints: 1_000, permissions: 101 }, "checkpoints × permissions must be at most 100,000, got 1000 × 101"],
        ["too many events", { checkpoints: 1, permissions: 1, events: MAX_GENERATED_EVENTS + 1 }, "events must be at most 100,000, got 100001"],
    ])("refuses %s, naming the option and its value", (_, options, message) => {
        expect(() => generateSeed(options as GenerateSeedOptions)).toThrow(InvalidGenerateSeedOptionsError);
        expect(() => generateSeed(options as GenerateSeedOptions)).toThrow(message);
    });
});

function byId(a: { id: string }, b: { id: string }): number {
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
