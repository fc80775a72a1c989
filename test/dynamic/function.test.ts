/**
 * getCheckpointPermissions / getCheckpointPermissionsOutput in a mocked Pulumi runtime (the narrow use
 * setMocks is made for), reading from the emulator over loopback.
 */
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import { getCheckpointPermissions, getCheckpointPermissionsOutput } from "../../provider/dynamic/getCheckpointPermissions";
import { discoverInProgram, getSharedCheckpoints, getSharedCheckpointsOutput } from "../../provider/dynamic/getSharedCheckpoints";
import { MissingAdminKeyError } from "../../provider/client";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
/** Big enough to be reported at info level, page by page. */
const BIG = "ft:gpt-4o-mini-2024-07-18:acme::Big";
let emulator: RunningEmulator;
/** While true, resources the mocked engine is asked to create wait until `releaseResources()`. */
let holdResources = false;
const pendingResources: Array<() => void> = [];

beforeAll(async () => {
    emulator = await startEmulator({
        seed: {
            checkpoints: {
                [CHECKPOINT]: {
                    owner_project_id: "proj_owner",
                    permissions: [
                        { project_id: "proj_b", created_at: 1_700_000_001 },
                        { project_id: "proj_a", created_at: 1_700_000_002 },
                    ],
                },
                [BIG]: { owner_project_id: "proj_owner", permissions: Array.from({ length: 1_050 }, (_, i) => ({ project_id: `proj_${i}` })) },
            },
        },
    });
    process.env["OPENAI_ADMIN_KEY"] = emulator.adminKey;
    process.env["OPENAI_BASE_URL"] = emulator.baseUrl;
});
afterAll(async () => {
    await emulator?.close();
});
/** Each test is a program run of its own: a new mocked engine, as every run has its own resource monitor. */
beforeEach(async () => {
    await newProgramRun();
    emulator.clearRequests();
});

function newProgramRun(): Promise<void> {
    return pulumi.runtime.setMocks(
        {
            newResource: (args) =>
                new Promise((resolve) => {
                    const create = () => resolve({ id: `${args.name}-id`, state: {} });
                    if (holdResources) pendingResources.push(create);
                    else create();
                }),
            call: () => ({}),
        },
        "project",
        "stack",
        true,
    );
}

async function unwrap<T>(output: pulumi.Output<T>): Promise<{ value: T | undefined; known: boolean; secret: boolean }> {
    // isKnown, isSecret and promise() are the Output's internals: what a stack's preview acts on.
    const o = output as unknown as { isKnown: Promise<boolean>; isSecret: Promise<boolean>; promise(): Promise<T> };
    const [known, secret, value] = await Promise.all([o.isKnown, o.isSecret, o.promise()]);
    return { value: known ? value : undefined, known, secret };
}

/** A resource whose `value` output the mocked engine never fills in. */
class Thing extends pulumi.CustomResource {
    declare readonly value: pulumi.Output<string>;
    constructor(name: string) {
        super("test:index:Thing", name, { value: undefined });
    }
}

function releaseResources(): void {
    holdResources = false;
    while (pendingResources.length > 0) pendingResources.shift()!();
}

