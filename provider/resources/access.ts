/**
 * `CheckpointAccess`: one checkpoint, and the complete set of projects that may use it (authoritative: "these and
 * no others", like Terraform's `google_project_iam_policy` or AWS's `aws_iam_role_policies_exclusive`). Its
 * operations, for both surfaces.
 *
 * **Why the plan is a checked input.** A plain `pulumi preview` (no `--refresh`) must show what `up` will do, and
 * the engine shows a preview as the difference between the inputs recorded in state and the inputs `check`
 * returns. State cannot name a project that someone shared in the dashboard since the last `up`, so no diff of
 * recorded values can show its loss. The check therefore reads the live listing and writes the plan itself into an
 * input, `plan`: one line per project that `up` grants (`+ proj_new`) or revokes (`- proj_contractor cp_… by
 * mallory@acme.com (dashboard)`, the record's access line: ./access-text.ts), sorted by project. The engine shows
 * a change of that text as its lines added and removed, so the preview names each project, its permission id and
 * (with `attribution`) its grantor, and nothing in it is unknown that the listing knows. CrossGuard's
 * `validateResource` sees checked inputs only, so the same text is what `checkpoint-max-revocations` counts.
 *
 * What it costs: state keeps the plan of the last `up` as an input, so the next preview that has a change of its
 * own also shows that old plan's lines as removed (a `pulumi refresh` empties it). The diff below decides whether
 * there is a change from the new plan alone, so a converged stack's preview is empty.
 *
 * Create and update never trust the plan of the check: they list again and act on what is live then. Every
 * grant and revoke runs concurrently under the client's limiter; a failure part-way ends in a
 * {@link PartialStateError} (./operations.ts) that carries what was done, which each surface records as the resource's state.
 */
import type { CheckpointPermissionsClient } from "../client";
import { checkCheckpoint, checkProjectId } from "../client/arguments";
import { InvalidArgumentError, NotFoundError } from "../client/errors";
import { DEFAULT_LISTING_LIMITS } from "../client/limits";
import { encodeAccess } from "./access-text";
import { encodePlan, PLANNED_AGAIN, type AccessPlan } from "./access-plan";
import { attributionOf, grantorsByProject } from "./attribution";
import { checkFailures, checkFlag, type CheckResult } from "./check";
import { accessByProject, compare, listIfPresent } from "./listing";
import { PartialStateError, type ClientSource, type ResourceOperations, type Unchecked } from "./operations";
import type { AccessByProject, AccessText, CheckpointPermission } from "./types";
import { isKnownList, isUnknown, sameList, UNKNOWN_STRING } from "./unknowns";

// The resource's shapes on both surfaces (the dynamic provider adds `__provider`). A field added here is declared in
// the plugin's schema (../plugin/schema.ts) and given by the dynamic resource's class.

/** What a program gives. */
export interface AccessArgs {
    checkpoint: string;
    /** Every project that may use the checkpoint, in any order; `[]` revokes every project's access. */
    projectIds: string[];
    /** Name who granted each access this `up` revokes, from the organization's audit log (./attribution.ts). */
    attribution?: boolean;
    /** Revoke the set's access when the resource is deleted; by default a delete leaves access as it is. */
    revokeOnDelete?: boolean;
}

/** The inputs after the check: what the engine diffs and keeps, and what a CrossGuard policy sees. */
export interface AccessInputs {
    checkpoint: string;
    /** Sorted and unique, so the same set is always the same list. */
    projectIds: string[];
    attribution?: boolean;
    revokeOnDelete?: boolean;
    /** What `up` will do, read live by the check: `+ project` and `- project permission [by grantor]` lines (above). */
    plan: string;
}

/** The outputs: the inputs as done (`plan` empty once everything was done), and the access the checkpoint has then. */
export interface AccessOutputs extends AccessInputs {
    /** Each project with access and its permission, as access text (./access-text.ts). */
    access: AccessText;
}

/** Grants go out this many projects to a request (the API takes a list); revokes one permission to a request. */
export const GRANT_BATCH = 20;

export const accessOperations: ResourceOperations<AccessArgs, AccessInputs, AccessOutputs> = {
    check: checkAccess,
    diff: diffAccess,
    create: (inputs, client) => apply(inputs, client),
    async read(known, client) {
        const checkpoint = checkCheckpoint(known.checkpoint, "checkpoint");
        const permissions = await listIfPresent(await client(), checkpoint);
        if (permissions === undefined) return undefined;
        const access = accessByProject(permissions);
        // Refresh and import adopt the live set: a preview then shows the program's set against it.
        const inputs: AccessInputs = { checkpoint, projectIds: Object.keys(access).sort(compare), ...flagsOf(known), plan: "" };
        return { inputs, outputs: { ...inputs, access: encodeAccess(access) } };
    },
    update: (_olds, news, client) => apply(news, client),
    /** Revokes nothing unless `revokeOnDelete`: then the access of the set's projects, as it is live. */
    async delete(olds, client) {
        if (olds.revokeOnDelete !== true) return;
        const live = await listIfPresent(await client(), olds.checkpoint);
        if (live === undefined) return;
        const held = accessByProject(live);
        const revoking = Object.fromEntries(olds.projectIds.filter((p) => Object.hasOwn(held, p)).map((p) => [p, held[p]!]));
        const { failures } = await run(await client(), olds.checkpoint, { granting: [], revoking, grantors: {} });
        if (failures.length > 0) throw new Error(`${olds.checkpoint}: revoking on delete failed: ${failures.map(String).join("; ")}`, { cause: failures[0] });
    },
};

