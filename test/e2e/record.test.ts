/**
 * The `CheckpointPermissions` record on the real engine, with examples/checkpoint-access as the program:
 * - the preview diff of a big checkpoint names the project added, removed or granted again, as lines of the
 *   record's access text marked `+` and `-`, with the two lines around them and nothing else;
 * - a stack whose grants leave the program converges in one `up` (`--expect-no-changes` passes right after);
 * - with attribution, the record names who granted each access, and the drift who shared a project.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorSeed } from "../../provider/emulator";
import { decodeAccess } from "../../provider/resources/access-text";
import { checkpointPermissionGrantType, checkpointPermissionsType } from "../../provider/resources/tokens";
import { REPO_ROOT } from "../../tools/engine/engine";
import { startEngineStack, type EngineStack, type EngineStackOptions, type StackExport } from "./harness";

const BIG = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-1000";
const SMALL = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const bigProject = (i: number) => `proj_${String(i).padStart(4, "0")}`;
const seed: EmulatorSeed = {
    checkpoints: {
        [BIG]: { owner_project_id: "proj_owner", permissions: Array.from({ length: 1_000 }, (_, i) => ({ project_id: bigProject(i) })) },
        // Granted long before audit logging: no event to wait for (one granted within minutes would be waited for).
        [SMALL]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_eval", created_at: 1_700_000_000 }, { project_id: "proj_research", created_at: 1_700_000_000 }] },
    },
};

/** The repository's root stack (examples/checkpoint-access), recording `checkpoints` and granting `grants`. */
async function checkpointAccess(checkpoints: string[], grants: Record<string, string[]> = {}): Promise<EngineStack> {
    const stack = await startEngineStack({ fixture: "record", programDir: REPO_ROOT, seed });
    for (const [i, checkpoint] of checkpoints.entries()) await setPath(stack, `checkpoints[${i}]`, checkpoint);
    for (const [checkpoint, projects] of Object.entries(grants)) {
        for (const [i, projectId] of projects.entries()) await setPath(stack, `grants["${checkpoint}"][${i}]`, projectId);
    }
    return stack;
}

async function setPath(stack: EngineStack, key: string, value: string): Promise<void> {
    await stack.pulumi(["config", "set", "--stack", stack.stackName, "--path", key, value]);
}

/**
 * The lines `pulumi preview --diff` prints for the record's update, from its header to the next resource or the
 * stack's outputs, without the `[id=…]`/`[urn=…]` lines, and with the padding that aligns the colons squeezed out.
 */
