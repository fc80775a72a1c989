/**
 * What a `CheckpointPermissions` record costs the engine, against a baseline of trivial dynamic resources (a
 * provider that only creates, one input), in the same run on the real engine (test/bench/fixtures/records):
 *
 * - a no-change `pulumi preview` of 10 and of 50 records of 20 permissions against as many trivial resources: the
 *   time added per record, as the average over 50 and as the slope from 10 to 50 (what one more record adds, without
 *   what any stack of records pays once);
 * - a no-change `pulumi preview` of one record of 10,000 permissions against one trivial resource (the program's
 *   listing of 10,000 permissions over loopback included), and of one trivial resource given the record's access
 *   text of 10,000 lines (the part of the cost that is the engine's and the dynamic provider protocol's alone),
 *   then an object of 10,000 keys instead (why the access is text);
 * - a first `pulumi up` of 10 and of 50 records against as many trivial resources (each sample on an empty stack);
 * - the state a permission adds (a record of 1,000 permissions against one of none, ids shaped like OpenAI's),
 *   in `pulumi stack export` as compact JSON and in the backend's file as the engine writes it; and `__provider`.
 *
 * The sides alternate within each sample; medians. Engine runs are slow on 2 cores, so samples are few (they are
 * printed). Figures, never assertions: no test depends on speed.
 */
import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { EmulatorSeed } from "../../provider/emulator";
import { checkpointPermissionsType } from "../../provider/resources/tokens";
import { startEngineStack, type EngineStack } from "../e2e/harness";
import { projectId } from "./api";
import { median } from "./median";
import { timed } from "./timing";

const FIXTURE = path.join(__dirname, "fixtures", "records");
const FEW = 10;
const RECORDS = 50;
const PERMISSIONS_EACH = 20;
const BIG = 10_000;
const SIZED = 1_000;
const PREVIEW_SAMPLES = 15;
const UP_SAMPLES = 7;

const small = Array.from({ length: RECORDS }, (_, i) => `ft:gpt-4o-mini-2024-07-18:acme::Bench:ckpt-${i}`);
const big = "ft:gpt-4o-mini-2024-07-18:acme::Bench:ckpt-big";
const sized = "ft:gpt-4o-mini-2024-07-18:acme::Bench:ckpt-sized";
const empty = "ft:gpt-4o-mini-2024-07-18:acme::Bench:ckpt-empty";


function seed(): EmulatorSeed {
    const permissions = (count: number, offset: number) => Array.from({ length: count }, (_, i) => ({ project_id: projectId(offset + i) }));
    const checkpoints: EmulatorSeed["checkpoints"] = {};
    small.forEach((checkpoint, i) => (checkpoints[checkpoint] = { owner_project_id: "proj_owner", permissions: permissions(PERMISSIONS_EACH, i * PERMISSIONS_EACH) }));
    checkpoints[big] = { owner_project_id: "proj_owner", permissions: permissions(BIG, 100_000) };
    checkpoints[sized] = { owner_project_id: "proj_owner", permissions: permissions(SIZED, 200_000) };
    checkpoints[empty] = { owner_project_id: "proj_owner" };
    return { checkpoints };
}

/** A stack of the fixture; the first one starts the emulator (with the seed), the others share it and its backend. */
async function stackOf(name: string, kind: "record" | "trivial", checkpoints: readonly string[], sharedWith?: EngineStack, keys = 0, shape: "object" | "text" = "object"): Promise<EngineStack> {
    const stack = await startEngineStack({ fixture: name, programDir: FIXTURE, stackName: name, ...(sharedWith ? { sharedWith } : { seed: seed() }) });
    const settings = [`kind=${kind}`, `keys=${keys}`, `shape=${shape}`, ...checkpoints.map((checkpoint, i) => `checkpoints[${i}]=${checkpoint}`)];
    await stack.pulumi(["config", "set-all", "--stack", name, "--path", ...settings.flatMap((setting) => ["--plaintext", setting])]);
    return stack;
}

