/**
 * Every checkpoint an organization shares, found and confirmed at scale: 500 checkpoints × 20 permissions and an
 * audit log of 10,000 events (`generateSeed`, served by the emulator's CLI with `--generate`), 20 ms of latency per
 * request and a rate limit of 100 requests per second (a bucket of 100), side by side:
 *
 * - ours: `readSharedCheckpoints` with a cold client (a new limiter, so a new connection pool);
 * - the official `openai` SDK as a user would write it: list the audit log's `checkpoint.permission.created`
 *   events, collect their checkpoints, then list every checkpoint's permissions at once, each auto-paginated, with
 *   the SDK's default 2 retries. Both pages are of 100, as ours, so both need the same requests; a user's
 *   `Promise.all` is `Promise.allSettled` here, only so the failed listings can be counted;
 * - the same with the listings one after another in a `for` loop: slower than the rate limit, so it completes, and
 *   is the baseline of the ratio.
 *
 * The emulator runs in a child process, so that the memory figures are the clients' alone and the emulator has a
 * core of its own. The sides alternate within each sample, who goes first changing; each starts with a full bucket.
 * Medians of several samples. Figures, never assertions.
 *
 * The ideal time is the least any client can take for the requests the read needs with pages of 100 (the audit
 * log's 100 pages and 500 listings): the rate limit's, every request through the bucket (as many as it holds at
 * once, the rest at the rate, the last answered one latency later), unless the audit log's pages one after another
 * (each needs the cursor of the one before), each taking the latency, then one listing, take longer.
 *
 * Memory: before each side the heap is collected (`--expose-gc`, which `npm run bench` passes); during it,
 * `process.memoryUsage()` is sampled every 10 ms. "Peak memory" is the most heap and buffer memory in use above the
 * start (`heapUsed + external`, which holds the response bodies' buffers), garbage not yet collected included. The
 * process's resident size is left out: after the first side it hardly moves, the memory a side freed being kept by
 * the process and reused by the next.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import { createInterface } from "node:readline";
import OpenAI from "openai";
import { MAX_PAGE_SIZE } from "../../provider/client";
import { DEFAULT_ADMIN_KEY, type RequestLogEntry } from "../../provider/emulator";
import { checkSharedCheckpointsQuery, readSharedCheckpoints } from "../../provider/resources/discovery";
import { coldClient, countRequests, rateLimitIdealMs } from "./api";
import { median } from "./median";

const CHECKPOINTS = 500;
const PERMISSIONS_EACH = 20;
const EVENTS = 10_000;
const LATENCY_MS = 20;
const RATE_LIMIT = { requestsPerSecond: 100, burst: 100 };
const SAMPLES = 5;
const CREATED = "checkpoint.permission.created";
const CLI = path.resolve(__dirname, "../../provider/emulator/cli.ts");
/** Spawning Node with tsx's loader and generating the seed take a few seconds on a busy machine. */
const START_TIMEOUT_MS = 60_000;

/** The emulator's CLI in a child process, driven through its control endpoints. */
interface ChildEmulator {
    readonly baseUrl: string;
    control(method: string, path: string, body?: unknown): Promise<unknown>;
    close(): Promise<void>;
}

