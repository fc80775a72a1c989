/**
 * `CheckpointPermissions`, the record of a checkpoint's live access. Its operations, for both surfaces.
 *
 * The listing becomes the record's inputs, as access text keyed by project (./access-text.ts): the dynamic
 * resource reads it while its program runs, the plugin's check reads it live. Nothing is created or deleted in
 * OpenAI: the work is to tell whether the record changed (drift shows as the engine's diff of the inputs, which
 * names the project), to re-read it on `pulumi refresh`, and to leave out the access that the same `up` is about to
 * revoke, so the stack converges in one `up`.
 */
import type { CheckpointPermissionsClient } from "../client";
import { checkCheckpoint, checkPermissionId, checkProjectId, MAX_ID_LENGTH } from "../client/arguments";
import { InvalidArgumentError } from "../client/errors";
import { accessOfText, decodeAccess, decodeRecordedAccess, encodeAccess, recordedAccessOfText } from "./access-text";
import { attributionOf, grantorsByProject, UNKNOWN_GRANTOR } from "./attribution";
import { checkFailures, checkFlag, type CheckFailure, type CheckResult } from "./check";
import { accessByProject, compare, listIfPresent, type PermissionLister } from "./listing";
import type { ResourceOperations, Unchecked } from "./operations";
import type { AccessByProject, AccessText } from "./types";
import { isKnownList, isUnknown, sameList, UNKNOWN_STRING } from "./unknowns";

// The record's shapes on both surfaces (the dynamic provider adds `__provider`): what its operations take and give,
// what the engine keeps in state, what a CrossGuard policy sees. A field added here is declared in the plugin's
// schema (../plugin/schema.ts), which its answers follow, and given or read by the dynamic resource's class.

/** What a program gives a record. */
export interface RecordArgs {
    checkpoint: string;
    /**
     * The listing, as access text. The dynamic resource reads it while its program runs; a program on the plugin
     * gives none, and the record's check reads it live.
     */
    access?: AccessText;
    /**
     * The projects whose access grants of the stack manage: the grants the record waits for. Absent: none (the
     * Node.js SDK pays for every property a program sends).
     */
    managedProjects?: string[];
    /**
     * Name who granted each project's access in the access text, from the organization's audit log
     * (./attribution.ts). The plugin's record reads the log in its check; the dynamic resource's program writes the
     * names into the text itself. Both give the flag, for the read of `pulumi refresh`.
     */
    attribution?: boolean;
}

/** A record's inputs after its check. The engine diffs these, so they are what a preview shows. */
export interface RecordInputs {
    checkpoint: string;
    access: AccessText;
    /**
     * Sorted and unique, so the same grants are always the same list (and a diff of it names the project). Absent
     * only from a record just imported, which has none recorded: it takes the program's without a change.
     */
    managedProjects?: string[];
    /** As given: the check reads the access text with who granted it. */
    attribution?: boolean;
    /**
     * The access that this `up` revokes and that the listing, read before Pulumi deletes anything, still showed:
     * projects whose grant left the stack since the last `up`. Left out of `access`, so the stack converges in one
     * `up`. Empty but for the `up` that revokes.
     */
    revoking: AccessByProject;
}

/**
 * A record's outputs: its inputs as recorded. They keep the access text, grantors included: a refresh reads the
 * live listing against them, and keeps a grantor the audit log no longer names (an event that aged out) rather
 * than turning it `unknown`, which the next preview would show as drift.
 */
export type RecordOutputs = RecordInputs;

/** The record's operations (./types.ts), the same on both surfaces. */
export const recordOperations: ResourceOperations<RecordArgs, RecordInputs, RecordOutputs> = {
    check: checkRecord,
    diff: diffRecord,
    async create(inputs) {
        return recorded(inputs);
    },
    async read(known, client) {
        const checkpoint = checkCheckpoint(known.checkpoint, "checkpoint");
        const attribution = known.attribution === true;
        const live = await liveAccess(await client(), checkpoint, attribution);
        if (live === undefined) return undefined;
        const access = typeof known.access === "string" ? keepRecordedGrantors(known.access, live) : live;
        // An import has no state to keep managed projects from: the program's are taken without a change (diff).
        const managed = isKnownList(known.managedProjects) ? { managedProjects: known.managedProjects } : {};
        const inputs: RecordInputs = { checkpoint, access, ...managed, ...(attribution ? { attribution } : {}), revoking: {} };
        return { inputs, outputs: recorded(inputs) };
    },
    async update(_olds, news) {
        return recorded(news);
    },
    // Forgetting a record revokes nothing.
    async delete() {},
};

