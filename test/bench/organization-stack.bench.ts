/**
 * The component stack a platform team runs nightly (`SharedCheckpointRecords`, examples/organization-audit), on the
 * real engine, in TypeScript and in YAML on the repository's plugin, with attribution off and on side by side: what a
 * no-change preview costs against what it cannot avoid, at organization sizes of N checkpoints × 20 permissions.
 *
 * Sizes: `ORGANIZATION_STACK_SIZES=200,500,2000 npm run bench organization-stack` (default 200; samples of each figure
 * `ORGANIZATION_STACK_SAMPLES`, default 3). Each size gets its
 * own emulator, in this process, seeded by `generateSeed` with N × 20 events, every one a permission's created event,
 * so every checkpoint is a candidate; 20 ms of latency per request; no rate limit unless said. For each size:
 *
 * - `getSharedCheckpoints`' read alone, in this process (`readSharedCheckpoints` with a cold client): the least the
 *   component can read. Attribution is the records' part, so the read is one figure for both columns;
 * - a no-change preview of an empty TypeScript stack (test/bench/fixtures/organization-stack/empty): what any preview
 *   pays before the program does anything;
 * - a no-change preview of the component stack after its `up`, in TypeScript and in YAML (the fixtures beside the
 *   empty one: the examples with `attribution` from config), its ratio to (empty preview + read alone) and the time it
 *   adds per record beyond them, and the permission listings and audit-log pages it sends (the emulator's log of
 *   exactly that preview);
 * - a no-change preview of the same checkpoints recorded one by one in TypeScript, without the component
 *   (test/bench/fixtures/organization-stack/records): what N records cost by themselves, each listing its checkpoint,
 *   and the component's preview ÷ it;
 * - the first `up` of each (one sample: each stack is brought up once), and the TypeScript component's again on a
 *   stack of its own with `PULUMI_SKIP_CHECKPOINTS=true`, attribution off: the engine's own cost of saving the state
 *   after every step;
 * - the peak resident memory of the CLI's process tree during a preview (test/bench/process-memory.ts, every 50 ms):
 *   its largest node process (the TypeScript program, or the YAML stack's plugin) and the whole tree;
 * - where the time goes: one more no-change preview of the TypeScript component stack, attribution off, its program
 *   CPU-profiled (./cpu-profile.ts);
 * - each component stack's preview (TypeScript and YAML) under a rate limit of 100 requests/s (a bucket of 100, full at the start of each
 *   preview): the requests refused, the previews that failed (a listing that failed fails the preview), and its time
 *   against the least the limit allows (test/bench/api.ts: the answered requests through the bucket, or the audit
 *   log's pages one after another).
 *
 * The previews and the read alternate within each sample, the order rotating from sample to sample; medians of 3.
 * The emulator shares this process with the read alone and the memory sampler (a sample blocks its event loop for
 * well under a millisecond); during a preview it is alone here, the program in processes of its own. After the
 * sizes, how each figure grows from the smallest size to the largest, per checkpoint. Figures, never assertions: the
 * only checks are that each stack recorded every checkpoint and that the read found them all, so a figure measures
 * what it says.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { generateSeed, MAX_GENERATED_PERMISSIONS, type RunningEmulator } from "../../provider/emulator";
import { checkSharedCheckpointsQuery, readSharedCheckpoints } from "../../provider/resources/discovery";
import { checkpointPermissionsType, pluginCheckpointPermissionsType } from "../../provider/resources/tokens";
import { PulumiCommandError, startEngineStack, type EngineStack } from "../e2e/harness";
import { coldClient, countRequests, rateLimitIdealMs, type RequestCounts } from "./api";
import { profiledRun, type CpuProfileBreakdown } from "./cpu-profile";
import { median } from "./median";
import { sampleCliTreeMemory, type TreeMemoryPeak } from "./process-memory";
import { timed } from "./timing";

const FIXTURES = path.join(__dirname, "fixtures", "organization-stack");
const SIZES_VARIABLE = "ORGANIZATION_STACK_SIZES";
const DEFAULT_SIZES = [200];
const PERMISSIONS_EACH = 20;
const LATENCY_MS = 20;
const RATE_LIMIT = { requestsPerSecond: 100, burst: 100 } as const;
const SAMPLES_VARIABLE = "ORGANIZATION_STACK_SAMPLES";
/** Samples of each figure, from `ORGANIZATION_STACK_SAMPLES` (default 3; at 2,000 checkpoints one takes minutes). */
const SAMPLES = samplesToTake();
const MB = 1024 * 1024;

