/**
 * `npm run demo`: the package at work in a few minutes, on this machine only.
 *
 * With no OPENAI_ADMIN_KEY it starts the bundled emulator, seeded with a believable organization (named projects, an
 * audit log in which the CI pipeline's service account and a dashboard user granted access, some access older than
 * the log), and runs the repository's stack (Pulumi.yaml → examples/checkpoint-access) with `attribution: true` on a
 * local backend, its admin key acting as the pipeline: preview and up under the policy pack, a table of who may use
 * each checkpoint and who granted it, then a grant made in the dashboard by someone else, the drift diff naming her
 * and the policy violations that follow, and a clean-up. With OPENAI_ADMIN_KEY it reads that organization instead
 * (OPENAI_BASE_URL, default the real API), the checkpoints it shares (or those OPENAI_CHECKPOINTS lists, comma-separated):
 * read-only, nothing is granted or revoked; the records go to a throw-away local backend.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { CheckpointPermissionsClient } from "../../provider/client";
import { startEmulator, type EmulatorActor, type EmulatorSeed, type RunningEmulator } from "../../provider/emulator";
import { checkpointPermissionsType, recordOf } from "../../provider/policy";
import { UNKNOWN_GRANTOR } from "../../provider/resources/attribution";
import { checkSharedCheckpointsQuery, readSharedCheckpoints } from "../../provider/resources/discovery";
import { findEngine, REPO_ROOT } from "../engine/engine";
import { createWorkspace, type Workspace } from "../engine/workspace";
import { diffBlock, planLines, policyFindings } from "./preview-text";
import { projectLabel, renderAccessTable, withProjectNames, type ProjectNames, type TableAccess } from "./table";

const STACK = "demo";
const DEMO_SEED = path.join(REPO_ROOT, "provider", "emulator", "demo-seed.json");
/** A contractor's project, outside the company: the demo's policy forbids it access to any checkpoint. */
const CONTRACTOR = "proj_ExternalContractor9x2Q";
/** A project of the seeded organization that the demo stack shares one more checkpoint with. */
const RESEARCH = "proj_Bd0Kh8oOOL8dKLzdocJ2isAj";
/** Who shares a checkpoint with the contractor "outside Pulumi": someone in the dashboard, as the audit log names her. */
const OUTSIDE_GRANTOR = { session: { email: "mallory@acme-corp.com", ipAddress: "203.0.113.66" } } satisfies EmulatorActor;

/**
 * The demo's policy: nobody outside the company gets at the models; no checkpoint is shared with more than 3
 * projects; and, against the emulator, whose organization the demo knows, every share goes through the pipeline
 * (its service account), access older than the audit log aside.
 */
function policyConfig(pipeline: string | undefined): Record<string, object> {
    return {
        "checkpoint-forbidden-projects": { forbiddenProjects: [CONTRACTOR] },
        "checkpoint-max-projects": { maxProjects: 3 },
        ...(pipeline === undefined ? {} : { "checkpoint-allowed-grantors": { allowedGrantors: [pipeline], allowUnknown: true } }),
    };
}

function step(text: string): void {
    console.log(`\n▶ ${text}`);
}

function show(lines: string[]): void {
    for (const line of lines) console.log(`    ${line}`);
}

interface Target {
    baseUrl: string;
    adminKey: string;
    checkpoints: string[];
    /** Access the stack manages (`grants` config): in the emulator, every seeded grant plus one new one. */
    grants: Record<string, string[]>;
    /** The emulator, when the demo runs against it. */
    emulator?: RunningEmulator;
    /** The service account the admin key belongs to, when the demo knows it (the emulator's seed says). */
    pipeline?: string;
    /** The checkpoint the stack shares with the research project, in the emulator. */
    newGrant?: string;
}