async function startChildEmulator(): Promise<ChildEmulator> {
    const generate = `checkpoints=${CHECKPOINTS},permissions=${PERMISSIONS_EACH},events=${EVENTS}`;
    const child = spawn(process.execPath, ["--import", "tsx", CLI, "--port", "0", "--generate", generate, "--latency-ms", String(LATENCY_MS)], {
        cwd: path.resolve(__dirname, "../.."),
        stdio: ["ignore", "pipe", "inherit"],
    });
    const exited = once(child, "exit");
    const line = await Promise.race([
        once(createInterface({ input: child.stdout }), "line").then(([text]) => String(text)),
        exited.then(([code]) => Promise.reject(new Error(`the emulator exited with ${code} before listening`))),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the emulator did not listen within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS).unref()),
    ]).catch((error: unknown) => {
        child.kill("SIGKILL");
        throw error;
    });
    const baseUrl = /listening on (\S+)$/.exec(line)?.[1];
    if (baseUrl === undefined) throw new Error(`the emulator printed ${JSON.stringify(line)}`);
    const origin = new URL(baseUrl).origin;
    return {
        baseUrl,
        async control(method, where, body) {
            const response = await fetch(`${origin}/_emulator/${where}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }) });
            if (!response.ok) throw new Error(`${method} /_emulator/${where} answered ${response.status}: ${await response.text()}`);
            return response.json();
        },
        async close() {
            child.kill("SIGTERM");
            const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
            await exited;
            clearTimeout(killer);
        },
    };
}

/** What one side found: how many of the organization's checkpoints it listed in full, or why it found none. */
interface Found {
    readonly complete: number;
    readonly error?: string;
}

interface Side {
    readonly name: string;
    readonly read: (emulator: ChildEmulator) => Promise<Found>;
}

const OURS: Side = {
    name: "ours: readSharedCheckpoints",
    read: async (emulator) => {
        const client = coldClient(emulator.baseUrl, DEFAULT_ADMIN_KEY);
        try {
            const { checkpoints } = await readSharedCheckpoints(client, checkSharedCheckpointsQuery({}));
            return { complete: checkpoints.filter((c) => c.permissionCount === PERMISSIONS_EACH).length };
        } catch (error) {
            return { complete: 0, error: (error as Error).message };
        }
    },
};

/**
 * The SDK's loop: the audit log, then every checkpoint's listing, all at once (`Promise.all`, as a user writes it
 * first) or one after another (a plain `for` loop: what lists everything under the rate limit, so the baseline a
 * ratio means something against).
 */
function sdkSide(name: string, listings: "at once" | "one after another"): Side {
    return {
        name,
        read: async (emulator) => {
            const sdk = new OpenAI({ adminAPIKey: DEFAULT_ADMIN_KEY, baseURL: emulator.baseUrl });
            const candidates = new Set<string>();
            try {
                for await (const event of sdk.admin.organization.auditLogs.list({ event_types: [CREATED], limit: MAX_PAGE_SIZE })) {
                    const checkpoint = event[CREATED]?.data?.fine_tuned_model_checkpoint;
                    if (checkpoint) candidates.add(checkpoint);
                }
            } catch (error) {
                return { complete: 0, error: `the audit log: ${(error as Error).message}` };
            }
            const listOne = async (checkpoint: string) => {
                let count = 0;
                for await (const permission of sdk.fineTuning.checkpoints.permissions.list(checkpoint, { limit: MAX_PAGE_SIZE })) {
                    void permission;
                    count++;
                }
                return count;
            };
            if (listings === "at once") {
                const settled = await Promise.allSettled([...candidates].map(listOne));
                return { complete: settled.filter((l) => l.status === "fulfilled" && l.value === PERMISSIONS_EACH).length };
            }
            let complete = 0;
            for (const checkpoint of candidates) {
                try {
                    if ((await listOne(checkpoint)) === PERMISSIONS_EACH) complete++;
                } catch {
                    // Counted as failed: the row's "listings failed".
                }
            }
            return { complete };
        },
    };
}

const SDK = sdkSide("SDK: audit log, then Promise.all of list()", "at once");
const SDK_SEQUENTIAL = sdkSide("SDK: audit log, then list() in a for loop", "one after another");

interface Sample {
    readonly ms: number;
    readonly found: Found;
    readonly requests: number;
    readonly refused: number;
    readonly peakMemoryMb: number;
}

const MB = 1024 * 1024;

/** The collector `--expose-gc` gives; without it the memory figures would count garbage of the side before. */
function collector(): () => void {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (typeof gc !== "function") throw new Error("organization.bench measures memory after a collection: run it with node's --expose-gc (npm run bench does)");
    return gc;
}

async function measure(side: Side, emulator: ChildEmulator, gc: () => void): Promise<Sample> {
    await emulator.control("PUT", "conditions", { rateLimit: RATE_LIMIT }); // a full bucket
    await emulator.control("DELETE", "requests");
    gc();
    const start = process.memoryUsage();
    const inUse = ({ heapUsed, external }: NodeJS.MemoryUsage) => heapUsed + external;
    let peak = inUse(start);
    const sample = () => {
        peak = Math.max(peak, inUse(process.memoryUsage()));
    };
    const sampler = setInterval(sample, 10);
    const started = performance.now();
    const found = await side.read(emulator);
    const ms = performance.now() - started;
    clearInterval(sampler);
    sample();
    const { requests } = (await emulator.control("GET", "state")) as { requests: RequestLogEntry[] };
    const { total, refused } = countRequests(requests);
    return { ms, found, requests: total, refused, peakMemoryMb: (peak - inUse(start)) / MB };
}

export default async function run(): Promise<void> {
    const gc = collector();
    // Every event is a permission's created event here (as many events as permissions), all listed.
    const auditPages = Math.ceil(EVENTS / MAX_PAGE_SIZE);
    const listings = CHECKPOINTS * Math.ceil(PERMISSIONS_EACH / MAX_PAGE_SIZE);
    const ideal = rateLimitIdealMs(auditPages + listings, auditPages, RATE_LIMIT, LATENCY_MS);
    const emulator = await startChildEmulator();
    try {
        const sides = [OURS, SDK, SDK_SEQUENTIAL];
        const samples = new Map<Side, Sample[]>(sides.map((side) => [side, []]));
        for (let sample = 0; sample < SAMPLES; sample++) {
            // Rotate who goes first, so no side always meets a warmer (or busier) process.
            for (const side of sides.map((_, i) => sides[(i + sample) % sides.length]!)) samples.get(side)!.push(await measure(side, emulator, gc));
        }
        const oursMs = median(samples.get(OURS)!.map((s) => s.ms));
        const rows = sides.map((side) => {
            const runs = samples.get(side)!;
            const ms = median(runs.map((s) => s.ms));
            const complete = runs.filter((s) => s.found.complete === CHECKPOINTS).length;
            const requests = median(runs.map((s) => s.requests));
            const refused = median(runs.map((s) => s.refused));
            return {
                side: side.name,
                "median ms": Math.round(ms),
                "min–max ms": `${Math.round(Math.min(...runs.map((s) => s.ms)))}–${Math.round(Math.max(...runs.map((s) => s.ms)))}`,
                // A time next to failed listings is no baseline: ratios are given only for complete runs.
                "÷ ideal": complete === runs.length ? (ms / ideal).toFixed(2) : "n/a: incomplete",
                "requests (median)": requests,
                "429s (median)": refused,
                "429s ÷ requests": (refused / requests).toFixed(2),
                "listings failed (median of 500)": median(runs.map((s) => CHECKPOINTS - s.found.complete)),
                "complete runs": `${complete}/${runs.length}`,
                // Garbage counts until it is collected, so the peak moves with the collector: its spread is shown.
                "peak memory MB (min–max)": `${median(runs.map((s) => s.peakMemoryMb)).toFixed(0)} (${Math.min(...runs.map((s) => s.peakMemoryMb)).toFixed(0)}–${Math.max(...runs.map((s) => s.peakMemoryMb)).toFixed(0)})`,
                "ours ÷ this": side === OURS ? "" : complete === runs.length ? (oursMs / ms).toFixed(2) : "n/a: it failed",
            };
        });
        console.log(
            `${CHECKPOINTS} checkpoints × ${PERMISSIONS_EACH} permissions, an audit log of ${EVENTS.toLocaleString("en")} events; ` +
                `${LATENCY_MS} ms per request, ${RATE_LIMIT.requestsPerSecond} requests/s (a bucket of ${RATE_LIMIT.burst}); ${SAMPLES} samples per side`,
        );
        console.log(
            `ideal: ${Math.round(ideal)} ms, the ${auditPages} audit-log pages and ${listings} listings through the bucket ` +
                `(${RATE_LIMIT.burst} at once, the rest at ${RATE_LIMIT.requestsPerSecond}/s, plus one latency), or the pages one after another at ` +
                `${LATENCY_MS} ms and a listing (${(auditPages + 1) * LATENCY_MS} ms), whichever is longer`,
        );
        console.table(rows);
        for (const side of sides) {
            const errors = new Set(samples.get(side)!.flatMap((s) => (s.found.error === undefined ? [] : [s.found.error])));
            for (const error of errors) console.log(`${side.name} failed: ${error}`);
        }
    } finally {
        await emulator.close();
    }
}
