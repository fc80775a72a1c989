/**
 * The rules the policies apply, as pure functions over plain values, so users can build their own policies from
 * them and the tests can check them without any policy machinery.
 */
import { grantorIdentity, UNKNOWN_GRANTOR } from "../resources/attribution";
import { compare } from "../resources/listing";
import type { CheckpointRecord, ProjectAccess } from "./resources";

/** The accesses whose project is not in `allowed`. */
export function unexpectedProjects<A extends ProjectAccess>(accesses: readonly A[], allowed: Iterable<string>): A[] {
    const allowedSet = new Set(allowed);
    return accesses.filter((access) => !allowedSet.has(access.projectId));
}

/** The accesses whose project is in `forbidden`. */
export function forbiddenProjects<A extends ProjectAccess>(accesses: readonly A[], forbidden: Iterable<string>): A[] {
    const forbiddenSet = new Set(forbidden);
    return accesses.filter((access) => forbiddenSet.has(access.projectId));
}

/** The projects of `required` that are not in `projectIds`, in `required`'s order. */
export function missingProjects(projectIds: Iterable<string>, required: Iterable<string>): string[] {
    const present = new Set(projectIds);
    return [...new Set(required)].filter((projectId) => !present.has(projectId));
}

/** The accesses whose project is not in `managedProjectIds`: access that no grant of the stack manages. */
export function unmanagedPermissions<A extends ProjectAccess>(accesses: readonly A[], managedProjectIds: Iterable<string>): A[] {
    // The managed projects are the only ones expected.
    return unexpectedProjects(accesses, managedProjectIds);
}

/**
 * The allowed projects for one checkpoint: its own list from `checkpoints` if it has one (an empty list there
 * means no project may have access), else `allowedProjects`; `undefined` when neither says anything, i.e. the
 * default list is empty and there is no entry for the checkpoint.
 */
export function allowedProjectsFor(
    checkpoint: string,
    config: { readonly allowedProjects: readonly string[]; readonly checkpoints: Readonly<Record<string, readonly string[]>> },
): readonly string[] | undefined {
    if (Object.prototype.hasOwnProperty.call(config.checkpoints, checkpoint)) return config.checkpoints[checkpoint];
    return config.allowedProjects.length > 0 ? config.allowedProjects : undefined;
}

/**
 * A short description of an access for violation messages: names the project, the permission when known, and who
 * granted it when the record says.
 */
export function describeAccess(access: ProjectAccess): string {
    if (access.permissionId === undefined) return `project ${access.projectId} (granted by this stack)`;
    const grantor = access.grantedBy === undefined ? "" : `, granted by ${access.grantedBy}`;
    return `project ${access.projectId} (permission ${access.permissionId}${grantor})`;
}

/**
 * The accesses granted by someone `allowed` does not list (by email, or user or service account id:
 * `grantorIdentity`), an unknown grantor among them unless `allowUnknown`. Accesses that name no grantor (a record
 * without attribution) are not judged.
 */
export function unapprovedGrantors<A extends ProjectAccess>(accesses: readonly A[], allowed: Iterable<string>, allowUnknown = false): A[] {
    const allowedSet = new Set(allowed);
    return accesses.filter(({ grantedBy }) => {
        if (grantedBy === undefined) return false;
        if (grantedBy === UNKNOWN_GRANTOR) return !allowUnknown;
        return !allowedSet.has(grantorIdentity(grantedBy));
    });
}

/**
 * The projects that have access to a recorded checkpoint, or are granted it by the grants the record waits for:
 * sorted, unique. Managed projects not known yet (preview) are not counted.
 */
export function projectsWithAccess(record: CheckpointRecord): string[] {
    return [...new Set([...record.projectIds, ...(record.managedProjectIds ?? [])])].sort(compare);
}

/** Each project's access to a recorded checkpoint: its permission if it has one, else what its grant gives. */
export function accessesOfProjects(record: CheckpointRecord, projectIds: readonly string[]): ProjectAccess[] {
    const held = new Map(record.accesses.map((access) => [access.projectId, access]));
    return projectIds.map((projectId) => held.get(projectId) ?? { checkpoint: record.checkpoint, projectId });
}

/** A resource of the stack that manages access to a checkpoint: a `CheckpointAccess` or a `CheckpointPermissionGrant`. */
export interface AccessManager {
    readonly checkpoint: string;
    readonly kind: "CheckpointAccess" | "CheckpointPermissionGrant";
}

/**
 * The managers of each checkpoint that a `CheckpointAccess` manages along with anything else (a grant, or another
 * `CheckpointAccess`), one list per such checkpoint, in the order met. Each would undo the other's work: the
 * `CheckpointAccess` revokes every project outside its set, and the other grants it again, or declares another set.
 */
export function competingManagers<M extends AccessManager>(managers: readonly M[]): M[][] {
    const byCheckpoint = new Map<string, M[]>();
    for (const manager of managers) {
        const list = byCheckpoint.get(manager.checkpoint) ?? [];
        list.push(manager);
        byCheckpoint.set(manager.checkpoint, list);
    }
    return [...byCheckpoint.values()].filter((list) => list.length > 1 && list.some((manager) => manager.kind === "CheckpointAccess"));
}
