/**
 * How fast the client lists permissions from the emulator over loopback, and what the in-flight cap is worth
 * on many small checkpoints: the default limiter against one request at a time, in the same run.
 */
import { Bench } from "tinybench";
import { startEmulator } from "../../provider/emulator";
import { CheckpointPermissionsClient, DEFAULT_MAX_REQUESTS_IN_FLIGHT, RequestLimiter } from "../../provider/client";

const BIG = "ft:gpt-4o-mini-2024-07-18:acme::Big";
const SMALL = Array.from({ length: 50 }, (_, i) => `ft:gpt-4o-mini-2024-07-18:acme::Small${i}`);

export default async function run(): Promise<void> {
    const emulator = await startEmulator({
        seed: {
            checkpoints: {
                [BIG]: { owner_project_id: "proj_owner", permissions: Array.from({ length: 10_000 }, (_, i) => ({ project_id: `proj_${i}` })) },
                ...Object.fromEntries(SMALL.map((c) => [c, { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_a" }, { project_id: "proj_b" }] }])),
            },
        },
    });
    const client = (maxInFlight: number) =>
        new CheckpointPermissionsClient({ adminKey: emulator.adminKey, baseUrl: emulator.baseUrl, limiter: new RequestLimiter(maxInFlight) });
    const [adaptive, one] = [client(DEFAULT_MAX_REQUESTS_IN_FLIGHT), client(1)];
    try {
        const bench = new Bench({ iterations: 10, warmupIterations: 2, time: 0 });
        bench
            .add("list 10,000 permissions (100 pages of 100)", async () => {
                await adaptive.permissions.listAll(BIG);
            })
            .add("list 50 small checkpoints at once, default limiter", async () => {
                await Promise.all(SMALL.map((c) => adaptive.permissions.listAll(c)));
            })
            .add("list 50 small checkpoints at once, 1 request in flight", async () => {
                await Promise.all(SMALL.map((c) => one.permissions.listAll(c)));
            });
        await bench.run();
        console.table(bench.table());
    } finally {
        await emulator.close();
    }
}