interface Comparison {
    readonly what: string;
    readonly samples: number;
    /** Medians, in ms: the record stack and the baseline stack, with `count` resources each. */
    readonly record: number;
    readonly baseline: number;
    readonly count: number;
    readonly target: string;
    /** The same with fewer resources, for the slope. */
    readonly fewer?: { readonly record: number; readonly baseline: number; readonly count: number };
}

/** Times both sides alternately, `samples` times, the order flipping each sample. */
async function compare(samples: number, record: () => Promise<unknown>, baseline: () => Promise<unknown>, before?: () => Promise<void>): Promise<[number, number]> {
    const times: [number[], number[]] = [[], []];
    for (let i = 0; i < samples; i++) {
        const order = i % 2 === 0 ? [0, 1] : [1, 0];
        for (const side of order) {
            await before?.();
            times[side]!.push(await timed(side === 0 ? record : baseline));
        }
    }
    return [median(times[0]), median(times[1])];
}

/** The stack's one record in `pulumi stack export`: its bytes as compact JSON, and its `__provider`'s as a JSON string. */
async function exportedRecord(stack: EngineStack): Promise<{ bytes: number; provider: number }> {
    const state = await stack.exportState();
    const record = state.deployment.resources?.find((resource) => resource.type === checkpointPermissionsType);
    if (!record) throw new Error(`no record in ${stack.stackName}`);
    return { bytes: JSON.stringify(record).length, provider: JSON.stringify(record.inputs?.["__provider"] ?? "").length };
}

/** The backend's state file of the stack, as the engine writes it. */
async function stateFileBytes(stack: EngineStack): Promise<number> {
    const files = await readdir(stack.backendDir, { recursive: true });
    const mine = files.filter((file) => file.endsWith(`${stack.stackName}.json`) && !file.includes(".history") && !file.includes("backups"));
    if (mine.length !== 1) throw new Error(`expected one state file for ${stack.stackName}, found ${mine.join(", ")}`);
    return (await stat(path.join(stack.backendDir, mine[0]!))).size;
}