/** The outputs of the inputs recorded (create, update and refresh alike): only the record's own properties. */
function recorded({ checkpoint, access, managedProjects, attribution, revoking }: RecordInputs): RecordOutputs {
    return { checkpoint, access, ...(managedProjects === undefined ? {} : { managedProjects }), ...(attribution === undefined ? {} : { attribution }), revoking };
}

/**
 * Checks what the program gave, naming the bad property; reads the listing live when the program gave none (a
 * checkpoint that is gone, or not visible to this key, has no record); and moves out of `access` into `revoking`
 * what this `up` revokes: a project that a grant of the stack managed at the last `up` (`olds`), that no grant
 * manages now, and that still holds the permission recorded then. Pulumi deletes that grant only after the program
 * has run, so the listing still shows it; recording it would make the next preview report its removal as drift.
 *
 * What is not known yet (preview) is checked when it is; a listing that depends on it is not known either.
 */
async function checkRecord(
    olds: Unchecked<RecordInputs>,
    args: Unchecked<RecordArgs>,
    client: () => Promise<CheckpointPermissionsClient>,
    lister?: PermissionLister,
): Promise<CheckResult<RecordInputs>> {
    const given = { checkpoint: args.checkpoint, access: args.access, managedProjects: args.managedProjects, attribution: args.attribution };
    const failures: CheckFailure[] = checkFailures(given, [
        ["checkpoint", checkCheckpoint],
        ["managedProjects", checkProjectList],
        ["attribution", checkFlag],
        ...(given.access === undefined ? [] : ([["access", checkAccess]] as const)),
    ]).failures;
    if (failures.length > 0) return { inputs: given, failures };
    const { checkpoint } = given;
    const managedProjects = given.managedProjects ?? [];
    const known = typeof checkpoint === "string" && !isUnknown(checkpoint) && isKnownList(managedProjects);
    if (given.access === undefined && !known) return { inputs: { ...given, access: UNKNOWN_STRING, revoking: {} }, failures };
    const listed: unknown = given.access ?? (await liveAccess(await client(), String(checkpoint), given.attribution === true, lister));
    if (listed === undefined) return { inputs: given, failures: [{ property: "checkpoint", reason: `${String(checkpoint)} was not found with this provider's key` }] };
    const sorted = isKnownList(managedProjects) ? [...new Set(managedProjects)].sort(compare) : managedProjects;
    const flag = given.attribution === true ? { attribution: true } : {};
    // A listing not known yet (the dynamic resource's, in a preview) is recorded as it is.
    if (typeof listed !== "string" || isUnknown(listed)) return { inputs: { checkpoint, access: listed, managedProjects: sorted, ...flag, revoking: {} }, failures };
    // Unknown (an event that aged out of the log) never replaces a grantor recorded before: that would be false drift.
    const access = typeof olds.access === "string" && olds.checkpoint === checkpoint ? keepRecordedGrantors(olds.access, listed) : listed;
    const news = { checkpoint, access, managedProjects: sorted, ...flag };
    const revoking = revokedBy(olds, news);
    return { inputs: { ...news, access: withoutRevoked(access, revoking), revoking }, failures };
}

/**
 * Another checkpoint is another record. The same access is the same text (sorted, one spelling); a listing not known yet (preview) is a change, not another record. `revoking` is no change of its own: it
 * empties once the access it names is gone.
 */
function diffRecord(olds: Unchecked<RecordOutputs>, news: Unchecked<RecordInputs>) {
    const replaces: Array<"checkpoint"> = olds.checkpoint === news.checkpoint ? [] : ["checkpoint"];
    // A record imported by id has no managed projects recorded: it takes the program's without a change.
    const sameManaged = olds.managedProjects === undefined || sameList(olds.managedProjects, news.managedProjects ?? []);
    const sameAccess = typeof news.access === "string" && !isUnknown(news.access) && olds.access === news.access;
    return { changes: replaces.length > 0 || !sameAccess || !sameManaged, replaces };
}


/**
 * The checkpoint's access as it is live, as text, with who granted it if `attribution`; `undefined` when the
 * checkpoint is gone (or not visible).
 */