describe("getCheckpointPermissions", () => {
    it("returns the permissions newest first, the sorted projects and a lookup by project", async () => {
        const result = await getCheckpointPermissions({ checkpoint: CHECKPOINT });
        expect(result.id).toBe(CHECKPOINT);
        expect(result.order).toBe("descending");
        expect(result.permissions.map((p) => p.projectId)).toEqual(["proj_a", "proj_b"]);
        expect(result.projectIds).toEqual(["proj_a", "proj_b"]);
        expect(result.permissionCount).toBe(2);
        expect(result.permissionsByProject["proj_b"]).toMatchObject({ createdAt: 1_700_000_001 });
        expect(result.permissions[0]?.id).toMatch(/^cp_/);
    });

    it("filters by project and orders as asked", async () => {
        const filtered = await getCheckpointPermissions({ checkpoint: CHECKPOINT, projectId: "proj_b" });
        expect(filtered.id).toBe(`${CHECKPOINT}?projectId=proj_b`);
        expect(filtered.projectIds).toEqual(["proj_b"]);
        const ascending = await getCheckpointPermissions({ checkpoint: CHECKPOINT, order: "ascending" });
        expect(ascending.permissions.map((p) => p.projectId)).toEqual(["proj_b", "proj_a"]);
    });

    it("shares one listing between identical calls in a program run", async () => {
        const [a, b] = await Promise.all([getCheckpointPermissions({ checkpoint: CHECKPOINT }), getCheckpointPermissions({ checkpoint: CHECKPOINT })]);
        await unwrap(getCheckpointPermissionsOutput({ checkpoint: CHECKPOINT }));
        expect(a).toBe(b);
        expect(emulator.requests).toHaveLength(1);
    });

    it("says who granted each permission with attribution, from one listing of the audit log for the program run", async () => {
        const intruder = emulator.grant(CHECKPOINT, "proj_intruder", { actor: { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } } });
        try {
            const [plain, attributed, again] = await Promise.all([
                getCheckpointPermissions({ checkpoint: CHECKPOINT }),
                getCheckpointPermissions({ checkpoint: CHECKPOINT, attribution: true }),
                unwrap(getCheckpointPermissionsOutput({ checkpoint: CHECKPOINT, attribution: true })),
            ]);
            expect(plain.permissionsByProject["proj_intruder"]).not.toHaveProperty("grantedBy");
            expect(attributed.permissionsByProject["proj_intruder"]?.grantedBy).toMatchObject({ kind: "dashboard", email: "mallory@acme.com" });
            expect(again.value).toEqual(attributed);
            expect(emulator.requests.filter((r) => r.path.endsWith("/organization/audit_logs"))).toHaveLength(1);
        } finally {
            emulator.revoke(CHECKPOINT, intruder.id);
        }
    });

    it("getSharedCheckpoints finds every checkpoint the organization shares, from the audit log, confirmed live", async () => {
        const granted = emulator.grant(CHECKPOINT, "proj_shared");
        try {
            const shared = await getSharedCheckpoints({ include: [BIG] });
            expect(shared.checkpointIds).toEqual([BIG, CHECKPOINT].sort());
            expect(shared.checkpoints.find((c) => c.checkpoint === CHECKPOINT)?.projectIds).toContain("proj_shared");
            expect((await unwrap(getSharedCheckpointsOutput())).value?.checkpointIds).toEqual([CHECKPOINT]);
        } finally {
            emulator.revoke(CHECKPOINT, granted.id);
        }
    });

    it("lists each checkpoint once in a run: getSharedCheckpoints' listing is the one a later read of the checkpoint gets", async () => {
        const granted = emulator.grant(CHECKPOINT, "proj_shared");
        try {
            emulator.clearRequests();
            const shared = await getSharedCheckpoints();
            const [read, attributed] = await Promise.all([getCheckpointPermissions({ checkpoint: CHECKPOINT }), getCheckpointPermissions({ checkpoint: CHECKPOINT, attribution: true })]);
            expect(shared.checkpointIds).toEqual([CHECKPOINT]);
            expect(read.projectIds).toContain("proj_shared");
            expect(attributed.permissionsByProject["proj_shared"]?.grantedBy?.kind).toBe("dashboard");
            expect(emulator.requests.filter((r) => r.path.includes("/permissions"))).toHaveLength(1);
            // A filtered read, or one in the other order, is another listing.
            await getCheckpointPermissions({ checkpoint: CHECKPOINT, order: "ascending" });
            expect(emulator.requests.filter((r) => r.path.includes("/permissions"))).toHaveLength(2);
        } finally {
            emulator.revoke(CHECKPOINT, granted.id);
        }
    });

    it("reads the audit log once in a run whose discovery keeps its events for attributing records", async () => {
        const granted = emulator.grant(CHECKPOINT, "proj_shared", { actor: { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } } });
        try {
            emulator.clearRequests();
            const shared = await discoverInProgram({}, undefined, { attribution: true });
            const read = await getCheckpointPermissions({ checkpoint: CHECKPOINT, attribution: true });
            expect(shared.checkpointIds).toEqual([CHECKPOINT]);
            expect(read.permissionsByProject["proj_shared"]?.grantedBy).toMatchObject({ kind: "dashboard", email: "mallory@acme.com" });
            expect(emulator.requests.filter((r) => r.path.endsWith("/organization/audit_logs"))).toHaveLength(1);
            expect(emulator.requests.filter((r) => r.path.includes("/permissions"))).toHaveLength(1);
        } finally {
            emulator.revoke(CHECKPOINT, granted.id);
        }
    });

    it("rejects bad arguments before any request, naming them", async () => {
        await expect(getCheckpointPermissions({ checkpoint: "" })).rejects.toThrow(/checkpoint: must not be empty/);
        await expect(getCheckpointPermissions({ checkpoint: CHECKPOINT, order: "newest" as never })).rejects.toThrow(/order: .*"newest"/);
        await expect(getCheckpointPermissions({ checkpoint: CHECKPOINT, projectId: " " })).rejects.toThrow(/projectId/);
        await expect(getCheckpointPermissions({ checkpoint: CHECKPOINT, attribution: "yes" as never })).rejects.toThrow(/attribution: must be true or false/);
        expect(emulator.requests).toHaveLength(0);
    });

    it("reports progress on the first and last page (throttled between), big listings at info level", async () => {
        const debug = vi.spyOn(pulumi.log, "debug");
        const info = vi.spyOn(pulumi.log, "info");
        // The clock stands still, so the client's 10 s between progress reports never pass, however slow the machine.
        vi.useFakeTimers({ toFake: ["Date"] });
        try {
            await getCheckpointPermissions({ checkpoint: BIG });
            const debugMessages = debug.mock.calls.map(([message]) => message);
            const infoMessages = info.mock.calls.map(([message]) => message);
            expect(debugMessages.filter((m) => m.startsWith(BIG))).toEqual([`${BIG}: page 1, 100 permissions so far`]);
            expect(infoMessages.filter((m) => m.startsWith(BIG))).toEqual([`${BIG}: page 11, 1050 permissions`]);
        } finally {
            vi.useRealTimers();
            debug.mockRestore();
            info.mockRestore();
        }
    });

    it("reports no progress for a listing done in one page: no log call per record", async () => {
        const debug = vi.spyOn(pulumi.log, "debug");
        const info = vi.spyOn(pulumi.log, "info");
        try {
            const { permissionCount } = await getCheckpointPermissions({ checkpoint: CHECKPOINT });
            expect(permissionCount).toBeGreaterThan(0);
            expect([...debug.mock.calls, ...info.mock.calls].map(([message]) => message).filter((m) => m.startsWith(CHECKPOINT))).toEqual([]);
        } finally {
            debug.mockRestore();
            info.mockRestore();
        }
    });

    it("says how to set the key when there is none", async () => {
        const saved = process.env["OPENAI_ADMIN_KEY"];
        delete process.env["OPENAI_ADMIN_KEY"];
        try {
            const error = await getCheckpointPermissions({ checkpoint: CHECKPOINT }).catch((e: unknown) => e);
            expect(error).toBeInstanceOf(MissingAdminKeyError);
            expect((error as Error).message).toContain("pulumi config set --secret openai:adminKey");
        } finally {
            process.env["OPENAI_ADMIN_KEY"] = saved;
        }
    });
});