export default async function run(): Promise<void> {
    const stacks: EngineStack[] = [];
    const open = async (...args: Parameters<typeof stackOf>) => {
        const stack = await stackOf(...args);
        stacks.push(stack);
        return stack;
    };
    const rows: Comparison[] = [];
    try {
        const records = await open("records", "record", small);
        const trivial = await open("trivial", "trivial", small, records);
        const fewRecords = await open("few-records", "record", small.slice(0, FEW), records);
        const fewTrivial = await open("few-trivial", "trivial", small.slice(0, FEW), records);
        const bigRecord = await open("big-record", "record", [big], records);
        const bigTrivial = await open("big-trivial", "trivial", [big], records);
        const bigObject = await open("big-object", "trivial", [big], records, BIG, "object");
        const bigText = await open("big-text", "trivial", [big], records, BIG, "text");
        const sizedRecord = await open("sized-record", "record", [sized], records);
        const emptyRecord = await open("empty-record", "record", [empty], records);
        for (const stack of stacks) await stack.up();

        const preview = (stack: EngineStack) => () => stack.preview(["--expect-no-changes"]);
        const [fewPreview, fewTrivialPreview] = await compare(PREVIEW_SAMPLES, preview(fewRecords), preview(fewTrivial));
        const [recordPreview, trivialPreview] = await compare(PREVIEW_SAMPLES, preview(records), preview(trivial));
        rows.push({
            what: `no-change preview, records of ${PERMISSIONS_EACH} permissions`,
            samples: PREVIEW_SAMPLES,
            record: recordPreview,
            baseline: trivialPreview,
            count: RECORDS,
            fewer: { record: fewPreview, baseline: fewTrivialPreview, count: FEW },
            target: "≤ 3 ms per record",
        });

        const [bigPreview, oneTrivialPreview] = await compare(PREVIEW_SAMPLES, preview(bigRecord), preview(bigTrivial));
        rows.push({ what: `no-change preview, 1 record of ${BIG.toLocaleString("en")} permissions`, samples: PREVIEW_SAMPLES, record: bigPreview, baseline: oneTrivialPreview, count: 1, target: "≤ 500 ms" });
        const [textPreview, trivialAgain] = await compare(PREVIEW_SAMPLES, preview(bigText), preview(bigTrivial));
        rows.push({ what: `no-change preview, 1 trivial resource with an access text of ${BIG.toLocaleString("en")} lines (no listing, no check)`, samples: PREVIEW_SAMPLES, record: textPreview, baseline: trivialAgain, count: 1, target: "the protocol's share" });
        const [objectPreview, trivialOnceMore] = await compare(PREVIEW_SAMPLES, preview(bigObject), preview(bigTrivial));
        rows.push({ what: `the same with an object of ${BIG.toLocaleString("en")} keys instead (the record's earlier shape)`, samples: PREVIEW_SAMPLES, record: objectPreview, baseline: trivialOnceMore, count: 1, target: "why the access is text" });

        // A first up: each sample starts from empty stacks.
        const firstUp = (record: EngineStack, baseline: EngineStack) =>
            compare(
                UP_SAMPLES,
                () => record.up(),
                () => baseline.up(),
                async () => {
                    await record.destroy();
                    await baseline.destroy();
                },
            );
        const [fewUp, fewTrivialUp] = await firstUp(fewRecords, fewTrivial);
        const [recordUp, trivialUp] = await firstUp(records, trivial);
        rows.push({
            what: "first up, records",
            samples: UP_SAMPLES,
            record: recordUp,
            baseline: trivialUp,
            count: RECORDS,
            fewer: { record: fewUp, baseline: fewTrivialUp, count: FEW },
            target: "≤ 10 ms per record",
        });

        console.log("| measured (baseline: as many trivial dynamic resources) | samples | records | baseline | ratio | added per record | slope per record | target |");
        console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        for (const row of rows) {
            const added = (row.record - row.baseline) / row.count;
            const slope = row.fewer
                ? `${((row.record - row.baseline - (row.fewer.record - row.fewer.baseline)) / (row.count - row.fewer.count)).toFixed(1)} ms (${row.fewer.count} → ${row.count})`
                : "";
            const few = row.fewer ? ` (${row.fewer.count}: ${row.fewer.record.toFixed(0)} / ${row.fewer.baseline.toFixed(0)} ms)` : "";
            console.log(
                `| ${row.what}, ${row.count} of them${few} | ${row.samples} | ${row.record.toFixed(0)} ms | ${row.baseline.toFixed(0)} ms | ` +
                    `${(row.record / row.baseline).toFixed(2)} | ${added.toFixed(1)} ms | ${slope} | ${row.target} |`,
            );
        }

        const [withPermissions, without] = [await exportedRecord(sizedRecord), await exportedRecord(emptyRecord)];
        const [fileWith, fileWithout] = [await stateFileBytes(sizedRecord), await stateFileBytes(emptyRecord)];
        const ids = JSON.stringify(`${projectId(0)} cp_${"x".repeat(24)}\n`).length - 2; // `proj_… cp_…\n` in a JSON string
        console.log("");
        console.log(`| state of a record, ${SIZED.toLocaleString("en")} permissions against none | bytes per permission | target |`);
        console.log("| --- | ---: | --- |");
        console.log(`| \`pulumi stack export\`, compact JSON | ${((withPermissions.bytes - without.bytes) / SIZED).toFixed(1)} | ≤ 120 (the text as input and as output) |`);
        console.log(`| the backend's state file, as the engine writes it (indented) | ${((fileWith - fileWithout) / SIZED).toFixed(1)} | |`);
        console.log(`| the ids themselves, \`proj_…(24) cp_…(24)\\n\`, kept as inputs (the outputs keep their SHA-256) | ${ids} | |`);
        console.log("");
        console.log(`\`__provider\`: ${withPermissions.provider} bytes as a JSON string (target ≤ 1.2 KB), in the inputs and again in the outputs.`);
    } finally {
        // The first stack owns the emulator and the backend: it goes last.
        for (const stack of [...stacks].reverse()) await stack.dispose().catch(() => undefined);
    }
}