/**
 * A CLI command's bound: the harness's 5 minutes, and more for a big organization (a first `up` of 2,000 records on 2
 * busy cores takes minutes), so a hung command still ends the run.
 */
const commandTimeoutMs = (checkpoints: number) => 5 * 60_000 + checkpoints * 500;

const ATTRIBUTIONS = ["off", "on"] as const;
type Attribution = (typeof ATTRIBUTIONS)[number];
const SURFACES = ["TypeScript", "YAML"] as const;
type Surface = (typeof SURFACES)[number];
const RECORD_TYPES: Record<Surface, string> = { TypeScript: checkpointPermissionsType, YAML: pluginCheckpointPermissionsType };
const FIXTURE_DIRS: Record<Surface, string> = { TypeScript: "typescript", YAML: "yaml" };

function samplesToTake(): number {
    const text = process.env[SAMPLES_VARIABLE]?.trim();
    if (!text) return 3;
    const samples = Number(text);
    if (!Number.isInteger(samples) || samples < 1 || samples > 9) throw new Error(`${SAMPLES_VARIABLE}=${text}: must be a whole number of samples from 1 to 9`);
    return samples;
}

/** The sizes to run, from `ORGANIZATION_STACK_SIZES` (e.g. `200,500,2000`), smallest first. */
function sizes(): number[] {
    const text = process.env[SIZES_VARIABLE]?.trim();
    if (!text) return DEFAULT_SIZES;
    const most = MAX_GENERATED_PERMISSIONS / PERMISSIONS_EACH;
    const parsed = text.split(",").map((part) => Number(part.trim()));
    const bad = parsed.find((n) => !Number.isInteger(n) || n < 1 || n > most);
    if (bad !== undefined) throw new Error(`${SIZES_VARIABLE}=${text}: each size must be a whole number of checkpoints from 1 to ${most} (× ${PERMISSIONS_EACH} permissions, as generateSeed allows)`);
    return [...new Set(parsed)].sort((a, b) => a - b);
}

interface PreviewSample {
    readonly ms: number;
    readonly requests: RequestCounts;
    readonly memory: TreeMemoryPeak;
}

interface RateLimitedSample {
    readonly ms: number;
    readonly requests: RequestCounts;
    /** Why the preview failed; undefined if it succeeded. */
    readonly failure?: string;
}

/** A no-change preview: its time, the requests it sent (only it: the log is emptied first), its process tree's memory. */
async function measuredPreview(stack: EngineStack, timeoutMs: number): Promise<PreviewSample> {
    stack.emulator.clearRequests();
    const sampler = sampleCliTreeMemory();
    let ms: number;
    let memory: TreeMemoryPeak;
    try {
        ms = await timed(() => stack.preview(["--expect-no-changes"], { timeoutMs }));
    } finally {
        memory = sampler.stop();
    }
    return { ms, requests: countRequests(stack.emulator.requests), memory };
}

/** A no-change preview under the rate limit, its bucket full at the start; a preview that fails is a figure too. */
async function rateLimitedPreview(stack: EngineStack, timeoutMs: number): Promise<RateLimitedSample> {
    stack.emulator.setConditions({ rateLimit: RATE_LIMIT });
    try {
        stack.emulator.clearRequests();
        let failure: string | undefined;
        const ms = await timed(() =>
            stack.preview(["--expect-no-changes"], { timeoutMs }).catch((error: unknown) => {
                if (!(error instanceof PulumiCommandError)) throw error;
                failure = firstErrorLine(error);
            }),
        );
        return { ms, requests: countRequests(stack.emulator.requests), ...(failure === undefined ? {} : { failure }) };
    } finally {
        stack.emulator.setConditions({ rateLimit: null });
    }
}

