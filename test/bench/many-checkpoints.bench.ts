/**
 * 200 checkpoints of 50 permissions each, all listed at once over loopback with 20 ms of latency per request,
 * by our client and by an unbounded `Promise.all` over the official `openai` SDK, in two regimes:
 *
 * - no rate limit: how close the adaptive cap comes to sending everything at once;
 * - 100 requests per second (a burst of 100, then 429 with `retry-after`): a limit the SDK's `Promise.all`
 *   does not survive with its default 2 retries.
 *
 * The sides alternate within each sample, in a rotating order; medians of several samples, and the ratio
 * of ours to each SDK loop that listed everything. Our client starts cold in every sample (a new limiter and a new connection pool,
 * as at the start of a program); the SDK keeps the process's fetch pool. Figures, never assertions.
 */
import OpenAI from "openai";
import { startEmulator, type RateLimit, type RunningEmulator } from "../../provider/emulator";
import { coldClient } from "./api";
import { median } from "./median";

const CHECKPOINTS = Array.from({ length: 200 }, (_, i) => `ft:gpt-4o-mini-2024-07-18:acme::Bench${i}`);
const PERMISSIONS_EACH = 50;
const LATENCY_MS = 20;
const SAMPLES = 7;

interface Regime {
    readonly name: string;
    readonly rateLimit: RateLimit | null;
}

const REGIMES: readonly Regime[] = [
    { name: "no rate limit", rateLimit: null },
    { name: "100 requests/s", rateLimit: { requestsPerSecond: 100, burst: 100 } },
];

/** One way of listing every checkpoint; resolves to how many listings failed. */
interface Side {
    readonly name: string;
    readonly list: () => Promise<number>;
}

function sides(emulator: RunningEmulator): Side[] {
    const sdk = new OpenAI({ adminAPIKey: emulator.adminKey, baseURL: emulator.baseUrl });
    /** What a user writes with the SDK: every listing at once, each auto-paginated. */
    const sdkListing = (limit: number | undefined) => async (checkpoint: string) => {
        let count = 0;
        for await (const permission of sdk.fineTuning.checkpoints.permissions.list(checkpoint, limit === undefined ? {} : { limit })) {
            void permission;
            count++;
        }
        return count;
    };
    return [
        {
            name: "ours, Promise.all of listAll",
            list: () => {
                const client = coldClient(emulator.baseUrl, emulator.adminKey);
                return failures(async (checkpoint) => (await client.permissions.listAll(checkpoint)).permissions.length);
            },
        },
        { name: "SDK Promise.all, limit: 100", list: () => failures(sdkListing(100)) },
        { name: "SDK Promise.all, default page", list: () => failures(sdkListing(undefined)) },
    ];
}

/** Lists every checkpoint at once; a listing fails if it throws or comes back short. */
async function failures(listOne: (checkpoint: string) => Promise<number>): Promise<number> {
    const results = await Promise.allSettled(CHECKPOINTS.map(listOne));
    return results.filter((result) => result.status === "rejected" || result.value !== PERMISSIONS_EACH).length;
}

interface Sample {
    ms: number;
    failed: number;
    requests: number;
    rateLimited: number;
}

export default async function run(): Promise<void> {
    const emulator = await startEmulator({
        latencyMs: LATENCY_MS,
        seed: {
            checkpoints: Object.fromEntries(
                CHECKPOINTS.map((checkpoint) => [
                    checkpoint,
                    { owner_project_id: "proj_owner", permissions: Array.from({ length: PERMISSIONS_EACH }, (_, i) => ({ project_id: `proj_${i}` })) },
                ]),
            ),
        },
    });
    try {
        const all = sides(emulator);
        const rows: Record<string, string | number>[] = [];
        for (const regime of REGIMES) {
            const samples = new Map<string, Sample[]>(all.map((side) => [side.name, []]));
            for (let sample = 0; sample < SAMPLES; sample++) {
                // Rotate who goes first, so no side always meets a warmer (or busier) process.
                const order = all.map((_, i) => all[(i + sample) % all.length]!);
                for (const side of order) {
                    // A new bucket, full, for every side: no side inherits what the one before spent.
                    emulator.setConditions({ rateLimit: regime.rateLimit });
                    emulator.clearRequests();
                    const started = performance.now();
                    const failed = await side.list();
                    const ms = performance.now() - started;
                    const requests = emulator.requests;
                    samples.get(side.name)!.push({ ms, failed, requests: requests.length, rateLimited: requests.filter((r) => r.status === 429).length });
                }
            }
            const oursMedian = median(samples.get(all[0]!.name)!.map((s) => s.ms));
            for (const side of all) {
                const runs = samples.get(side.name)!;
                const ms = median(runs.map((s) => s.ms));
                rows.push({
                    regime: regime.name,
                    side: side.name,
                    "median ms": Math.round(ms),
                    "min–max ms": `${Math.round(Math.min(...runs.map((s) => s.ms)))}–${Math.round(Math.max(...runs.map((s) => s.ms)))}`,
                    "listings failed (median of 200)": median(runs.map((s) => s.failed)),
                    "requests (median)": median(runs.map((s) => s.requests)),
                    "429s (median)": median(runs.map((s) => s.rateLimited)),
                    // A time next to failed listings is no baseline: the ratio is given only against complete runs.
                    "ours ÷ this": side === all[0] ? "" : runs.some((s) => s.failed > 0) ? "n/a: it failed" : (oursMedian / ms).toFixed(2),
                });
            }
        }
        console.log(`${CHECKPOINTS.length} checkpoints × ${PERMISSIONS_EACH} permissions, ${LATENCY_MS} ms per request, ${SAMPLES} samples per side`);
        console.table(rows);
    } finally {
        await emulator.close();
    }
}
