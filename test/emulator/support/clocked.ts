/** An emulator for a test file whose clock the tests set, so every `created_at` and `effective_at` is known. */
import { afterAll, beforeAll, beforeEach } from "vitest";
import { startEmulator, type EmulatorSeed, type RunningEmulator } from "../../../provider/emulator";

export interface ClockedEmulator {
    /** Started before the file's first test, closed after its last. */
    emulator: RunningEmulator;
    /** The emulator's clock, in Unix seconds; back to `start` before each test. */
    now: number;
}

/** Starts one emulator with `seed` for the test file, reset to the seed, with its clock at `start`, before each test. */
export function clockedEmulator(seed: EmulatorSeed, start: number): ClockedEmulator {
    const state = { now: start } as ClockedEmulator;
    beforeAll(async () => {
        state.emulator = await startEmulator({ seed, now: () => state.now });
    });
    afterAll(() => state.emulator.close());
    beforeEach(() => {
        state.now = start;
        state.emulator.reset();
    });
    return state;
}