/** The CLI's first `error:` line, else the error's first line (e.g. a timeout). */
function firstErrorLine(error: PulumiCommandError): string {
    const output = `${error.result.stdout}\n${error.result.stderr}`;
    return (output.split("\n").find((line) => /\berror:/.test(line)) ?? error.message.split("\n")[0]!).trim();
}

/** The read alone, as the component's is, in this process; it must find every checkpoint. */
async function readAlone(emulator: RunningEmulator, checkpoints: number): Promise<{ ms: number; requests: RequestCounts }> {
    emulator.clearRequests();
    const client = coldClient(emulator.baseUrl, emulator.adminKey);
    let found = 0;
    const ms = await timed(async () => {
        found = (await readSharedCheckpoints(client, checkSharedCheckpointsQuery({}))).checkpointIds.length;
    });
    if (found !== checkpoints) throw new Error(`the read found ${found} shared checkpoints, not the ${checkpoints} generated`);
    return { ms, requests: countRequests(emulator.requests) };
}

/** A figure's value on each side (attribution off, on), with an optional note in its cell; undefined: not measured. */
interface Cell {
    readonly value: number | undefined;
    readonly note?: string;
}

type Unit = "ms" | "ms per record" | "ratio" | "count" | "MB";

interface Figure {
    readonly label: string;
    readonly unit: Unit;
    readonly cells: Record<Attribution, Cell>;
}

function format(value: number | undefined, unit: Unit): string {
    if (value === undefined || !Number.isFinite(value)) return "n/a";
    switch (unit) {
        case "ms":
            return `${Math.round(value).toLocaleString("en")} ms`;
        case "ms per record":
            return `${value.toFixed(1)} ms`;
        case "ratio":
            return value.toFixed(2);
        case "count":
            return Math.round(value).toLocaleString("en");
        case "MB":
            return `${(value / MB).toFixed(0)} MB`;
    }
}

const both = (value: number | undefined, note?: string): Record<Attribution, Cell> => ({ off: { value, note }, on: { value, note } });

/** The samples of one size, by what was measured. */
interface SizeSamples {
    readonly checkpoints: number;
    readonly read: Array<{ ms: number; requests: RequestCounts }>;
    readonly empty: PreviewSample[];
    readonly previews: Record<Surface, Record<Attribution, PreviewSample[]>>;
    /** The TypeScript stack of plain records, the component left out. */
    readonly records: Record<Attribution, PreviewSample[]>;
    readonly firstUp: Record<Surface, Record<Attribution, number>>;
    /** The TypeScript component's first `up` with attribution off and `PULUMI_SKIP_CHECKPOINTS=true`. */
    readonly firstUpUnsaved: number;
    readonly rateLimited: Record<Surface, Record<Attribution, RateLimitedSample[]>>;
    /** One more no-change preview of the TypeScript component stack, attribution off, its program profiled. */
    readonly profile: CpuProfileBreakdown;
}