async function liveAccess(client: CheckpointPermissionsClient, checkpoint: string, attribution: boolean, lister?: PermissionLister): Promise<string | undefined> {
    const permissions = await listIfPresent(client, checkpoint, lister);
    if (permissions === undefined) return undefined;
    if (!attribution) return encodeAccess(accessByProject(permissions));
    // Audit logging off: the client's logger hears it once (the plugin's sends it to the engine).
    const attributed = await attributionOf(client).attribute(checkpoint, permissions, (message) => client.log("warn", message));
    return encodeAccess(accessByProject(attributed), grantorsByProject(attributed));
}

/** `access`, each project's grantor `unknown` in it replaced by the one `recorded` names for the same permission. */
export function keepRecordedGrantors(recorded: AccessText, access: AccessText): AccessText {
    // Every check runs this, a no-change preview of a record of 10,000 permissions too: parse only when it can matter.
    if (!access.includes(` by ${UNKNOWN_GRANTOR}\n`)) return access;
    const before = recordedAccessOfText(recorded);
    const now = decodeRecordedAccess(access);
    if (before === undefined) return access;
    let kept = false;
    for (const [projectId, grantor] of Object.entries(now.grantors)) {
        const earlier = before.grantors[projectId];
        if (grantor !== UNKNOWN_GRANTOR || earlier === undefined || earlier === UNKNOWN_GRANTOR) continue;
        if (before.access[projectId] !== now.access[projectId]) continue;
        now.grantors[projectId] = earlier;
        kept = true;
    }
    return kept ? encodeAccess(now.access, now.grantors) : access;
}

/** `access` less the projects this `up` revokes, their grantors kept for the rest. */
function withoutRevoked(access: AccessText, revoking: AccessByProject): AccessText {
    if (Object.keys(revoking).length === 0) return access;
    const recorded = decodeRecordedAccess(access);
    return encodeAccess(withoutProjects(recorded.access, revoking), recorded.grantors);
}

/** The access of `news` that grants managed at the last `up` and no longer do: what this `up` revokes. */
function revokedBy(olds: Unchecked<RecordInputs>, news: Unchecked<RecordInputs>): AccessByProject {
    const revoking: AccessByProject = {};
    const known = typeof news.access === "string" && !isUnknown(news.access) && isKnownList(news.managedProjects);
    if (olds.checkpoint !== news.checkpoint || !known || !isKnownList(olds.managedProjects)) return revoking;
    const managed = new Set<unknown>(news.managedProjects);
    const released = olds.managedProjects.filter((projectId) => !managed.has(projectId));
    const recorded = released.length === 0 ? undefined : accessOfText(olds.access);
    if (recorded === undefined) return revoking;
    const access = decodeAccess(news.access);
    for (const projectId of released) {
        const permissionId = access[projectId];
        if (permissionId !== undefined && permissionId === recorded[projectId]) revoking[projectId] = permissionId;
    }
    return revoking;
}

function withoutProjects(access: AccessByProject, projects: AccessByProject): AccessByProject {
    return Object.fromEntries(Object.entries(access).filter(([projectId]) => !Object.hasOwn(projects, projectId)));
}

/** `access`: the text of project ids and their permission ids. */
function checkAccess(value: unknown, argument: string): void {
    for (const [projectId, permissionId] of Object.entries(decodeAccess(value, argument))) {
        // Every real id takes the first test alone (a record can hold 10,000 of each); the rest are checked in full.
        if (!WELL_FORMED_ID.test(projectId)) checkProjectId(projectId, argument);
        if (!WELL_FORMED_ID.test(permissionId)) checkPermissionId(permissionId, `${argument}.${projectId}`);
    }
}

/** An id that `checkProjectId` and `checkPermissionId` accept, by construction: letters, digits, `-` and `_`, at most 64. */
const WELL_FORMED_ID = new RegExp(`^[A-Za-z0-9][A-Za-z0-9_-]{0,${MAX_ID_LENGTH - 1}}$`);

/** `managedProjects`: a list of project ids (an item not known yet is checked when it is). */
function checkProjectList(value: unknown, argument: string): void {
    if (value === undefined) return; // none
    if (!Array.isArray(value)) throw new InvalidArgumentError(argument, value, "must be a list of project ids");
    value.forEach((projectId, i) => {
        if (!isUnknown(projectId)) checkProjectId(projectId, `${argument}[${i}]`);
    });
}
