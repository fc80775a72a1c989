/**
 * `CheckpointPermissions`' operations (provider/resources/record.ts), which both surfaces run, against the emulator
 * over loopback: as the dynamic resource runs them (its program gives the listing) and as the plugin does (the check
 * reads the listing). The surfaces' own tests cover only how they translate for the engine.
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../provider/emulator";
import { encodeAccess } from "../../provider/resources/access-text";
import { recordOperations } from "../../provider/resources/record";
import type { RecordInputs, RecordOutputs } from "../../provider/resources/record";
import { UNKNOWN_STRING as UNKNOWN } from "../../provider/resources/unknowns";
import { CHECKPOINT, EXISTING, testOrganization } from "./organization";

const organization = testOrganization();
const client = organization.client;
let emulator: RunningEmulator;
beforeEach(() => {
    emulator = organization.emulator();
});

/** As the dynamic resource runs them (`records`) and as the plugin does (`plugin`): one table of operations. */
const records = recordOperations;
const plugin = recordOperations;

/** A record's checked inputs: the listing as access text, the projects its grants manage, what the up revokes. */
const record = (access: Record<string, string>, managed: string[] = [], checkpoint = CHECKPOINT, revoking: Record<string, string> = {}): RecordInputs => ({
    checkpoint,
    access: encodeAccess(access),
    managedProjects: [...managed].sort(),
    revoking,
});
const outputsOf = (inputs: RecordInputs): Promise<RecordOutputs> => records.create(inputs, client);
const check = async (olds: Partial<RecordInputs>, args: Partial<RecordInputs>) => (await records.check(olds, args, client)).inputs;

describe("check", () => {
    it("records the listing the program gives, with no managed projects when it gives none, without a request", async () => {
        const { access, checkpoint } = record({ proj_a: "cp_a" });
        expect(await records.check({}, { checkpoint, access }, client)).toEqual({ inputs: record({ proj_a: "cp_a" }), failures: [] });
        expect(emulator.requests).toHaveLength(0);
    });

    it("reads the listing live when the program gives none (the plugin's programs)", async () => {
        expect(await plugin.check({}, { checkpoint: CHECKPOINT }, client)).toEqual({ inputs: record({ proj_existing: EXISTING }), failures: [] });
    });

    it("records the managed projects sorted and once each", async () => {
        expect(await check({}, { ...record({ proj_a: "cp_a" }), managedProjects: ["proj_b", "proj_a", "proj_b"] })).toEqual(record({ proj_a: "cp_a" }, ["proj_a", "proj_b"]));
    });

    it("names each bad input, before any request", async () => {
        const result = await records.check({}, { ...record({ "proj a": "cp_a" }), managedProjects: ["proj_a", "proj b"] }, client);
        expect(result.failures).toEqual([
            { property: "managedProjects[1]", reason: expect.stringMatching(/must not contain whitespace.*proj b/) },
            { property: "access", reason: expect.stringMatching(/must not contain whitespace.*proj a/) },
        ]);
        expect((await records.check({}, { checkpoint: CHECKPOINT, managedProjects: { proj_b: true } as never }, client)).failures).toEqual([
            { property: "managedProjects", reason: expect.stringMatching(/must be a list of project ids/) },
        ]);
        expect((await records.check({}, { ...record({}), access: [] as never }, client)).failures).toEqual([{ property: "access", reason: expect.stringMatching(/must be the access text/) }]);
        expect((await records.check({}, { ...record({}), access: "proj_a cp_a\nproj_b\n" }, client)).failures).toEqual([
            { property: "access line 2", reason: expect.stringMatching(/must be `project permission`.*proj_b/) },
        ]);
        expect((await plugin.check({}, {}, client)).failures).toEqual([{ property: "checkpoint", reason: expect.stringMatching(/must be a string/) }]);
        expect(emulator.requests).toHaveLength(0);
    });

    it("names a checkpoint the key cannot see", async () => {
        const gone = "ft:gpt-4o-mini-2024-07-18:acme::Gone";
        expect((await plugin.check({}, { checkpoint: gone }, client)).failures).toEqual([{ property: "checkpoint", reason: `${gone} was not found with this provider's key` }]);
    });

    it("leaves the listing unknown while what it depends on is (preview), without a request", async () => {
        expect((await plugin.check({}, { checkpoint: UNKNOWN }, client)).inputs).toMatchObject({ checkpoint: UNKNOWN, access: UNKNOWN });
        expect((await plugin.check({}, { checkpoint: CHECKPOINT, managedProjects: ["proj_a", UNKNOWN] }, client)).inputs).toMatchObject({ access: UNKNOWN });
        expect(emulator.requests).toHaveLength(0);
        // The dynamic resource's program gives the listing: kept as it is, known or not.
        const unknownManaged = { ...record({ proj_c: "cp_c" }), managedProjects: UNKNOWN as never };
        expect(await check(record({ proj_c: "cp_c" }, ["proj_c"]), unknownManaged)).toEqual(unknownManaged);
    });
});