/** One size: brings every stack up, then samples the read and the previews, and the rate-limited previews. */
async function sampleSize(checkpoints: number): Promise<SizeSamples> {
    const timeoutMs = commandTimeoutMs(checkpoints);
    const stacks: EngineStack[] = [];
    // The first stack owns the emulator (with the seed) and the backend; the others share them.
    const seed = generateSeed({ checkpoints, permissions: PERMISSIONS_EACH, events: checkpoints * PERMISSIONS_EACH });
    const open = async (name: string, dir: string, attribution?: Attribution, config: Record<string, string> = {}) => {
        const stack = await startEngineStack({
            fixture: name,
            programDir: path.join(FIXTURES, dir),
            stackName: name,
            ...(stacks[0] ? { sharedWith: stacks[0] } : { seed }),
            config: { ...config, ...(attribution === undefined ? {} : { attribution: String(attribution === "on") }) },
        });
        stacks.push(stack);
        return stack;
    };
    try {
        const empty = await open("empty", "empty");
        const emulator = empty.emulator;
        emulator.setConditions({ latencyMs: LATENCY_MS });
        const openComponent = (surface: Surface, attribution: Attribution) => open(`${surface.toLowerCase()}-${attribution}`, FIXTURE_DIRS[surface], attribution);
        const component = {
            TypeScript: { off: await openComponent("TypeScript", "off"), on: await openComponent("TypeScript", "on") },
            YAML: { off: await openComponent("YAML", "off"), on: await openComponent("YAML", "on") },
        };
        const firstUp = async (surface: Surface, attribution: Attribution) => {
            const stack = component[surface][attribution];
            const ms = await timed(() => stack.up([], { timeoutMs }));
            await expectRecords(stack, RECORD_TYPES[surface], checkpoints);
            return ms;
        };
        const firstUps = {
            TypeScript: { off: await firstUp("TypeScript", "off"), on: await firstUp("TypeScript", "on") },
            YAML: { off: await firstUp("YAML", "off"), on: await firstUp("YAML", "on") },
        };
        // The same first `up` without the engine's intermediate checkpoints: the engine writes the whole state
        // after every step, which grows with the stack, so a first `up` of N records writes N states.
        const unsaved = await open("typescript-unsaved", FIXTURE_DIRS.TypeScript, "off");
        const firstUpUnsaved = await timed(() => unsaved.up([], { timeoutMs, env: { PULUMI_SKIP_CHECKPOINTS: "true" } }));
        await expectRecords(unsaved, RECORD_TYPES.TypeScript, checkpoints);
        await empty.up([], { timeoutMs });
        // The plain records' checkpoints, in a file beside the stack's workspace (its folder goes with the stack).
        const checkpointsFile = path.join(empty.projectDir, "..", "checkpoints.json");
        await writeFile(checkpointsFile, JSON.stringify(Object.keys(seed.checkpoints ?? {})));
        const records = {
            off: await open("records-off", "records", "off", { checkpointsFile }),
            on: await open("records-on", "records", "on", { checkpointsFile }),
        };
        for (const attribution of ATTRIBUTIONS) {
            await records[attribution].up([], { timeoutMs });
            await expectRecords(records[attribution], checkpointPermissionsType, checkpoints);
        }

        const samples: Omit<SizeSamples, "profile"> = {
            checkpoints,
            read: [],
            empty: [],
            previews: { TypeScript: { off: [], on: [] }, YAML: { off: [], on: [] } },
            records: { off: [], on: [] },
            firstUp: firstUps,
            firstUpUnsaved,
            rateLimited: { TypeScript: { off: [], on: [] }, YAML: { off: [], on: [] } },
        };
        const runs: Array<() => Promise<void>> = [
            async () => void samples.read.push(await readAlone(emulator, checkpoints)),
            async () => void samples.empty.push(await measuredPreview(empty, timeoutMs)),
            ...SURFACES.flatMap((surface) =>
                ATTRIBUTIONS.map((attribution) => async () => void samples.previews[surface][attribution].push(await measuredPreview(component[surface][attribution], timeoutMs))),
            ),
            ...ATTRIBUTIONS.map((attribution) => async () => void samples.records[attribution].push(await measuredPreview(records[attribution], timeoutMs))),
        ];
        for (let sample = 0; sample < SAMPLES; sample++) {
            // Rotate who goes first, so no run always meets a warmer (or busier) machine.
            for (let i = 0; i < runs.length; i++) await runs[(i + sample) % runs.length]!();
        }
        for (let sample = 0; sample < SAMPLES; sample++) {
            for (const surface of SURFACES) {
                for (const attribution of sample % 2 === 0 ? ATTRIBUTIONS : [...ATTRIBUTIONS].reverse()) {
                    samples.rateLimited[surface][attribution].push(await rateLimitedPreview(component[surface][attribution], timeoutMs));
                }
            }
        }
        // The plugin is not profiled: the engine ends it with a kill, and V8 writes a profile only at a clean exit.
        const profile = await profiledRun((env) => component.TypeScript.off.preview(["--expect-no-changes"], { timeoutMs, env }));
        return { ...samples, profile };
    } finally {
        for (const stack of [...stacks].reverse()) await stack.dispose().catch(() => undefined);
    }
}

