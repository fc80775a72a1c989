/**
 * `CheckpointAccess`'s operations (provider/resources/access.ts), which both surfaces run, against the emulator over
 * loopback: the plan the check reads live, create/update converging concurrently, delete, refresh and import, and a
 * failure part-way recording what was done (the emulator's fault injection).
 */
import { beforeEach, describe, expect, it } from "vitest";
import type { RunningEmulator } from "../../provider/emulator";
import { accessOperations as access, type AccessInputs, type AccessOutputs } from "../../provider/resources/access";
import { decodePlan, PLANNED_AGAIN } from "../../provider/resources/access-plan";
import { PartialStateError } from "../../provider/resources/operations";
import { UNKNOWN_STRING as UNKNOWN } from "../../provider/resources/unknowns";
import { CHECKPOINT, EXISTING, testOrganization } from "./organization";

const organization = testOrganization();
const client = organization.client;
let emulator: RunningEmulator;
beforeEach(() => {
    emulator = organization.emulator();
});

const MALLORY = { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } };
const projects = () => emulator.permissions(CHECKPOINT).map((p) => p.project_id).sort();
const posts = () => emulator.requests.filter((r) => r.method === "POST");
const checked = async (args: Record<string, unknown>) => {
    const result = await access.check({}, args, client);
    expect(result.failures).toEqual([]);
    return result.inputs as AccessInputs;
};

describe("check", () => {
    it("names the bad argument and value before any request", async () => {
        const bad = await access.check({}, { checkpoint: CHECKPOINT, projectIds: ["proj_a", "proj_b", "proj_a"], attribution: "yes" }, client);
        expect(bad.failures).toEqual([
            { property: "projectIds[2]", reason: expect.stringMatching(/repeats projectIds\[0\].*"proj_a"/) },
            { property: "attribution", reason: expect.stringMatching(/yes/) },
        ]);
        const malformed = await access.check({}, { checkpoint: "", projectIds: ["proj a\n"] }, client);
        expect(malformed.failures.map((f) => f.property)).toEqual(["checkpoint", "projectIds[0]"]);
        expect(emulator.requests).toHaveLength(0);
    });

    it("refuses a missing set, naming how to revoke everything", async () => {
        const missing = await access.check({}, { checkpoint: CHECKPOINT }, client);
        expect(missing.failures).toEqual([{ property: "projectIds", reason: expect.stringMatching(/must be given.*write `\[\]`/) }]);
        expect(emulator.requests).toHaveLength(0);
    });

    it("plans nothing from a set or checkpoint not known yet (preview)", async () => {
        for (const args of [{ checkpoint: CHECKPOINT, projectIds: UNKNOWN }, { checkpoint: CHECKPOINT, projectIds: ["proj_a", UNKNOWN] }, { checkpoint: UNKNOWN, projectIds: [] }]) {
            const { inputs, failures } = await access.check({}, args, client);
            expect(failures).toEqual([]);
            expect(inputs.plan).toBe(UNKNOWN);
        }
        expect(emulator.requests).toHaveLength(0);
    });

    it("reads the listing and plans each project gained and lost, sorted, with who granted the lost access", async () => {
        const shared = emulator.grant(CHECKPOINT, "proj_contractor", { actor: MALLORY });
        const inputs = await checked({ checkpoint: CHECKPOINT, projectIds: ["proj_new", "proj_existing"], attribution: true });
        expect(inputs.projectIds).toEqual(["proj_existing", "proj_new"]);
        expect(inputs.plan).toBe(`- proj_contractor ${shared.id} by mallory@acme.com (dashboard)\n+ proj_new\n`);
        expect(decodePlan(inputs.plan)).toEqual({ granting: ["proj_new"], revoking: { proj_contractor: shared.id }, grantors: { proj_contractor: "mallory@acme.com (dashboard)" } });
        expect(posts()).toHaveLength(0);
    });

    it("says so when the plan reads the same as the last up's, so the inputs differ", async () => {
        const first = await checked({ checkpoint: CHECKPOINT, projectIds: ["proj_existing", "proj_new"] });
        expect(first.plan).toBe("+ proj_new\n");
        const again = await access.check(first, { checkpoint: CHECKPOINT, projectIds: ["proj_existing", "proj_new"] }, client);
        expect(again.inputs.plan).toBe(`+ proj_new\n${PLANNED_AGAIN}`);
        expect(decodePlan(again.inputs.plan)).toEqual({ granting: ["proj_new"], revoking: {}, grantors: {} });
    });

    it("plans every revocation from an explicit empty set", async () => {
        expect((await checked({ checkpoint: CHECKPOINT, projectIds: [] })).plan).toBe(`- proj_existing ${EXISTING}\n`);
    });

    it("names a checkpoint that is gone", async () => {
        const gone = await access.check({}, { checkpoint: "ft:gpt-4o-mini-2024-07-18:acme::Gone", projectIds: [] }, client);
        expect(gone.failures).toEqual([{ property: "checkpoint", reason: expect.stringMatching(/not found/) }]);
    });
});

describe("diff", () => {
    it("is no change once the plan is empty, and a change while it has work or is unknown", async () => {
        const inputs = await checked({ checkpoint: CHECKPOINT, projectIds: ["proj_existing"] });
        const outputs = { ...inputs, access: `proj_existing ${EXISTING}\n` };
        expect(access.diff(outputs, inputs)).toEqual({ changes: false, replaces: [] });
        expect(access.diff(outputs, { ...inputs, plan: "+ proj_new\n" }).changes).toBe(true);
        expect(access.diff(outputs, { ...inputs, plan: UNKNOWN }).changes).toBe(true);
        expect(access.diff(outputs, { ...inputs, revokeOnDelete: true }).changes).toBe(true);
        expect(access.diff(outputs, { ...inputs, checkpoint: `${CHECKPOINT}:ckpt-step-2` }).replaces).toEqual(["checkpoint"]);
    });
});

