/**
 * Every checkpoint the organization shares (provider/resources/discovery.ts), found from the emulator's audit log
 * over loopback and confirmed by each checkpoint's live listing.
 */
import { afterEach, describe, expect, it } from "vitest";
import { CheckpointPermissionsClient } from "../../provider/client";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
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
});