/** The stack recorded every checkpoint: else its previews would measure another stack than the one named. */
async function expectRecords(stack: EngineStack, recordType: string, checkpoints: number): Promise<void> {
    const recorded = ((await stack.exportState()).deployment.resources ?? []).filter((resource) => resource.type === recordType).length;
    if (recorded !== checkpoints) throw new Error(`${stack.stackName} recorded ${recorded} checkpoints after its up, not the ${checkpoints} generated`);
}

/** The size's figures, in the order printed, from its samples' medians. */
function figures(s: SizeSamples): Figure[] {
    const n = s.checkpoints;
    const readMs = median(s.read.map((r) => r.ms));
    const emptyMs = median(s.empty.map((p) => p.ms));
    const readRequests = s.read[0]!.requests;
    const bySide = (value: (attribution: Attribution) => number | undefined, note?: (attribution: Attribution) => string | undefined): Record<Attribution, Cell> =>
        Object.fromEntries(ATTRIBUTIONS.map((a) => [a, { value: value(a), note: note?.(a) }])) as Record<Attribution, Cell>;
    const previewMs = (surface: Surface) => (a: Attribution) => median(s.previews[surface][a].map((p) => p.ms));
    const recordsMs = (a: Attribution) => median(s.records[a].map((p) => p.ms));
    const requests = (surface: Surface, kind: "listings" | "auditLogPages") => (a: Attribution) => median(s.previews[surface][a].map((p) => p.requests[kind]));
    const roles = (samples: readonly PreviewSample[]) => [...new Set(samples.map((p) => p.memory.largestNode?.role ?? "none"))].join(", ");
    const nodePeak = (samples: readonly PreviewSample[]) => median(samples.map((p) => p.memory.largestNode?.bytes ?? 0));
    const treePeak = (samples: readonly PreviewSample[]) => median(samples.map((p) => p.memory.treeBytes));

    const result: Figure[] = [
        { label: "`getSharedCheckpoints`' read alone in node (`readSharedCheckpoints`, cold client; the same read either way)", unit: "ms", cells: both(readMs, `${readRequests.listings} listings, ${readRequests.auditLogPages} pages`) },
        { label: "empty TypeScript stack: preview (no resources)", unit: "ms", cells: both(emptyMs) },
        ...SURFACES.map((surface): Figure => ({ label: `${surface} component stack: no-change preview`, unit: "ms", cells: bySide(previewMs(surface)) })),
        ...SURFACES.map((surface): Figure => ({ label: `${surface}: preview ÷ (empty preview + read alone)`, unit: "ratio", cells: bySide((a) => previewMs(surface)(a) / (emptyMs + readMs)) })),
        ...SURFACES.map((surface): Figure => ({ label: `${surface}: added per record beyond the read, (preview − empty − read) ÷ N`, unit: "ms per record", cells: bySide((a) => (previewMs(surface)(a) - emptyMs - readMs) / n) })),
        ...SURFACES.flatMap((surface): Figure[] => [
            { label: `${surface} preview: permission listings`, unit: "count", cells: bySide(requests(surface, "listings")) },
            { label: `${surface} preview: audit-log pages`, unit: "count", cells: bySide(requests(surface, "auditLogPages")) },
        ]),
        { label: "TypeScript, the same checkpoints as plain records (no component): no-change preview", unit: "ms", cells: bySide(recordsMs) },
        { label: "TypeScript plain records: added per record, (preview − empty) ÷ N", unit: "ms per record", cells: bySide((a) => (recordsMs(a) - emptyMs) / n) },
        { label: "TypeScript component stack's preview ÷ plain records' preview", unit: "ratio", cells: bySide((a) => previewMs("TypeScript")(a) / recordsMs(a)) },
        {
            label: "TypeScript plain records preview: listings, audit-log pages",
            unit: "count",
            cells: bySide(
                (a) => median(s.records[a].map((p) => p.requests.listings)),
                (a) => `${median(s.records[a].map((p) => p.requests.auditLogPages))} pages`,
            ),
        },
        ...SURFACES.map((surface): Figure => ({ label: `${surface}: first \`up\` (one sample)`, unit: "ms", cells: bySide((a) => s.firstUp[surface][a]) })),
        {
            label: "TypeScript: first `up` with `PULUMI_SKIP_CHECKPOINTS=true` (one sample, another stack)",
            unit: "ms",
            cells: { off: { value: s.firstUpUnsaved }, on: { value: undefined, note: "not run" } },
        },
        { label: "empty TypeScript stack, preview: peak RSS of its largest node process", unit: "MB", cells: both(nodePeak(s.empty), roles(s.empty)) },
        ...SURFACES.flatMap((surface): Figure[] => [
            {
                label: `${surface} preview: peak RSS of its largest node process`,
                unit: "MB",
                cells: bySide((a) => nodePeak(s.previews[surface][a]), (a) => roles(s.previews[surface][a])),
            },
            { label: `${surface} preview: peak RSS of the CLI's process tree`, unit: "MB", cells: bySide((a) => treePeak(s.previews[surface][a])) },
        ]),
    ];

    for (const surface of SURFACES) {
        const limited = (a: Attribution) => s.rateLimited[surface][a];
        const idealMs = (a: Attribution) => {
            const answered = limited(a).map((p) => p.requests);
            return rateLimitIdealMs(median(answered.map((r) => r.listings + r.auditLogPages)), median(answered.map((r) => r.auditLogPages)), RATE_LIMIT, LATENCY_MS);
        };
        const succeeded = (a: Attribution) => limited(a).filter((p) => p.failure === undefined);
        const limit = `${surface} preview at ${RATE_LIMIT.requestsPerSecond} requests/s (burst ${RATE_LIMIT.burst})`;
        result.push(
            { label: `${limit}: requests refused (429)`, unit: "count", cells: bySide((a) => median(limited(a).map((p) => p.requests.refused))) },
            { label: `${limit}: requests answered`, unit: "count", cells: bySide((a) => median(limited(a).map((p) => p.requests.listings + p.requests.auditLogPages))) },
            { label: `${limit}: previews failed (a listing failed), of ${SAMPLES}`, unit: "count", cells: bySide((a) => limited(a).length - succeeded(a).length) },
            {
                label: `${limit}: time ÷ the limit's ideal (previews that succeeded)`,
                unit: "ratio",
                cells: bySide(
                    (a) => (succeeded(a).length === 0 ? undefined : median(succeeded(a).map((p) => p.ms)) / idealMs(a)),
                    (a) => `ideal ${format(idealMs(a), "ms")}`,
                ),
            },
        );
    }
    return result;
}

