/**
 * The whole organization in a stack (examples/organization-audit, in TypeScript and in YAML on the plugin) on the
 * real engine: `SharedCheckpointRecords` records every checkpoint the organization shares; a checkpoint first shared
 * later appears in the next preview as a new record naming the project and who shared it, and the shipped pack fails
 * it when the project is forbidden. With audit logging off, the stack previews with a clear message and covers the
 * included checkpoints, and the pack's checkpoint-audit-logging fails it.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordNames } from "../../provider/components/shared-checkpoint-records";
import { startEmulator, type EmulatorSeed, type RunningEmulator } from "../../provider/emulator";
import { checkpointPermissionsType, pluginCheckpointPermissionsType } from "../../provider/resources/tokens";
import { REPO_ROOT } from "../../tools/engine/engine";
import { stringify } from "yaml";
import { assertStateConforms } from "../support/schema-conformance";
import { startEngineStack, type EngineStack } from "./harness";
import { REPOSITORY_PLUGIN_DIR } from "./yaml-plugin-suite";

const EXAMPLE = path.join(REPO_ROOT, "examples", "organization-audit");
const SHARED = "ft:gpt-4o-mini-2024-07-18:acme::Support:ckpt-step-100";
const LATER = "ft:gpt-4o-mini-2024-07-18:acme::Triage:ckpt-step-300";
const OLD = "ft:gpt-4o-mini-2024-07-18:acme::Legacy:ckpt-step-10";
const seed: EmulatorSeed = {
    checkpoints: {
        [SHARED]: { owner_project_id: "proj_owner" },
        [LATER]: { owner_project_id: "proj_owner" },
        // Shared before the organization's audit logging began: only `include` names it.
        [OLD]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_research", created_at: 1_700_000_000 }] },
    },
};
const MALLORY = { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } };
/** The record's name in the example, whose component is `acme`. */
const recordName = (checkpoint: string) => recordNames("acme", [checkpoint]).get(checkpoint)!;

const forms = [
    { form: "TypeScript", dir: "typescript", recordType: checkpointPermissionsType },
    { form: "YAML on the plugin", dir: "yaml", recordType: pluginCheckpointPermissionsType },
];

async function auditStack(name: string, dir: string, auditLogging: boolean): Promise<EngineStack> {
    const stack = await startEngineStack({ fixture: name, programDir: path.join(EXAMPLE, dir), seed, emulator: { auditLogging } });
    await stack.pulumi(["config", "set", "--stack", stack.stackName, "--path", "include[0]", OLD]);
    return stack;
}

/** Each shared checkpoint's projects, from the stack's `sharedCheckpoints` output. */
function projectsOf(outputs: Record<string, unknown>): Record<string, string[]> {
    const shared = outputs["sharedCheckpoints"];
    // TypeScript exports a map; YAML the component's `checkpoints` list as is.
    if (!Array.isArray(shared)) return shared as Record<string, string[]>;
    return Object.fromEntries((shared as Array<{ checkpoint: string; projectIds: string[] }>).map((c) => [c.checkpoint, c.projectIds]));
}

describe.each(forms)("the organization audit in $form", ({ dir, recordType }) => {
    describe("a stack that records every checkpoint the organization shares", () => {
        let stack: EngineStack;
        let policyDir: string;
        let policyArgs: string[];

        beforeAll(async () => {
            stack = await auditStack(`organization-audit-${dir}`, dir, true);
            stack.emulator.grant(SHARED, "proj_support");
            policyDir = await mkdtemp(path.join(tmpdir(), "organization-audit-policy-"));
            await writeFile(path.join(policyDir, "config.json"), JSON.stringify({ "checkpoint-forbidden-projects": { forbiddenProjects: ["proj_contractor"] } }));
            policyArgs = ["--policy-pack", path.join(REPO_ROOT, "policy-pack"), "--policy-pack-config", path.join(policyDir, "config.json")];
        });
        afterAll(async () => {
            await stack?.dispose();
            if (policyDir) await rm(policyDir, { recursive: true, force: true });
        });

        it("records the checkpoints the audit log names and the included ones, and nothing else", async () => {
            await stack.up();
            const outputs = await stack.outputs();
            expect(projectsOf(outputs)).toEqual({ [OLD]: ["proj_research"], [SHARED]: ["proj_support"] });
            expect(outputs["auditLogging"]).toBe(true);
            const state = await stack.exportState();
            const records = (state.deployment.resources ?? []).filter((r) => r.type === recordType).map((r) => r.urn.split("::").at(-1));
            expect(records.sort()).toEqual([recordName(OLD), recordName(SHARED)].sort());
            assertStateConforms(state);
            stack.emulator.clearRequests();
            const { stdout: audited } = await stack.preview([...policyArgs, "--expect-no-changes"]);
            // An audit manages nothing by design: no "unmanaged" warning for each share it records.
            expect(audited).toMatch(/openai-checkpoint-permissions/);
            expect(audited).not.toContain("checkpoint-no-unmanaged-access");
            // One read of the organization, on both surfaces: the audit log once (discovery's events attribute the
            // records too), each candidate listed once (its record takes discovery's listing; on the plugin, the
            // records run on the provider that constructed the component).
            const requests = stack.emulator.requests;
            expect(requests.filter((r) => r.path.endsWith("/organization/audit_logs"))).toHaveLength(1);
            expect(requests.filter((r) => r.path.includes("/permissions"))).toHaveLength(2);
        });

        it("refreshes without drift: the grantors recorded survive the refresh, and the next preview has no change", async () => {
            await stack.refresh();
            const refreshed = (await stack.exportState()).deployment.resources?.find((r) => r.type === recordType && r.urn.endsWith(recordName(SHARED)));
            expect(refreshed?.outputs?.["access"]).toMatch(/^proj_support cp_\S+ by owner@example\.com \(dashboard\)\n$/);
            await stack.preview(["--expect-no-changes"]);
        });

        it("shows a checkpoint first shared later as a new record naming the project and who shared it, and the pack fails it", async () => {
            const share = stack.emulator.grant(LATER, "proj_contractor", { actor: MALLORY });
            const { stdout } = await stack.preview(["--diff"]);
            expect(stdout).toContain(`+ ${recordType}: (create)`);
            expect(stdout).toContain(`proj_contractor ${share.id} by mallory@acme.com (dashboard)`);
            const failed = await stack.preview(policyArgs, { expectFailure: true });
            expect(failed.stdout).toMatch(/\[mandatory\]\s+checkpoint-forbidden-projects/);
            expect(failed.stdout.slice(failed.stdout.indexOf("checkpoint-forbidden-projects"))).toContain(`Checkpoint ${LATER}: project proj_contractor`);
            // The one finding that matters stands alone: no advisory one per share around it.
            expect(failed.stdout).not.toMatch(/\[advisory\]/);
            await stack.destroy();
            // Forgetting the records revokes nothing.
            expect(stack.emulator.permissions(LATER).map((p) => p.project_id)).toEqual(["proj_contractor"]);
        });
    });

    describe("the same stack in an organization whose audit logging is off", () => {
        let stack: EngineStack;

        beforeAll(async () => {
            stack = await auditStack(`organization-audit-${dir}-off`, dir, false);
        });
        afterAll(async () => {
            await stack?.dispose();
        });

        it("previews with a clear message, covering the included checkpoints", async () => {
            const { stdout } = await stack.preview();
            expect(stdout).toMatch(/audit logging is off, so its shared checkpoints cannot be found: only the checkpoints given as `include` are confirmed/);
            expect(stdout).toMatch(new RegExp(`\\+\\s+${recordType.replace(/[/:]/g, "\\$&")}\\s+${recordName(OLD)}\\s+create`));
            expect(stdout).not.toContain(recordName(SHARED));
        });

        it("fails the shipped pack's checkpoint-audit-logging: an audit of `include` alone is no audit of the organization", async () => {
            const { stdout } = await stack.preview(["--policy-pack", path.join(REPO_ROOT, "policy-pack")], { expectFailure: true });
            expect(stdout).toMatch(/\[mandatory\]\s+checkpoint-audit-logging/);
            expect(stdout).toContain("SharedCheckpointRecords acme: the organization's audit logging is off");
        });
    });
});