function recordDiff(stdout: string): string[] {
    const lines = stdout.split("\n");
    const start = lines.findIndex((line) => line.includes(`${checkpointPermissionsType}: (update)`));
    if (start < 0) throw new Error(`no record update in:\n${stdout}`);
    const end = lines.findIndex((line, i) => i > start && /^\s*(--outputs:--|[~+-]*\s*pulumi[-:]|Resources:)/.test(line));
    return lines
        .slice(start, end < 0 ? undefined : end)
        .map((line) => line.trim().replace(/\s+:/g, ":").replace(/\s+/g, " "))
        .filter((line) => line !== "" && !/^\[(?:id|urn|provider)=/.test(line));
}

function recordsIn(state: StackExport) {
    return state.deployment.resources?.filter((r) => r.type === checkpointPermissionsType) ?? [];
}

describe("the preview diff of a 1,000-permission checkpoint", () => {
    let stack: EngineStack;
    const permissionOf = (projectId: string) => stack.emulator.permissions(BIG).find((p) => p.project_id === projectId)!;
    /** An unchanged line of the record's access text, as the diff shows it around a change. */
    const line = (i: number) => `${bigProject(i)} ${permissionOf(bigProject(i)).id}`;

    beforeAll(async () => {
        stack = await checkpointAccess([BIG]);
        await stack.up();
        await stack.preview(["--expect-no-changes"]);
    });
    afterAll(async () => {
        await stack?.dispose();
    });

    it("names the one project added outside Pulumi, in a handful of lines", async () => {
        const granted = stack.emulator.grant(BIG, "proj_contractor");
        const { stdout } = await stack.preview(["--diff"]);
        // The line added, after the two lines before it (the projects sort after proj_0999).
        expect(recordDiff(stdout)).toEqual([`~ ${checkpointPermissionsType}: (update)`, "~ access:", "...", line(998), line(999), `+ proj_contractor ${granted.id}`]);
        expect(stdout).toMatch(/~ 1 to update/);
        const failed = await stack.preview(["--expect-no-changes"], { expectFailure: true });
        expect(failed.stdout + failed.stderr).toMatch(/no changes were expected/i);
        await stack.up();
        await stack.preview(["--expect-no-changes"]);
    });

    it("names the one project removed outside Pulumi", async () => {
        const revoked = permissionOf(bigProject(500));
        stack.emulator.revoke(BIG, revoked.id);
        const { stdout } = await stack.preview(["--diff"]);
        expect(recordDiff(stdout)).toEqual([
            `~ ${checkpointPermissionsType}: (update)`,
            "~ access:",
            "...",
            line(498),
            line(499),
            `- ${bigProject(500)} ${revoked.id}`,
            line(501),
            line(502),
            "...",
        ]);
        await stack.up();
    });

    it("names a project granted again, with its old and new permission ids", async () => {
        const before = permissionOf(bigProject(7));
        stack.emulator.revoke(BIG, before.id);
        const after = stack.emulator.grant(BIG, bigProject(7));
        const { stdout } = await stack.preview(["--diff"]);
        expect(recordDiff(stdout)).toEqual([
            `~ ${checkpointPermissionsType}: (update)`,
            "~ access:",
            "...",
            line(5),
            line(6),
            `- ${bigProject(7)} ${before.id}`,
            `+ ${bigProject(7)} ${after.id}`,
            line(8),
            line(9),
            "...",
        ]);
        await stack.up();
        await stack.preview(["--expect-no-changes"]);
    });
});

describe("a stack whose grants leave the program", () => {
    let stack: EngineStack;
    const live = () => stack.emulator.permissions(SMALL).map((p) => p.project_id).sort();
    const recordedProjects = async () => Object.keys(decodeAccess(recordsIn(await stack.exportState())[0]?.inputs?.["access"])).sort();

    beforeAll(async () => {
        stack = await checkpointAccess([SMALL], { [SMALL]: ["proj_a", "proj_b"] });
        await stack.up();
        await stack.preview(["--expect-no-changes"]);
    });
    afterAll(async () => {
        await stack?.dispose();
    });

    it("converges in one up when a grant is removed: the record leaves out what the up revokes", async () => {
        await stack.pulumi(["config", "rm", "--stack", stack.stackName, "--path", `grants["${SMALL}"][1]`]);
        const lineOf = (projectId: string) => `${projectId} ${stack.emulator.permissions(SMALL).find((p) => p.project_id === projectId)!.id}`;
        const revoked = stack.emulator.permissions(SMALL).find((p) => p.project_id === "proj_b")!;
        const { stdout } = await stack.preview(["--diff"]);
        expect(stdout).toMatch(new RegExp(`- ${checkpointPermissionGrantType}: \\(delete\\)`));
        expect(recordDiff(stdout)).toEqual([
            `~ ${checkpointPermissionsType}: (update)`,
            "~ access:",
            lineOf("proj_a"),
            `- ${lineOf("proj_b")}`,
            lineOf("proj_eval"),
            lineOf("proj_research"),
            "~ managedProjects: [",
            '- [1]: "proj_b"',
            "]",
            "~ revoking: {",
            `+ proj_b: "${revoked.id}"`,
            "}",
        ]);
        await stack.up();
        expect(live()).toEqual(["proj_a", "proj_eval", "proj_research"]);
        expect(await recordedProjects()).toEqual(["proj_a", "proj_eval", "proj_research"]);
        // The outputs the program derives from the record leave it out too.
        expect((await stack.outputs())["projectsByCheckpoint"]).toEqual({ [SMALL]: ["proj_a", "proj_eval", "proj_research"] });
        const after = await stack.preview(["--expect-no-changes", "--diff"]);
        expect(after.stdout).not.toMatch(/projectsByCheckpoint/);
    });

    it("converges in one up when a grant moves to another project (a replace)", async () => {
        await setPath(stack, `grants["${SMALL}"][0]`, "proj_c");
        await stack.up();
        expect(live()).toEqual(["proj_c", "proj_eval", "proj_research"]);
        expect(await recordedProjects()).toEqual(["proj_c", "proj_eval", "proj_research"]);
        expect((await stack.outputs())["projectsByCheckpoint"]).toEqual({ [SMALL]: ["proj_c", "proj_eval", "proj_research"] });
        await stack.preview(["--expect-no-changes"]);
    });

    it("still shows access revoked outside Pulumi as drift", async () => {
        const outside = stack.emulator.permissions(SMALL).find((p) => p.project_id === "proj_eval")!;
        stack.emulator.revoke(SMALL, outside.id);
        const { stdout } = await stack.preview(["--diff"]);
        expect(recordDiff(stdout)).toContain(`- proj_eval ${outside.id}`);
    });
});

/**
 * The repository's stack recording SMALL with attribution and granting proj_a, its key the CI pipeline's service
 * account, on an emulator with `emulator`'s clock and audit-log delay.
 */
async function attributedStack(emulator: Pick<NonNullable<EngineStackOptions["emulator"]>, "now" | "auditLogDelaySeconds"> = {}): Promise<EngineStack> {
    const stack = await startEngineStack({
        fixture: "record",
        programDir: REPO_ROOT,
        seed,
        emulator: { adminKeyActor: { apiKey: { id: "key_ci", serviceAccount: { id: "svc_ci_pipeline" } } }, ...emulator },
    });
    await setPath(stack, "checkpoints[0]", SMALL);
    await setPath(stack, `grants["${SMALL}"][0]`, "proj_a");
    await stack.pulumi(["config", "set", "--stack", stack.stackName, "attribution", "true"]);
    return stack;
}

describe("a stack that records who granted each access (attribution)", () => {
    let stack: EngineStack;

    beforeAll(async () => {
        stack = await attributedStack();
        await stack.up();
        await stack.preview(["--expect-no-changes"]);
    });
    afterAll(async () => {
        await stack?.dispose();
    });

    it("names the pipeline's key for the stack's grant, and the dashboard user for a project shared outside Pulumi", async () => {
        const granted = stack.emulator.permissions(SMALL).find((p) => p.project_id === "proj_a")!;
        const [record] = recordsIn(await stack.exportState());
        expect(String(record?.inputs?.["access"])).toContain(`proj_a ${granted.id} by svc_ci_pipeline (service account key key_ci)\n`);
        const intruder = stack.emulator.grant(SMALL, "proj_intruder", { actor: { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } } });
        const { stdout } = await stack.preview(["--diff"]);
        expect(recordDiff(stdout)).toContain(`+ proj_intruder ${intruder.id} by mallory@acme.com (dashboard)`);
        expect(stdout).not.toContain("203.0.113.7");
    });
});

