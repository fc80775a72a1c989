/**
 * The organization the resources' operations are tested against: one checkpoint shared with one project, on an
 * emulator over loopback, reset before each test, and a client of it as the operations take one.
 */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { CheckpointPermissionsClient } from "../../provider/client";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import type { ClientSource } from "../../provider/resources/operations";

export const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
/** The permission `proj_existing` holds. */
export const EXISTING = "cp_existing00000000000000000";
const seed = {
    checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_existing", id: EXISTING, created_at: 1_700_000_000 }] } },
};

/** Call at the top of a test file; the result gives the running emulator and a client of it. */
export function testOrganization(): { emulator: () => RunningEmulator; client: ClientSource } {
    let emulator: RunningEmulator;
    let client: CheckpointPermissionsClient;
    beforeAll(async () => {
        emulator = await startEmulator({ seed });
        client = new CheckpointPermissionsClient({ adminKey: emulator.adminKey, baseUrl: emulator.baseUrl });
    });
    afterAll(async () => {
        await emulator?.close();
    });
    beforeEach(() => emulator.reset(seed));
    return { emulator: () => emulator, client: async () => client };
}