describe("converging in one up", () => {
    it("moves the access of a grant that left the stack to `revoking`: this up revokes it", async () => {
        const olds = record({ proj_a: "cp_a", proj_c: "cp_c" }, ["proj_c"]);
        // The listing was read before Pulumi deletes the grant, so it still shows proj_c.
        expect(await check(olds, record({ proj_a: "cp_a", proj_c: "cp_c" }))).toEqual(record({ proj_a: "cp_a" }, [], CHECKPOINT, { proj_c: "cp_c" }));
        // The next run reads it gone, and has nothing left to revoke: no change.
        const recorded = await outputsOf(record({ proj_a: "cp_a" }, [], CHECKPOINT, { proj_c: "cp_c" }));
        const next = await check(record({ proj_a: "cp_a" }, [], CHECKPOINT, { proj_c: "cp_c" }), record({ proj_a: "cp_a" }));
        expect(next).toEqual(record({ proj_a: "cp_a" }));
        expect(records.diff(recorded, next)).toEqual({ changes: false, replaces: [] });
    });

    it("leaves out the old access of a grant moved to another project, and keeps the new one", async () => {
        const olds = record({ proj_a: "cp_a", proj_c: "cp_c" }, ["proj_c"]);
        expect(await check(olds, record({ proj_a: "cp_a", proj_c: "cp_c", proj_d: "cp_d" }, ["proj_d"]))).toEqual(
            record({ proj_a: "cp_a", proj_d: "cp_d" }, ["proj_d"], CHECKPOINT, { proj_c: "cp_c" }),
        );
    });

    it("keeps what no grant of this up revokes", async () => {
        const olds = record({ proj_a: "cp_a", proj_c: "cp_c" }, ["proj_c"]);
        // Still managed.
        expect(await check(olds, record({ proj_a: "cp_a", proj_c: "cp_c" }, ["proj_c"]))).toEqual(record({ proj_a: "cp_a", proj_c: "cp_c" }, ["proj_c"]));
        // Granted again outside Pulumi since: the grant's delete revokes the old permission, not this one.
        expect(await check(olds, record({ proj_a: "cp_a", proj_c: "cp_c2" }))).toEqual(record({ proj_a: "cp_a", proj_c: "cp_c2" }));
        // Never managed by the stack: drift, recorded as it is.
        expect(await check(record({ proj_a: "cp_a" }), record({ proj_a: "cp_a", proj_x: "cp_x" }))).toEqual(record({ proj_a: "cp_a", proj_x: "cp_x" }));
        // Another checkpoint: another record.
        expect(await check(olds, record({ proj_c: "cp_c" }, [], "ft:other"))).toEqual(record({ proj_c: "cp_c" }, [], "ft:other"));
    });

    it("does the same when the check reads the listing itself", async () => {
        const olds = record({ proj_existing: EXISTING }, ["proj_existing"]);
        expect((await plugin.check(olds, { checkpoint: CHECKPOINT }, client)).inputs).toEqual(record({}, [], CHECKPOINT, { proj_existing: EXISTING }));
    });
});

describe("outputs and diff", () => {
    it("keeps the access text in its outputs, with the flag and what the up revokes, and only the record's own properties", async () => {
        const inputs = { ...record({ proj_a: "cp_a" }, ["proj_a"]), attribution: true };
        expect(await records.create({ ...inputs, __provider: "serialized" } as RecordInputs, client)).toEqual(inputs);
        const revokes = record({ proj_a: "cp_a" }, [], CHECKPOINT, { proj_b: "cp_b" });
        expect(await records.update(await outputsOf(inputs), revokes, client)).toEqual(revokes);
        expect(emulator.requests).toHaveLength(0);
    });

    it("sees no change for the same access, and a change for a project added, removed or granted again", async () => {
        const olds = await records.create(record({ proj_a: "cp_a", proj_b: "cp_b" }), client);
        const diff = (inputs: RecordInputs) => records.diff(olds, inputs);
        expect(diff(record({ proj_b: "cp_b", proj_a: "cp_a" }))).toEqual({ changes: false, replaces: [] });
        expect(diff(record({ proj_a: "cp_a", proj_b: "cp_b", proj_c: "cp_c" }))).toEqual({ changes: true, replaces: [] });
        expect(diff(record({ proj_a: "cp_a" }))).toEqual({ changes: true, replaces: [] });
        expect(diff(record({ proj_a: "cp_a", proj_b: "cp_b2" }))).toEqual({ changes: true, replaces: [] });
        expect(diff(record({ proj_a: "cp_a", proj_b: "cp_b" }, ["proj_a"]))).toEqual({ changes: true, replaces: [] });
    });

    it("treats a listing not known yet as a change, and another checkpoint as another record", async () => {
        const olds = await outputsOf(record({ proj_a: "cp_a" }));
        expect(records.diff(olds, { ...record({}), access: UNKNOWN })).toEqual({ changes: true, replaces: [] });
        expect(records.diff(olds, record({ proj_a: "cp_a" }, [], "ft:other"))).toEqual({ changes: true, replaces: ["checkpoint"] });
    });

    it("takes a program's managed projects without a change when none are recorded (an import)", async () => {
        const { managedProjects: _, ...imported } = await plugin.create(record({ proj_a: "cp_a" }), client);
        expect(plugin.diff(imported, record({ proj_a: "cp_a" }, ["proj_a"]))).toEqual({ changes: false, replaces: [] });
    });
});