async function target(): Promise<Target> {
    const adminKey = process.env["OPENAI_ADMIN_KEY"];
    if (adminKey) {
        const baseUrl = process.env["OPENAI_BASE_URL"] ?? "https://api.openai.com/v1";
        const named = (process.env["OPENAI_CHECKPOINTS"] ?? "").split(",").map((c) => c.trim()).filter(Boolean);
        const checkpoints = named.length > 0 ? named : await sharedCheckpoints(adminKey, baseUrl);
        step(`OPENAI_ADMIN_KEY is set: reading ${checkpoints.length} checkpoint(s) of the organization at ${baseUrl}, read-only (nothing is granted or revoked)`);
        return { adminKey, baseUrl, checkpoints, grants: {} };
    }
    const seed = JSON.parse(await readFile(DEMO_SEED, "utf8")) as EmulatorSeed;
    const emulator = await startEmulator({ seed });
    const checkpoints = Object.keys(seed.checkpoints);
    step(`No OPENAI_ADMIN_KEY: started the bundled emulator at ${emulator.baseUrl}, seeded with ${checkpoints.length} checkpoints (${DEMO_SEED})`);
    // The stack takes over (adopts) the access that exists, and shares one more checkpoint with the research project.
    const grants = Object.fromEntries(Object.entries(seed.checkpoints).map(([checkpoint, c]) => [checkpoint, (c.permissions ?? []).map((p) => p.project_id)]));
    const newGrant = checkpoints.at(-1)!;
    grants[newGrant] = [...(grants[newGrant] ?? []), RESEARCH];
    const pipeline = serviceAccountOf(seed.organization?.admin_key_actor);
    return { adminKey: emulator.adminKey, baseUrl: emulator.baseUrl, checkpoints, grants, emulator, newGrant, ...(pipeline === undefined ? {} : { pipeline }) };
}

/** Every checkpoint the organization shares, as `getSharedCheckpoints` finds them, when none are named. */
async function sharedCheckpoints(adminKey: string, baseUrl: string): Promise<string[]> {
    step(`OPENAI_CHECKPOINTS is not set: finding every checkpoint the organization shares, from its audit log (getSharedCheckpoints)`);
    const client = new CheckpointPermissionsClient({ adminKey, baseUrl });
    const { checkpointIds } = await readSharedCheckpoints(client, checkSharedCheckpointsQuery({}), (level, message) => {
        if (level === "warn") show([message]);
    });
    if (checkpointIds.length === 0) {
        throw new Error("The organization's audit log names no checkpoint shared now: name the checkpoints to read in OPENAI_CHECKPOINTS (comma-separated).");
    }
    return checkpointIds;
}

/** The service account id of an admin key's actor as a seed gives it (`{api_key: {service_account: {id}}}`). */
function serviceAccountOf(actor: Record<string, unknown> | undefined): string | undefined {
    const key = actor?.["api_key"] as { service_account?: { id?: unknown } } | undefined;
    return typeof key?.service_account?.id === "string" ? key.service_account.id : undefined;
}

/** Each project's name, by id (archived projects too); none, with a note, when the key cannot list projects. */
async function projectNames(api: Target): Promise<ProjectNames> {
    const client = new CheckpointPermissionsClient({ adminKey: api.adminKey, baseUrl: api.baseUrl });
    try {
        const { projects } = await client.projects.listAll({ includeArchived: true });
        return new Map(projects.flatMap((project) => (project.name ? [[project.id, project.name] as const] : [])));
    } catch (error) {
        console.log(`    (project names unavailable, showing ids: ${error instanceof Error ? error.message : String(error)})`);
        return new Map();
    }
}

/** Who may use each checkpoint and who granted it, as the stack's records hold it in state, in `checkpoints` order. */
async function recordedAccess(ws: Workspace, stack: readonly string[], checkpoints: readonly string[]): Promise<Map<string, TableAccess[]>> {
    const { stdout } = await ws.pulumi(["stack", "export", ...stack]);
    const state = JSON.parse(stdout) as { deployment: { resources?: Array<{ type: string; inputs?: Record<string, unknown> }> } };
    const records = (state.deployment.resources ?? []).flatMap((resource) =>
        resource.type === checkpointPermissionsType ? [recordOf({ type: resource.type, props: resource.inputs ?? {} })] : [],
    );
    return new Map(checkpoints.map((checkpoint) => [checkpoint, [...(records.find((record) => record?.checkpoint === checkpoint)?.accesses ?? [])]]));
}

