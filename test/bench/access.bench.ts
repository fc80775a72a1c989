/**
 * What a `CheckpointAccess` of 1,000 projects costs a no-change `pulumi preview`, beside a `CheckpointPermissions`
 * record of a 1,000-permission checkpoint, in the same run on the real engine (test/bench/fixtures/access): each
 * preview reads its checkpoint's listing live (10 pages over loopback), the access's check also plans, and the
 * record's program reads it and the engine diffs its access text. Then the preview's diff after one grant made
 * outside Pulumi: the lines it prints for the access (the target: one).
 *
 * The sides alternate within each sample; medians. Figures, never assertions: no test depends on speed.
 */
import path from "node:path";
import type { EmulatorSeed } from "../../provider/emulator";
import { checkpointAccessType } from "../../provider/resources/tokens";
import { startEngineStack, type EngineStack } from "../e2e/harness";
import { projectId } from "./api";
import { median } from "./median";
import { timed } from "./timing";

const FIXTURE = path.join(__dirname, "fixtures", "access");
const SIZE = 1_000;
const SAMPLES = 9;
const ACCESS = "ft:gpt-4o-mini-2024-07-18:acme::Bench:ckpt-access";
const RECORD = "ft:gpt-4o-mini-2024-07-18:acme::Bench:ckpt-record";

const accessProjects = Array.from({ length: SIZE }, (_, i) => projectId(i));

function seed(): EmulatorSeed {
    const permissions = (offset: number) => Array.from({ length: SIZE }, (_, i) => ({ project_id: projectId(offset + i), created_at: 1_700_000_000 }));
    return { checkpoints: { [ACCESS]: { owner_project_id: "proj_owner", permissions: permissions(0) }, [RECORD]: { owner_project_id: "proj_owner", permissions: permissions(100_000) } } };
}

async function stackOf(name: string, settings: string[], sharedWith?: EngineStack): Promise<EngineStack> {
    const stack = await startEngineStack({ fixture: name, programDir: FIXTURE, stackName: name, ...(sharedWith ? { sharedWith } : { seed: seed() }) });
    await stack.pulumi(["config", "set-all", "--stack", name, "--path", ...settings.flatMap((setting) => ["--plaintext", setting])]);
    return stack;
}

/** The lines `pulumi preview --diff` prints for the access's update, from its header to the next resource. */
function accessDiff(stdout: string): string[] {
    const lines = stdout.split("\n");
    const start = lines.findIndex((line) => line.includes(`${checkpointAccessType}: (update)`));
    if (start < 0) return [];
    const end = lines.findIndex((line, i) => i > start && /^\s*(--outputs:--|[~+-]*\s*pulumi[-:]|Resources:)/.test(line));
    return lines.slice(start + 1, end < 0 ? undefined : end).filter((line) => line.trim() !== "" && !/^\s*\[(?:id|urn)=/.test(line));
}

export default async function run(): Promise<void> {
    const stacks: EngineStack[] = [];
    try {
        const access = await stackOf("access", ["kind=access", `checkpoint=${ACCESS}`, ...accessProjects.map((p, i) => `projects[${i}]=${p}`)]);
        stacks.push(access);
        const record = await stackOf("record", ["kind=record", `checkpoint=${RECORD}`], access);
        stacks.push(record);
        for (const stack of stacks) await stack.up();

        const times: [number[], number[]] = [[], []];
        for (let i = 0; i < SAMPLES; i++) {
            for (const side of i % 2 === 0 ? [0, 1] : [1, 0]) {
                times[side]!.push(await timed(() => (side === 0 ? access : record).preview(["--expect-no-changes"])));
            }
        }
        const [accessMs, recordMs] = [median(times[0]), median(times[1])];
        console.log(`| no-change preview (${SAMPLES} samples, medians) | ms |`);
        console.log("|---|---|");
        console.log(`| CheckpointAccess of ${SIZE} projects | ${accessMs.toFixed(0)} |`);
        console.log(`| CheckpointPermissions record of ${SIZE} permissions | ${recordMs.toFixed(0)} |`);
        console.log(`| ratio access ÷ record (target ≤ 1.2) | ${(accessMs / recordMs).toFixed(2)} |`);

        const outside = access.emulator.grant(ACCESS, "proj_outside");
        const lines = accessDiff((await access.preview(["--diff"])).stdout);
        console.log(`\nThe access's preview diff after one grant outside Pulumi (${outside.id}): ${lines.length} lines`);
        for (const line of lines) console.log(`    ${line}`);
    } finally {
        for (const stack of stacks.reverse()) await stack.dispose();
    }
}