const MALLORY = { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } };

describe("read: refresh and import", () => {
    it("re-reads the live listing, keeping the projects the stack manages", async () => {
        const outside = emulator.grant(CHECKPOINT, "proj_outside");
        const live = record({ proj_existing: EXISTING, proj_outside: outside.id }, ["proj_existing"]);
        const read = await records.read(await outputsOf(record({ proj_existing: EXISTING }, ["proj_existing"])), client);
        expect(read).toEqual({ inputs: live, outputs: await outputsOf(live) });
    });

    it("imports by checkpoint alone", async () => {
        const { managedProjects: _, ...live } = record({ proj_existing: EXISTING });
        expect(await plugin.read({ checkpoint: CHECKPOINT }, client)).toEqual({ inputs: live, outputs: live });
    });

    it("with attribution, names the grantors as the program does, and keeps one the audit log no longer names", async () => {
        const intruder = emulator.grant(CHECKPOINT, "proj_intruder", { actor: MALLORY });
        // proj_existing was seeded without an event: its grantor was recorded while the log still named it.
        const recorded = { ...record({}), attribution: true, access: `proj_existing ${EXISTING} by owner@example.com (dashboard)\n` };
        const read = await records.read(recorded, client);
        const live = `proj_existing ${EXISTING} by owner@example.com (dashboard)\nproj_intruder ${intruder.id} by mallory@acme.com (dashboard)\n`;
        expect(read).toEqual({ inputs: { ...record({}), attribution: true, access: live }, outputs: { ...record({}), attribution: true, access: live } });
    });

    it("reads a checkpoint that is gone as gone", async () => {
        expect(await records.read({ checkpoint: "ft:gpt-4o-mini-2024-07-18:acme::Gone" }, client)).toBeUndefined();
    });

    it("revokes nothing when the record is deleted", async () => {
        await records.delete(await outputsOf(record({ proj_existing: EXISTING })), client);
        expect(emulator.permissions(CHECKPOINT)).toHaveLength(1);
        expect(emulator.requests).toHaveLength(0);
    });
});

describe("attribution", () => {

    it("names who granted each project's access in the text it reads live, never the IP address", async () => {
        emulator.grant(CHECKPOINT, "proj_intruder", { actor: MALLORY });
        const { inputs } = await plugin.check({}, { checkpoint: CHECKPOINT, attribution: true }, client);
        const intruder = emulator.permissions(CHECKPOINT).find((p) => p.project_id === "proj_intruder")!;
        expect(inputs).toMatchObject({
            attribution: true,
            access: `proj_existing ${EXISTING} by unknown\nproj_intruder ${intruder.id} by mallory@acme.com (dashboard)\n`,
        });
        expect(String(inputs.access)).not.toContain("203.0.113.7");
    });

    it("keeps a grantor recorded before when the audit log no longer names it, so no false drift appears", async () => {
        const olds = { ...record({}), access: `proj_a cp_a by mallory@acme.com (dashboard)\nproj_b cp_b by unknown\n` };
        const aged = `proj_a cp_a by unknown\nproj_b cp_b by unknown\n`;
        expect((await check(olds, { ...record({}), access: aged })).access).toBe(olds.access);
        // A new permission of the same project is another grant: its grantor is what the log says now.
        expect((await check(olds, { ...record({}), access: `proj_a cp_a2 by unknown\n` })).access).toBe(`proj_a cp_a2 by unknown\n`);
    });

    it("keeps the grantors of what stays when an up revokes a managed project's access", async () => {
        const olds = { ...record({}, ["proj_c"]), access: `proj_a cp_a by svc_ci (service account key key_ci)\nproj_c cp_c by unknown\n` };
        const checked = await check(olds, { ...record({}), access: olds.access });
        expect(checked).toMatchObject({ access: `proj_a cp_a by svc_ci (service account key key_ci)\n`, revoking: { proj_c: "cp_c" } });
    });
});