describe("a program run", () => {
    // The Automation API runs one inline program after another in one process: each run must read afresh.
    it("lists again in the next run: a grant made between runs is read, the first run's listing is not served", async () => {
        const first = await getCheckpointPermissions({ checkpoint: CHECKPOINT });
        const granted = emulator.grant(CHECKPOINT, "proj_between_runs");
        try {
            expect((await getCheckpointPermissions({ checkpoint: CHECKPOINT })).projectIds).toEqual(first.projectIds);
            await newProgramRun();
            expect((await getCheckpointPermissions({ checkpoint: CHECKPOINT })).projectIds).toContain("proj_between_runs");
            expect(emulator.requests.filter((r) => r.path.includes("/permissions"))).toHaveLength(2);
        } finally {
            emulator.revoke(CHECKPOINT, granted.id);
        }
    });

    it("reads the audit log afresh in the next run: a grantor attributed in one run is not carried into the next", async () => {
        await getCheckpointPermissions({ checkpoint: CHECKPOINT, attribution: true });
        await newProgramRun();
        await getCheckpointPermissions({ checkpoint: CHECKPOINT, attribution: true });
        expect(emulator.requests.filter((r) => r.path.endsWith("/organization/audit_logs"))).toHaveLength(2);
    });

    it("a refused key settles the run, not the process: the next run with a fixed key succeeds", async () => {
        const saved = process.env["OPENAI_ADMIN_KEY"];
        process.env["OPENAI_ADMIN_KEY"] = "sk-admin-wrong";
        try {
            await expect(getCheckpointPermissions({ checkpoint: CHECKPOINT })).rejects.toThrow(/401|Incorrect API key/);
        } finally {
            process.env["OPENAI_ADMIN_KEY"] = saved;
        }
        await newProgramRun();
        expect((await getCheckpointPermissions({ checkpoint: CHECKPOINT })).permissionCount).toBe(2);
    });

    it("a checkpoint not found settles the run, not the process: created later, the next run reads it", async () => {
        const LATER = "ft:gpt-4o-mini-2024-07-18:acme::Later";
        await expect(getCheckpointPermissions({ checkpoint: LATER })).rejects.toThrow(/not found|404/i);
        await expect(getCheckpointPermissions({ checkpoint: LATER, order: "ascending" })).rejects.toThrow(/not found|404/i);
        expect(emulator.requests).toHaveLength(1);
        emulator.addCheckpoint(LATER, "proj_owner");
        try {
            await newProgramRun();
            expect((await getCheckpointPermissions({ checkpoint: LATER })).permissionCount).toBe(0);
        } finally {
            emulator.reset();
        }
    });
});