/**
 * Checks what the program gave, naming the bad argument and value, before any request; then reads the listing and
 * writes the plan. A checkpoint or a set not known yet (preview) plans nothing: `plan` is unknown, so the preview
 * shows an update whose plan `up` will know, and revokes nothing on the strength of a value that is not there.
 */
async function checkAccess(olds: Unchecked<AccessInputs>, args: Unchecked<AccessArgs>, client: ClientSource): Promise<CheckResult<AccessInputs>> {
    const given = { checkpoint: args.checkpoint, projectIds: args.projectIds, attribution: args.attribution, revokeOnDelete: args.revokeOnDelete };
    const { failures } = checkFailures(given, [
        ["checkpoint", checkCheckpoint],
        ["projectIds", checkProjectSet],
        ["attribution", checkFlag],
        ["revokeOnDelete", checkFlag],
    ]);
    if (failures.length > 0) return { inputs: given, failures };
    const flags = flagsOf(given);
    const { checkpoint, projectIds } = given;
    if (!isKnownList(projectIds) || isUnknown(checkpoint)) {
        // The known projects sorted, as always, so the preview shows only the unknown ones as changed.
        const partly = Array.isArray(projectIds) ? [...projectIds.filter((p) => !isUnknown(p)).sort(compare), ...projectIds.filter(isUnknown)] : projectIds;
        return { inputs: { checkpoint, projectIds: partly, ...flags, plan: UNKNOWN_STRING }, failures };
    }
    const set = [...projectIds].sort(compare);
    const live = await listIfPresent(await client(), String(checkpoint));
    if (live === undefined) return { inputs: given, failures: [{ property: "checkpoint", reason: `${String(checkpoint)} was not found with this provider's key` }] };
    const plan = await planOf(await client(), String(checkpoint), live, set, flags.attribution === true);
    return { inputs: { checkpoint, projectIds: set, ...flags, plan: unlikeLast(encodePlan(plan), olds.plan) }, failures };
}

/**
 * A plan with work in it that reads the same as the one recorded at the last `up` (a grant it made, revoked outside
 * Pulumi since) gets a line that says so. Both surfaces leave it to the engine to find what changed in the inputs
 * (./operations.ts `ResourceDiff`; its display then names only the plan's lines, not a set of 1,000 projects whole),
 * and the engine sees no change in inputs that read the same.
 */
function unlikeLast(plan: string, last: unknown): string {
    return plan !== "" && plan === last ? `${plan}${PLANNED_AGAIN}` : plan;
}

/**
 * Another checkpoint is another resource (its access is another checkpoint's: the old one's stays, as a delete
 * leaves it). Otherwise a change is a plan with work in it (or not known yet), or a new set or flag to record.
 */
function diffAccess(olds: Unchecked<AccessOutputs>, news: Unchecked<AccessInputs>) {
    const replaces: Array<"checkpoint"> = isUnknown(news.checkpoint) || olds.checkpoint !== news.checkpoint ? ["checkpoint"] : [];
    const work = typeof news.plan !== "string" || isUnknown(news.plan) || news.plan !== "";
    const recorded = !sameList(olds.projectIds, news.projectIds) || olds.attribution !== news.attribution || olds.revokeOnDelete !== news.revokeOnDelete;
    return { changes: replaces.length > 0 || work || recorded, replaces };
}

/** The plan that makes `live` the access of `set`: grant each project of the set without access, revoke the rest. */
async function planOf(client: CheckpointPermissionsClient, checkpoint: string, live: CheckpointPermission[], set: readonly string[], attribution: boolean): Promise<AccessPlan> {
    const held = accessByProject(live);
    const wanted = new Set(set);
    const granting = set.filter((projectId) => !Object.hasOwn(held, projectId));
    const revoking = Object.fromEntries(Object.entries(held).filter(([projectId]) => !wanted.has(projectId)));
    if (!attribution || Object.keys(revoking).length === 0) return { granting, revoking, grantors: {} };
    const revoked = new Set(Object.values(revoking));
    const attributed = await attributionOf(client).attribute(checkpoint, live.filter((p) => revoked.has(p.id)), (message) => client.log("warn", message));
    return { granting, revoking, grantors: grantorsByProject(attributed) };
}