async function main(): Promise<void> {
    const engine = await findEngine();
    if (!engine) throw new Error("No Pulumi engine: run `npm run engine` first (npm run demo does).");
    const api = await target();
    const readOnly = api.emulator === undefined;
    let workspace: Workspace | undefined;
    try {
        // The key reaches the program and the provider through the environment: never on a command line, in
        // state, or in a message of ours.
        workspace = await createWorkspace({ engine, programDir: REPO_ROOT, env: { OPENAI_ADMIN_KEY: api.adminKey, OPENAI_BASE_URL: api.baseUrl } });
        const ws = workspace;
        const policyConfigFile = path.join(ws.projectDir, "policy-config.json");
        const policy = ["--policy-pack", path.join(REPO_ROOT, "policy-pack"), "--policy-pack-config", policyConfigFile];
        const policyConfigText = JSON.stringify(policyConfig(api.pipeline), null, 2);
        const stack = ["--stack", STACK];
        const names = await projectNames(api);
        const findings = (output: string): string[] => policyFindings(output).map((finding) => withProjectNames(finding, names));

        await writeFile(policyConfigFile, policyConfigText);
        step(`Pulumi ${engine.version} (${engine.source === "path" ? "from PATH" : "built from Pulumi's Go modules"}); local backend ${ws.backendDir}`);
        step(`The policy pack's config (--policy-pack-config ${policyConfigFile}); the pack's other policies run at their defaults`);
        show(policyConfigText.split("\n"));
        await ws.pulumi(["stack", "init", STACK]);
        // Each record names who granted each project's access, from the organization's audit log.
        await ws.pulumi(["config", "set", ...stack, "attribution", "true"]);
        for (const [i, checkpoint] of api.checkpoints.entries()) {
            await ws.pulumi(["config", "set", ...stack, "--path", `checkpoints[${i}]`, checkpoint]);
        }
        for (const [checkpoint, projects] of Object.entries(api.grants)) {
            for (const [i, project] of projects.entries()) {
                await ws.pulumi(["config", "set", ...stack, "--path", `grants["${checkpoint}"][${i}]`, project]);
            }
        }

        step(
            readOnly
                ? "pulumi preview --policy-pack policy-pack: what the stack would record, and what the policies find in it"
                : "pulumi preview --policy-pack policy-pack: what the stack will take over, grant and record",
        );
        const preview = await ws.pulumi(["preview", ...stack, ...policy]);
        show(planLines(preview.stdout));
        const previewed = findings(preview.stdout);
        show(previewed);

        step(
            readOnly
                ? "pulumi up --policy-pack policy-pack: records who may use each checkpoint and who granted it, in the local backend only (no grants: nothing is granted or revoked)"
                : `pulumi up --policy-pack policy-pack: takes over the existing access, grants ${projectLabel(RESEARCH, names)} access to ${api.newGrant} (as the pipeline), records who may use each checkpoint and who granted it`,
        );
        const up = await ws.pulumi(["up", "--yes", "--skip-preview", ...stack, ...policy]);
        // The up checks the same resources again: only what the preview did not find.
        show(findings(up.stdout).filter((finding) => !previewed.includes(finding)));
        const access = await recordedAccess(ws, stack, api.checkpoints);
        show(renderAccessTable(access, names).split("\n"));
        if ([...access.values()].some((accesses) => accesses.some((a) => a.grantedBy === UNKNOWN_GRANTOR))) {
            show(["unknown: the audit log has no event for it (granted before audit logging was on, or longer ago than the log keeps)"]);
        }

        if (api.emulator) {
            const checkpoint = api.checkpoints[0]!;
            const granted = api.emulator.grant(checkpoint, CONTRACTOR, { actor: OUTSIDE_GRANTOR });
            const { email, ipAddress } = OUTSIDE_GRANTOR.session;
            step(`Meanwhile, ${email} shares ${checkpoint} with ${projectLabel(CONTRACTOR, names)} in the dashboard, from ${ipAddress} (permission ${granted.id})`);

            step("pulumi preview --diff --policy-pack policy-pack: the drift shows as a diff naming who granted it (never the IP address), and the policies stop it");
            const drift = await ws.pulumi(["preview", "--diff", ...stack, ...policy], { expectFailure: true });
            show(diffBlock(drift.stdout));
            show(findings(drift.stdout));

            step("pulumi preview --expect-no-changes: how CI catches drift");
            const ci = await ws.pulumi(["preview", "--expect-no-changes", ...stack], { expectFailure: true });
            show([/error: .*/.exec(ci.stdout + ci.stderr)?.[0] ?? `exit code ${ci.code}`]);
        }

        step(
            readOnly
                ? "Cleaning up: pulumi destroy (forgets the records; the stack has no grants, so nothing is revoked), the stack and its local backend"
                : "Cleaning up: pulumi destroy (revokes every grant the stack manages in the emulator, the access it took over (adopted) included: a grant revokes its access on delete unless it has `retainOnDelete: true`; records revoke nothing), the stack and its backend",
        );
        await ws.pulumi(["destroy", "--yes", "--skip-preview", ...stack]);
        await ws.pulumi(["stack", "rm", "--yes", ...stack]);
    } finally {
        await workspace?.dispose();
        await api.emulator?.close();
    }
    if (readOnly) step("Done.");
    else {
        step("Done. Next, the same stack against your own organization, read-only (it grants and revokes nothing; its records go to a throw-away local backend):");
        show(["OPENAI_ADMIN_KEY=sk-admin-… npm run demo"]);
    }
}

main().catch((error: unknown) => {
    console.error(`\n✖ ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
});