describe("getCheckpointPermissionsOutput", () => {
    it("reads from Inputs", async () => {
        const { value, known, secret } = await unwrap(getCheckpointPermissionsOutput({ checkpoint: pulumi.output(CHECKPOINT) }));
        expect(known).toBe(true);
        expect(secret).toBe(false);
        expect(value?.projectIds).toEqual(["proj_a", "proj_b"]);
    });

    it("keeps a secret input's result secret", async () => {
        const { value, secret } = await unwrap(getCheckpointPermissionsOutput({ checkpoint: pulumi.secret(CHECKPOINT) }));
        expect(secret).toBe(true);
        expect(value?.permissionCount).toBe(2);
    });

    it("gives an unknown result for an unknown input during preview, without a request", async () => {
        // During a preview, an output the engine does not return yet (here: `value`) is unknown.
        const thing = new Thing("not-created-yet");
        const { known } = await unwrap(getCheckpointPermissionsOutput({ checkpoint: thing.value }));
        expect(known).toBe(false);
        expect(emulator.requests).toHaveLength(0);
    });

    it("reads afresh after its dependsOn resources, not from a listing taken before them", async () => {
        const before = await getCheckpointPermissions({ checkpoint: CHECKPOINT });
        emulator.grant(CHECKPOINT, "proj_granted_by_dependency");
        const after = await unwrap(getCheckpointPermissionsOutput({ checkpoint: CHECKPOINT }, { dependsOn: [new Thing("grant")] }));
        expect(before.projectIds).not.toContain("proj_granted_by_dependency");
        expect(after.value?.projectIds).toContain("proj_granted_by_dependency");
        emulator.reset();
    });

    it("reads only once its dependsOn resources are ready", async () => {
        holdResources = true;
        const dependency = new Thing("dependency");
        const result = unwrap(getCheckpointPermissionsOutput({ checkpoint: CHECKPOINT }, { dependsOn: [dependency] }));
        // A read asked for later, without dependsOn, goes through the same machinery and finishes first.
        await unwrap(getCheckpointPermissionsOutput({ checkpoint: CHECKPOINT, order: "ascending" }));
        expect(emulator.requests.map((r) => r.query["order"])).toEqual(["ascending"]);
        releaseResources();
        expect((await result).value?.permissionCount).toBe(2);
        expect(emulator.requests.map((r) => r.query["order"])).toEqual(["ascending", "descending"]);
    });
});