function printSize(s: SizeSamples, sizeFigures: readonly Figure[]): void {
    const n = s.checkpoints;
    console.log(
        `### ${n.toLocaleString("en")} checkpoints × ${PERMISSIONS_EACH} permissions\n\n` +
            `An audit log of ${(n * PERMISSIONS_EACH).toLocaleString("en")} created events (every checkpoint a candidate), ${LATENCY_MS} ms per request, ` +
            `no rate limit unless said; medians of ${SAMPLES}, the runs alternating.\n`,
    );
    console.log("| | attribution off | attribution on |");
    console.log("| --- | ---: | ---: |");
    for (const figure of sizeFigures) {
        const cell = ({ value, note }: Cell) => `${format(value, figure.unit)}${note ? ` (${note})` : ""}`;
        console.log(`| ${figure.label} | ${cell(figure.cells.off)} | ${cell(figure.cells.on)} |`);
    }
    printProfile(s.profile);
    const list = (values: readonly number[]) => values.map((v) => Math.round(v).toLocaleString("en")).join(", ");
    const lines = [
        `read alone ${list(s.read.map((r) => r.ms))}`,
        `empty ${list(s.empty.map((p) => p.ms))}`,
        ...SURFACES.flatMap((surface) => ATTRIBUTIONS.map((a) => `${surface} ${a} ${list(s.previews[surface][a].map((p) => p.ms))}`)),
        ...ATTRIBUTIONS.map((a) => `plain records ${a} ${list(s.records[a].map((p) => p.ms))}`),
        ...SURFACES.flatMap((surface) => ATTRIBUTIONS.map((a) => `rate-limited ${surface} ${a} ${list(s.rateLimited[surface][a].map((p) => p.ms))}`)),
    ];
    console.log(`\nSamples, ms: ${lines.join("; ")}.`);
    for (const surface of SURFACES) {
        for (const a of ATTRIBUTIONS) {
            for (const failure of new Set(s.rateLimited[surface][a].flatMap((p) => (p.failure === undefined ? [] : [p.failure])))) {
                console.log(`Rate-limited ${surface} preview, attribution ${a}, failed: ${failure}`);
            }
        }
    }
    console.log("");
}