describe("create, update, read, delete", () => {
    it("grants the missing and revokes the rest, never granting a project that has access", async () => {
        emulator.grant(CHECKPOINT, "proj_contractor", { actor: MALLORY });
        const inputs = await checked({ checkpoint: CHECKPOINT, projectIds: ["proj_existing", "proj_a", "proj_b"] });
        emulator.clearRequests();
        const outputs = await access.create(inputs, client);
        expect(projects()).toEqual(["proj_a", "proj_b", "proj_existing"]);
        expect(posts()).toHaveLength(1);
        expect(JSON.stringify(posts())).not.toContain("proj_existing");
        expect(outputs.plan).toBe("");
        expect(outputs.access).toContain(`proj_existing ${EXISTING}\n`);
        // Converged: the next check plans nothing, and the diff is no change.
        const again = await checked({ checkpoint: CHECKPOINT, projectIds: ["proj_b", "proj_a", "proj_existing"] });
        expect(again.plan).toBe("");
        expect(access.diff(outputs, again).changes).toBe(false);
    });

    it("revokes everything from `[]`, and a dashboard share on the next update", async () => {
        const outputs = await access.create(await checked({ checkpoint: CHECKPOINT, projectIds: [] }), client);
        expect(projects()).toEqual([]);
        emulator.grant(CHECKPOINT, "proj_contractor", { actor: MALLORY });
        const news = await checked({ checkpoint: CHECKPOINT, projectIds: [] });
        expect(access.diff(outputs, news).changes).toBe(true);
        await access.update(outputs, news, client);
        expect(projects()).toEqual([]);
    });

    it("deletes without revoking, unless revokeOnDelete, which revokes the set's access only", async () => {
        const kept = await access.create(await checked({ checkpoint: CHECKPOINT, projectIds: ["proj_existing", "proj_a"] }), client);
        await access.delete(kept, client);
        expect(projects()).toEqual(["proj_a", "proj_existing"]);
        emulator.grant(CHECKPOINT, "proj_other");
        await access.delete({ ...kept, revokeOnDelete: true }, client);
        expect(projects()).toEqual(["proj_other"]);
    });

    it("reads (refresh, import) the live set, and nothing for a checkpoint that is gone", async () => {
        emulator.grant(CHECKPOINT, "proj_contractor", { actor: MALLORY });
        const live = await access.read({ checkpoint: CHECKPOINT }, client);
        expect(live?.inputs).toEqual({ checkpoint: CHECKPOINT, projectIds: ["proj_contractor", "proj_existing"], plan: "" });
        expect(live?.outputs.access).toContain(`proj_existing ${EXISTING}\n`);
        expect(await access.read({ checkpoint: "ft:gpt-4o-mini-2024-07-18:acme::Gone" }, client)).toBeUndefined();
    });
});

describe("a failure part-way", () => {
    it("records what was done, and the next update finishes without granting twice or losing kept access", async () => {
        const set = ["proj_existing", ...Array.from({ length: 30 }, (_, i) => `proj_${String(i).padStart(2, "0")}`)];
        const extra = ["proj_x1", "proj_x2", "proj_x3"].map((p) => emulator.grant(CHECKPOINT, p, { actor: MALLORY }));
        const inputs = await checked({ checkpoint: CHECKPOINT, projectIds: set });
        // The second grant batch and one revoke fail with a 500 the client does not retry.
        emulator.inject({ kind: "status", status: 500, shouldRetry: false, match: { operation: "create" }, times: 1 });
        emulator.inject({ kind: "status", status: 500, shouldRetry: false, match: { operation: "delete", pathIncludes: extra[1]!.id }, times: 1 });
        const error = await access.create(inputs, client).then(
            () => undefined,
            (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(PartialStateError);
        const partial = (error as PartialStateError<AccessOutputs>).outputs;
        const left = decodePlan(partial.plan)!;
        expect(Object.keys(left.revoking)).toEqual(["proj_x2"]);
        // One of the two batches (20 and 10 projects) failed: its projects are left, the other's were granted.
        expect([10, 20]).toContain(left.granting.length);
        expect(left.granting.every((p) => !projects().includes(p))).toBe(true);
        // The recorded access is the live access, exactly.
        const live = Object.fromEntries(emulator.permissions(CHECKPOINT).map((p) => [p.project_id, p.id]));
        expect(Object.keys(live).length).toBe(partial.access.split("\n").filter(Boolean).length);
        for (const [projectId, id] of Object.entries(live)) expect(partial.access).toContain(`${projectId} ${id}`);
        const idsBefore = new Map(Object.entries(live));

        const next = await checked({ checkpoint: CHECKPOINT, projectIds: set });
        expect(access.diff(partial, next).changes).toBe(true);
        emulator.clearRequests();
        const done = await access.update(partial, next, client);
        expect(done.plan).toBe("");
        expect(projects()).toEqual([...set].sort());
        // Nothing granted twice: every project granted before keeps its permission, and only the missing were posted.
        for (const p of emulator.permissions(CHECKPOINT)) if (idsBefore.has(p.project_id)) expect(p.id).toBe(idsBefore.get(p.project_id));
        expect(posts()).toHaveLength(Math.ceil(left.granting.length / 20));
    });
});
