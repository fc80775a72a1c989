/**
 * `CheckpointPermissions`: a record of what was read. The operations of both surfaces (the dynamic provider and
 * the plugin), free of either: plain values in, plain values out; each surface turns them into its own shapes.
 *
 * The listing is taken while the program runs and arrives as inputs, as access text keyed by project
 * (./access-text.ts), so there is nothing to create or delete in OpenAI: the work is to tell whether the record
 * changed (drift shows as the engine's diff of the inputs, which names the project), to re-read it live on
 * `pulumi refresh`, and to leave out the access that the same `up` is about to revoke, so the stack converges in
 * one `up`. The state kept is the checked inputs, and as outputs the same less the access text, which only its
 * digest stands for there.
 */
import type { CheckpointPermissionsClient } from "../client";
import { checkCheckpoint, checkPermissionId, checkProjectId, MAX_ID_LENGTH } from "../client/arguments";
import { InvalidArgumentError, NotFoundError } from "../client/errors";
import { accessOfText, decodeAccess, digestAccess, encodeAccess } from "./access-text";
import { checkFailures, type CheckFailure, type CheckResult } from "./check";
import { isUnknown } from "./unknowns";
import {
    accessByProject,
    type AccessByProject,
    type AccessText,
    type ObservedPermissionsArgs,
    type ObservedPermissionsInputs,
    type ObservedPermissionsState,
    compare,
} from "./types";

/** What a change of inputs means for a record. */
export interface ObservedDiff {
    readonly changes: boolean;
    /** `["checkpoint"]` when the record moved to another checkpoint: that is another record. */
    readonly replaces: Array<keyof ObservedPermissionsInputs>;
}

/** A record read live: the inputs the next diff compares with, and the state to keep. */
export interface LiveRecord {
    readonly inputs: ObservedPermissionsInputs;
    readonly state: ObservedPermissionsState;
}

/**
 * Checks the inputs, naming the bad property, and moves out of `access` into `revoking` what this `up` revokes:
 * a project that a grant of the stack managed at the last `up` (`olds`), that no grant manages now, and that
 * still holds the permission recorded then. Pulumi deletes that grant only after the program has run, so the
 * listing still shows it; recording it would make the next preview report its removal as drift.
 *
 * `olds` are the inputs last recorded (any shape an earlier version stored, or none for a new record).
 */
export function checkObserved(olds: Partial<ObservedPermissionsInputs>, args: ObservedPermissionsArgs): CheckResult<ObservedPermissionsInputs> {
    const given = { ...args, managedProjects: args.managedProjects ?? [] };
    const failures = [...checkRecordArgs(given), ...checkFailures(given, [["access", checkAccess]]).failures];
    if (failures.length > 0) return { inputs: { ...given, revoking: {} }, failures };
    const news = { ...given, managedProjects: sortedProjects(given.managedProjects) };
    const revoking = revokedBy(olds, news);
    const access = Object.keys(revoking).length === 0 ? news.access : encodeAccess(withoutProjects(decodeAccess(news.access), revoking));
    return { inputs: { ...news, access, revoking }, failures };
}

/**
 * Checks what a program gives a record besides its listing (`checkpoint`, `managedProjects`), naming the bad
 * property; a value not known yet is checked when it is. The plugin checks these before it reads the listing.
 */
export function checkRecordArgs(args: { readonly checkpoint?: unknown; readonly managedProjects?: unknown }): CheckFailure[] {
    const given = { checkpoint: args.checkpoint, managedProjects: args.managedProjects ?? [] };
    return checkFailures(given, [
        ["checkpoint", checkCheckpoint],
        ["managedProjects", checkProjectList],
    ]).failures;
}

/**
 * The outputs a record stored: this version's, or an earlier one's, which kept the access in them too (as this
 * text, as an object keyed by project, or as a permission list).
 */
export type StoredRecord = { readonly [K in keyof ObservedPermissionsState]?: unknown };

/**
 * `olds` are the outputs last stored (a surface's diff is handed those, not the old inputs). `revoking` is no
 * change of its own: it empties once the access it names is gone.
 */
export function diffObserved(olds: StoredRecord, news: { readonly [K in "checkpoint" | "access" | "managedProjects"]: unknown }): ObservedDiff {
    // Another checkpoint is another record. A listing not known yet (during preview) is a change: not a new record.
    const replaces: ObservedDiff["replaces"] = olds.checkpoint === news.checkpoint ? [] : ["checkpoint"];
    // A record imported by id has no managed projects recorded: it takes the program's without a change.
    const sameManaged = olds.managedProjects === undefined || sameList(olds.managedProjects, news.managedProjects);
    const changes = replaces.length > 0 || !sameAccess(olds, news.access) || !sameManaged;
    return { changes, replaces };
}