/** Where the TypeScript component stack's program spent a no-change preview (attribution off), by category. */
function printProfile(profile: CpuProfileBreakdown): void {
    console.log(`\nWhere the time goes: one more no-change preview of the TypeScript component stack, attribution off, its program's CPU profile (self time).\n`);
    console.log(`| the program, ${format(profile.totalMs, "ms")} in all | ms | share |`);
    console.log("| --- | ---: | ---: |");
    for (const [name, ms] of profile.byCategory) console.log(`| ${name} | ${format(ms, "ms")} | ${((100 * ms) / profile.totalMs).toFixed(0)}% |`);
}

/**
 * How each figure grows from the smallest size to the largest: the largest's value ÷ the smallest's, and that ÷ the
 * growth in checkpoints (1.00: in proportion to the checkpoints; below, less than that).
 */
function printGrowth(smallest: { n: number; figures: readonly Figure[] }, largest: { n: number; figures: readonly Figure[] }): void {
    const times = largest.n / smallest.n;
    console.log(`### Growth from ${smallest.n.toLocaleString("en")} to ${largest.n.toLocaleString("en")} checkpoints (×${times.toFixed(1)})\n`);
    console.log(`Per checkpoint: the growth ÷ the checkpoints' ×${times.toFixed(1)} (1.00: in proportion to them; below: less).\n`);
    console.log("| | off | growth | per checkpoint | on | growth | per checkpoint |");
    console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    smallest.figures.forEach((figure, i) => {
        const other = largest.figures[i]!;
        const side = (a: Attribution) => {
            const [from, to] = [figure.cells[a].value, other.cells[a].value];
            const growth = from === undefined || to === undefined || from === 0 ? undefined : to / from;
            const [plain, perCheckpoint] = growth === undefined ? ["n/a", "n/a"] : [`×${growth.toFixed(2)}`, (growth / times).toFixed(2)];
            return `${format(from, figure.unit)} → ${format(to, figure.unit)} | ${plain} | ${perCheckpoint}`;
        };
        console.log(`| ${figure.label} | ${side("off")} | ${side("on")} |`);
    });
    console.log("");
}

export default async function run(): Promise<void> {
    const chosen = sizes();
    console.log(`Sizes: ${chosen.join(", ")} checkpoints (${SIZES_VARIABLE}, default ${DEFAULT_SIZES.join(",")}).\n`);
    const results: Array<{ n: number; figures: Figure[] }> = [];
    for (const n of chosen) {
        const started = performance.now();
        const samples = await sampleSize(n);
        const sizeFigures = figures(samples);
        printSize(samples, sizeFigures);
        console.log(`(${n.toLocaleString("en")} checkpoints took ${((performance.now() - started) / 60_000).toFixed(1)} min, stacks brought up included.)\n`);
        results.push({ n, figures: sizeFigures });
    }
    if (results.length > 1) printGrowth(results[0]!, results.at(-1)!);
}