/**
 * Lists the checkpoint, then grants and revokes what makes its access the set's. Nothing already held is granted
 * again. A failure part-way throws a {@link PartialStateError} (./operations.ts) with what was done.
 */
async function apply(inputs: AccessInputs, source: ClientSource): Promise<AccessOutputs> {
    const client = await source();
    const checkpoint = checkCheckpoint(inputs.checkpoint, "checkpoint");
    const set = [...checkProjectSet(inputs.projectIds, "projectIds")].sort(compare);
    const live = await listIfPresent(client, checkpoint);
    if (live === undefined) throw new Error(`checkpoint: ${checkpoint} was not found with this provider's key`);
    // Who granted what it revokes was the check's to name (the preview's); here it would only cost audit-log reads.
    const plan = await planOf(client, checkpoint, live, set, false);
    const { access, failures, left } = await run(client, checkpoint, plan, accessByProject(live));
    const outputs: AccessOutputs = { checkpoint, projectIds: set, ...flagsOf(inputs), plan: encodePlan(left), access: encodeAccess(access) };
    if (failures.length === 0) return outputs;
    const done = plan.granting.length - left.granting.length + Object.keys(plan.revoking).length - Object.keys(left.revoking).length;
    throw new PartialStateError(
        `${checkpoint}: ${failures.length} of the ${plan.granting.length} grants and ${Object.keys(plan.revoking).length} revokes failed (${done} done, recorded; the next \`up\` does the rest): ${failures.map((f) => f.message).join("; ")}`,
        outputs,
        { cause: failures[0] },
    );
}

/**
 * Runs a plan's grants (in batches) and revokes, all at once: the client's limiter bounds how many are in flight.
 * Every request is waited for, failed or not, so what was done is known: the access after, the failures, and the
 * plan of what is left.
 */
async function run(client: CheckpointPermissionsClient, checkpoint: string, plan: AccessPlan, before: AccessByProject = {}) {
    const access: AccessByProject = { ...before };
    const left: AccessPlan = { granting: [], revoking: {}, grantors: plan.grantors };
    const batches: string[][] = [];
    for (let i = 0; i < plan.granting.length; i += GRANT_BATCH) batches.push(plan.granting.slice(i, i + GRANT_BATCH));
    const grants = batches.map(async (batch) => {
        try {
            for (const permission of await client.permissions.create(checkpoint, batch)) access[permission.projectId] = permission.id;
        } catch (error) {
            left.granting.push(...batch);
            throw error;
        }
    });
    const revokes = Object.entries(plan.revoking).map(async ([projectId, permissionId]) => {
        try {
            await client.permissions.delete(checkpoint, permissionId);
        } catch (error) {
            // Already revoked (or the checkpoint is gone) counts as done.
            if (!(error instanceof NotFoundError)) {
                left.revoking[projectId] = permissionId;
                throw error;
            }
        }
        delete access[projectId];
    });
    const settled = await Promise.allSettled([...grants, ...revokes]);
    const failures = settled.flatMap((s) => (s.status === "rejected" ? [s.reason instanceof Error ? s.reason : new Error(String(s.reason))] : []));
    left.granting.sort(compare);
    return { access, failures, left };
}

function flagsOf(values: { attribution?: unknown; revokeOnDelete?: unknown }): Pick<AccessInputs, "attribution" | "revokeOnDelete"> {
    return { ...(values.attribution === true ? { attribution: true } : {}), ...(values.revokeOnDelete === true ? { revokeOnDelete: true } : {}) };
}

/**
 * `projectIds`: given (a missing set never revokes anything: `[]` must be written), a list of project ids, each once,
 * at most as many as a listing holds. An item not known yet is checked when it is.
 */
function checkProjectSet(value: unknown, argument: string): string[] {
    if (value === undefined || value === null) {
        throw new InvalidArgumentError(argument, value, "must be given: the projects that may use the checkpoint (write `[]` to revoke every project's access)");
    }
    if (!Array.isArray(value)) throw new InvalidArgumentError(argument, value, "must be a list of project ids");
    const max = DEFAULT_LISTING_LIMITS.maxPermissions;
    if (value.length > max) throw new InvalidArgumentError(argument, `${value.length} projects`, `must list at most ${max} projects`);
    const seen = new Map<string, number>();
    value.forEach((projectId, i) => {
        if (isUnknown(projectId)) return;
        const id = checkProjectId(projectId, `${argument}[${i}]`);
        const first = seen.get(id);
        if (first !== undefined) throw new InvalidArgumentError(`${argument}[${i}]`, id, `repeats ${argument}[${first}]: list each project once`);
        seen.set(id, i);
    });
    return value as string[];
}