describe("attribution robust to time: the stack's own grant, its event late in a log whose clock runs ahead", () => {
    let stack: EngineStack;

    beforeAll(async () => {
        // The API's clock 4 minutes ahead of this machine's, and each event listed 3 seconds after the change.
        stack = await attributedStack({ now: () => Math.floor(Date.now() / 1000) + 240, auditLogDelaySeconds: 3 });
    });
    afterAll(async () => {
        await stack?.dispose();
    });

    it("names the grantor once the event appears, never records unknown for it, and the next preview has no change", async () => {
        await stack.up();
        const granted = stack.emulator.permissions(SMALL).find((p) => p.project_id === "proj_a")!;
        const [record] = recordsIn(await stack.exportState());
        expect(String(record?.inputs?.["access"])).toContain(`proj_a ${granted.id} by svc_ci_pipeline (service account key key_ci)\n`);
        await stack.preview(["--expect-no-changes"]);
        await stack.refresh();
        await stack.preview(["--expect-no-changes"]);
    });
});

describe("a stack that asks for attribution in an organization whose audit logging is off", () => {
    let stack: EngineStack;

    beforeAll(async () => {
        stack = await startEngineStack({ fixture: "record", programDir: REPO_ROOT, seed, emulator: { auditLogging: false } });
        await setPath(stack, "checkpoints[0]", SMALL);
        await setPath(stack, "checkpoints[1]", BIG);
        await stack.pulumi(["config", "set", "--stack", stack.stackName, "attribution", "true"]);
    });
    afterAll(async () => {
        await stack?.dispose();
    });

    it("previews and ups, says once that attribution is unavailable, and records every grantor as unknown", async () => {
        const { stdout } = await stack.preview();
        // One warning, for both records: the engine lists it once under Diagnostics.
        const diagnostics = stdout.slice(stdout.indexOf("Diagnostics:"));
        expect(diagnostics.match(/Attribution is unavailable: the organization's audit logging is off/g)).toHaveLength(1);
        await stack.up();
        const [record] = recordsIn(await stack.exportState()).filter((r) => r.inputs?.["checkpoint"] === SMALL);
        expect(String(record?.inputs?.["access"]).trim().split("\n")).toEqual([expect.stringMatching(/^proj_eval cp_\w+ by unknown$/), expect.stringMatching(/^proj_research cp_\w+ by unknown$/)]);
    });
});
