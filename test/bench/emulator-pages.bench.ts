/**
 * How long the emulator takes to serve one page of a big checkpoint, over loopback: a page from the middle
 * of a 100,000-permission checkpoint against the same page of a 1,000-permission one (the baseline, in the
 * same run). Constant time per page means a ratio near 1. Figures, never assertions.
 */
import { Bench } from "tinybench";
import { startEmulator, type EmulatorSeed } from "../../provider/emulator";
import { CheckpointPermissionsClient, RequestLimiter } from "../../provider/client";

const SIZES = [1_000, 100_000] as const;
const checkpointOf = (size: number) => `ft:gpt-4o-mini-2024-07-18:acme::Size${size}`;

function seed(): EmulatorSeed {
    return {
        checkpoints: Object.fromEntries(
            SIZES.map((size) => [
                checkpointOf(size),
                {
                    owner_project_id: "proj_owner",
                    permissions: Array.from({ length: size }, (_, i) => ({ project_id: `proj_${i}`, created_at: 1_700_000_000 + i, id: `cp_${size}x${i}` })),
                },
            ]),
        ),
    };
}

export default async function run(): Promise<void> {
    const emulator = await startEmulator({ seed: seed() });
    const client = new CheckpointPermissionsClient({ adminKey: emulator.adminKey, baseUrl: emulator.baseUrl, limiter: new RequestLimiter(1) });
    try {
        const bench = new Bench({ iterations: 200, warmupIterations: 20, time: 0 });
        for (const size of SIZES) {
            // Descending from the middle: the emulator must place the cursor and sort (or not) the rest.
            const after = `cp_${size}x${size / 2}`;
            bench.add(`one page of 100 from the middle of ${size.toLocaleString("en-US")} permissions`, async () => {
                await client.permissions.listPage(checkpointOf(size), { after, limit: 100 });
            });
            bench.add(`one project's permission among ${size.toLocaleString("en-US")}`, async () => {
                await client.permissions.listPage(checkpointOf(size), { projectId: `proj_${size / 4}`, limit: 100 });
            });
        }
        await bench.run();
        console.table(bench.table());
        const median = (name: string) => {
            const result = bench.getTask(name)?.result;
            return result?.state === "completed" ? result.latency.p50 : Number.NaN;
        };
        const [small, big] = SIZES.map((size) => `one page of 100 from the middle of ${size.toLocaleString("en-US")} permissions`) as [string, string];
        console.log(`page at 100,000 / page at 1,000 (medians): ${(median(big) / median(small)).toFixed(2)}x`);
    } finally {
        await emulator.close();
    }
}
