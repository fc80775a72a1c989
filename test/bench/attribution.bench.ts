/**
 * What attribution (who granted each access, from the audit log) adds to a stack of records, against the same stack
 * without it, in the same run on the real engine (test/bench/fixtures/records): 50 records of 20 permissions each,
 * every permission granted with its audit-log event.
 *
 * - the requests a no-change `pulumi preview` sends: the listings of the checkpoints, and of the audit log (target:
 *   one listing for the whole program run, at most one request per 100 events, not one per record);
 * - its time (medians, the sides alternating);
 * - the state a permission adds with its grantor in the access text.
 *
 * Figures, never assertions.
 */
import path from "node:path";
import { checkpointPermissionsType } from "../../provider/resources/tokens";
import { startEngineStack, type EngineStack } from "../e2e/harness";
import { countRequests } from "./api";
import { median } from "./median";
import { timed } from "./timing";

const FIXTURE = path.join(__dirname, "fixtures", "records");
const RECORDS = 50;
const PERMISSIONS_EACH = 20;
const SAMPLES = 9;
const checkpoints = Array.from({ length: RECORDS }, (_, i) => `ft:gpt-4o-mini-2024-07-18:acme::Bench:ckpt-${i}`);

async function stackOf(name: string, attribution: boolean, sharedWith?: EngineStack): Promise<EngineStack> {
    const stack = await startEngineStack({
        fixture: name,
        programDir: FIXTURE,
        stackName: name,
        emulator: { adminKeyActor: { apiKey: { id: "key_ci", serviceAccount: { id: "svc_ci_pipeline" } } } },
        ...(sharedWith ? { sharedWith } : { seed: { checkpoints: Object.fromEntries(checkpoints.map((c) => [c, { owner_project_id: "proj_owner" }])) } }),
    });
    const settings = ["kind=record", `attribution=${attribution}`, ...checkpoints.map((checkpoint, i) => `checkpoints[${i}]=${checkpoint}`)];
    await stack.pulumi(["config", "set-all", "--stack", name, "--path", ...settings.flatMap((setting) => ["--plaintext", setting])]);
    return stack;
}

/** A no-change preview's time and the requests it sent, by endpoint. */
async function preview(stack: EngineStack): Promise<{ ms: number; permissions: number; auditLog: number }> {
    stack.emulator.clearRequests();
    const ms = await timed(() => stack.preview(["--expect-no-changes"]));
    const { listings, auditLogPages } = countRequests(stack.emulator.requests);
    return { ms, permissions: listings, auditLog: auditLogPages };
}

async function stateBytes(stack: EngineStack): Promise<number> {
    const state = await stack.exportState();
    return (state.deployment.resources ?? []).filter((r) => r.type === checkpointPermissionsType).reduce((sum, r) => sum + JSON.stringify(r).length, 0);
}

export default async function run(): Promise<void> {
    const plain = await stackOf("plain", false);
    const attributed = await stackOf("attributed", true, plain);
    try {
        // Every permission granted as the pipeline would, each with its checkpoint.permission.created event.
        for (const [i, checkpoint] of checkpoints.entries()) {
            for (let j = 0; j < PERMISSIONS_EACH; j++) plain.emulator.grant(checkpoint, `proj_${i}_${j}`, { actor: { apiKey: { id: "key_ci", serviceAccount: { id: "svc_ci_pipeline" } } } });
        }
        await plain.up();
        await attributed.up();
        const samples: Record<"plain" | "attributed", Array<Awaited<ReturnType<typeof preview>>>> = { plain: [], attributed: [] };
        for (let i = 0; i < SAMPLES; i++) {
            for (const side of i % 2 === 0 ? (["plain", "attributed"] as const) : (["attributed", "plain"] as const)) {
                samples[side].push(await preview(side === "plain" ? plain : attributed));
            }
        }
        const events = RECORDS * PERMISSIONS_EACH;
        const row = (label: string, side: keyof typeof samples) => {
            const s = samples[side];
            return `| ${label} | ${median(s.map((x) => x.ms)).toFixed(0)} ms | ${median(s.map((x) => x.permissions))} | ${median(s.map((x) => x.auditLog))} |`;
        };
        console.log(`| ${RECORDS} records of ${PERMISSIONS_EACH} permissions (${events} audit-log events), no-change preview, ${SAMPLES} samples | median time | permission listings | audit-log requests |`);
        console.log("| --- | ---: | ---: | ---: |");
        console.log(row("without attribution", "plain"));
        console.log(row("with attribution", "attributed"));
        const ratio = median(samples.attributed.map((x) => x.ms)) / median(samples.plain.map((x) => x.ms));
        console.log("");
        console.log(`Time ratio with/without: ${ratio.toFixed(2)}. Target: one audit-log listing for the run, at most one request per 100 events (${Math.ceil(events / 100)} here), not one per record.`);
        const [withBytes, withoutBytes] = [await stateBytes(attributed), await stateBytes(plain)];
        console.log(`State: ${((withBytes - withoutBytes) / events).toFixed(1)} bytes more per permission with its grantor in the access text (\`pulumi stack export\`, compact JSON).`);
    } finally {
        await attributed.dispose().catch(() => undefined);
        await plain.dispose().catch(() => undefined);
    }
}