/**
 * The same access is the same text (sorted, one spelling), so the same digest. Outputs an earlier version stored
 * keep the access itself: the same text is the same (the outputs take the new shape at the next change), an object
 * or a list is not (it migrates). An unknown access is a change.
 */
function sameAccess(olds: StoredRecord, access: unknown): boolean {
    if (typeof access !== "string" || isUnknown(access)) return false;
    if (typeof olds.accessDigest === "string") return olds.accessDigest === digestAccess(access);
    return olds.access === access;
}

/**
 * The outputs to keep for the inputs recorded (create and update alike): the access text's digest for the text,
 * which the inputs keep; the text itself only for an `up` that revokes (see `ObservedPermissionsState.access`).
 */
export function recordObserved(inputs: ObservedPermissionsInputs): ObservedPermissionsState {
    const { checkpoint, access, managedProjects, revoking } = inputs;
    const revokes = Object.keys(revoking).length > 0;
    return { checkpoint, accessDigest: digestAccess(access), access: revokes ? access : null, managedProjects, revoking };
}

/**
 * `pulumi refresh`: the live listing becomes the inputs the next diff compares with. `undefined` when the
 * checkpoint is gone (or no longer visible): so is the record of its permissions. `managedProjects` are kept from
 * the state (`[]` for none); an import has no state to keep them from, and leaves them to the program.
 */
export async function readObserved(client: CheckpointPermissionsClient, checkpoint: string, managedProjects?: string[]): Promise<LiveRecord | undefined> {
    try {
        const { permissions } = await client.permissions.listAll(checkpoint);
        const access = encodeAccess(accessByProject(permissions));
        const inputs: ObservedPermissionsInputs = { checkpoint, access, managedProjects: managedProjects ?? [], revoking: {} };
        return { inputs, state: recordObserved(inputs) };
    } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
    }
}

/** The access of `news` that grants managed at the last `up` and no longer do: what this `up` revokes. */
function revokedBy(olds: Partial<ObservedPermissionsInputs>, news: Omit<ObservedPermissionsInputs, "revoking">): AccessByProject {
    const revoking: AccessByProject = {};
    if (olds.checkpoint !== news.checkpoint || isUnknown(news.access) || !isKnownList(news.managedProjects)) return revoking;
    if (!isKnownList(olds.managedProjects)) return revoking;
    const managed = new Set(news.managedProjects);
    const released = olds.managedProjects.filter((projectId) => !managed.has(projectId));
    const recorded = released.length === 0 ? undefined : recordedAccess(olds.access);
    if (recorded === undefined) return revoking;
    const access = decodeAccess(news.access);
    for (const projectId of released) {
        const permissionId = access[projectId];
        if (permissionId !== undefined && permissionId === recorded[projectId]) revoking[projectId] = permissionId;
    }
    return revoking;
}

/** The access a record stored: this version's text, or the object an earlier version stored; else `undefined`. */
function recordedAccess(value: unknown): AccessByProject | undefined {
    if (typeof value === "string") return accessOfText(value);
    return isPlainObject(value) && Object.values(value).every((id) => typeof id === "string") ? (value as AccessByProject) : undefined;
}

function withoutProjects(access: AccessByProject, projects: AccessByProject): AccessByProject {
    return Object.fromEntries(Object.entries(access).filter(([projectId]) => !Object.hasOwn(projects, projectId)));
}

/** The same project ids (both sorted, as checked); a list not known yet is never the same. */
function sameList(old: unknown, next: unknown): boolean {
    if (!isKnownList(old) || !isKnownList(next)) return false;
    return old.length === next.length && old.every((projectId, i) => projectId === next[i]);
}

/** A list whose every item is known (during preview the engine may send the list, or an item of it, as unknown). */
export function isKnownList(value: unknown): value is string[] {
    return Array.isArray(value) && !value.some(isUnknown);
}

/** Sorted and unique, so the same projects are always the same list; a list not known yet stays as it is. */
function sortedProjects(projectIds: string[]): string[] {
    return isKnownList(projectIds) ? [...new Set(projectIds)].sort(compare) : projectIds;
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
    if (!Array.isArray(value)) throw new InvalidArgumentError(argument, value, "must be a list of project ids");
    value.forEach((projectId, i) => {
        if (!isUnknown(projectId)) checkProjectId(projectId, `${argument}[${i}]`);
    });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