describe("two organizations' audits in one YAML stack, the second through an explicit provider", () => {
    const PARTNER_KEY = "sk-admin-partner-organization-key";
    const PARTNER_SHARED = "ft:gpt-4o-mini-2024-07-18:partner::Claims:ckpt-step-50";
    let partner: RunningEmulator;
    let dir: string;
    let stack: EngineStack;

    beforeAll(async () => {
        partner = await startEmulator({ adminKey: PARTNER_KEY, seed: { checkpoints: { [PARTNER_SHARED]: { owner_project_id: "proj_partner" } } } });
        partner.grant(PARTNER_SHARED, "proj_partner_eval");
        dir = await mkdtemp(path.join(tmpdir(), "organization-audit-two-"));
        const program = {
            name: "organization-audit-two",
            runtime: "yaml",
            plugins: { providers: [{ name: "openai-checkpoints", path: REPOSITORY_PLUGIN_DIR }] },
            config: { partnerAdminKey: { type: "string", secret: true }, partnerBaseUrl: { type: "string" } },
            resources: {
                partnerProvider: { type: "pulumi:providers:openai-checkpoints", properties: { adminKey: "${partnerAdminKey}", baseUrl: "${partnerBaseUrl}" } },
                acme: { type: "openai-checkpoints:index:SharedCheckpointRecords" },
                partner: { type: "openai-checkpoints:index:SharedCheckpointRecords", options: { provider: "${partnerProvider}" } },
            },
            outputs: { acme: "${acme.checkpointIds}", partner: "${partner.checkpointIds}" },
        };
        await writeFile(path.join(dir, "Pulumi.yaml"), stringify(program));
        stack = await startEngineStack({ fixture: "organization-audit-two", programDir: dir, seed });
        stack.emulator.grant(SHARED, "proj_support");
        await stack.setConfig("partnerAdminKey", PARTNER_KEY, { secret: true });
        await stack.setConfig("partnerBaseUrl", partner.baseUrl);
    });
    afterAll(async () => {
        await stack?.dispose();
        await partner?.close();
        if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("reads each organization with its own key, and its records refresh through the same provider", async () => {
        await stack.up();
        expect(await stack.outputs()).toEqual({ acme: [SHARED], partner: [PARTNER_SHARED] });
        const state = await stack.exportState();
        assertStateConforms(state);
        const partnerRecord = (state.deployment.resources ?? []).find((r) => r.urn.endsWith(`::${recordNames("partner", [PARTNER_SHARED]).get(PARTNER_SHARED)}`));
        expect(partnerRecord?.["provider"]).toMatch(/::partnerProvider::/);
        // A share in the partner's organization is drift of the partner's record only.
        partner.grant(PARTNER_SHARED, "proj_partner_intruder");
        const { stdout } = await stack.preview(["--diff"]);
        expect(stdout).toMatch(/\+ proj_partner_intruder cp_/);
        await stack.refresh();
        await stack.preview(["--expect-no-changes"]);
        // The explicit provider's key is a secret input: encrypted in state, like every provider's.
        const { stdout: exported } = await stack.pulumi(["stack", "export", "--stack", stack.stackName]);
        expect(exported).not.toContain(PARTNER_KEY);
    });
});
