/**
 * The rules the policies apply, as pure functions over plain values, so users can build their own policies from
 * them and the tests can check them without any policy machinery.
 */
import {
    grantCheckpoint,
    grantOf,
    isCheckpointPermissionGrant,
    observedPermissions,
    type Grant,
    type PolicyResourceLike,
    type ProjectAccess,
} from "./resources";

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

/** The observed permissions that no grant matches on checkpoint and project. */
export function unmanagedPermissions<A extends ProjectAccess>(
    observed: readonly A[],
    grants: readonly ProjectAccess[],
): A[] {
    const managed = new Set(grants.map(accessKey));
    return observed.filter((access) => !managed.has(accessKey(access)));
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

/** A short description of an access for violation messages: names the project and the permission when known. */
export function describeAccess(access: ProjectAccess): string {
    return access.permissionId === undefined
        ? `project ${access.projectId} (granted by this stack)`
        : `project ${access.projectId} (permission ${access.permissionId})`;
}

/** What a stack says about one checkpoint: what was observed and what its grants give. */
export interface CheckpointInStack {
    readonly checkpoint: string;
    /** The observed permissions, each with the urn of the `CheckpointPermissions` that recorded it. */
    readonly observed: Array<ProjectAccess & { readonly urn?: string }>;
    /** The grants whose checkpoint and project are known. */
    readonly grants: Array<Grant & { readonly urn?: string }>;
    /** True if a `CheckpointPermissions` resource records this checkpoint (its values known). */
    readonly isObserved: boolean;
    /** True if a grant's project (or checkpoint) is unknown, or malformed, and so may concern this checkpoint. */
    readonly hasUnknownGrants: boolean;
    /** The urn to report a violation about the whole checkpoint against. */
    readonly urn?: string;
}

/**
 * The stack's resources grouped by checkpoint, for stack policies. Resources whose values are unknown are not
 * guessed at: a grant with an unknown project marks its checkpoint `hasUnknownGrants` (one with an unknown
 * checkpoint marks every checkpoint), so a rule that a hidden grant could satisfy can stay silent.
 */
export function checkpointsInStack(resources: readonly PolicyResourceLike[]): CheckpointInStack[] {
    type Entry = {
        checkpoint: string;
        observed: Array<ProjectAccess & { urn?: string }>;
        grants: Array<Grant & { urn?: string }>;
        isObserved: boolean;
        hasUnknownGrants: boolean;
        urn?: string;
        seenPermissionIds: Set<string>;
    };
    const byCheckpoint = new Map<string, Entry>();
    const entry = (checkpoint: string): Entry => {
        let found = byCheckpoint.get(checkpoint);
        if (!found) {
            found = { checkpoint, observed: [], grants: [], isObserved: false, hasUnknownGrants: false, seenPermissionIds: new Set() };
            byCheckpoint.set(checkpoint, found);
        }
        return found;
    };
    let grantToUnknownCheckpoint = false;

    for (const resource of resources) {
        const urn = resource.urn === undefined ? {} : { urn: resource.urn };
        const observed = observedPermissions(resource);
        if (observed) {
            const found = entry(observed.checkpoint);
            // Report about a checkpoint against the resource that observed it, rather than a grant.
            if (!found.isObserved && resource.urn !== undefined) found.urn = resource.urn;
            found.isObserved = true;
            for (const { id, projectId } of observed.permissions) {
                // Two resources may observe the same checkpoint: count each permission once.
                if (found.seenPermissionIds.has(id)) continue;
                found.seenPermissionIds.add(id);
                found.observed.push({ checkpoint: observed.checkpoint, projectId, permissionId: id, ...urn });
            }
            continue;
        }
        if (!isCheckpointPermissionGrant(resource)) continue;
        const grant = grantOf(resource);
        if (grant) {
            const found = entry(grant.checkpoint);
            found.grants.push({ ...grant, ...urn });
            if (found.urn === undefined && resource.urn !== undefined) found.urn = resource.urn;
            continue;
        }
        const checkpoint = grantCheckpoint(resource);
        if (checkpoint === undefined) grantToUnknownCheckpoint = true;
        else entry(checkpoint).hasUnknownGrants = true;
    }

    return [...byCheckpoint.values()].map(({ seenPermissionIds: _seen, ...found }) => ({
        ...found,
        hasUnknownGrants: found.hasUnknownGrants || grantToUnknownCheckpoint,
    }));
}

/** The projects that have, or are granted by the stack, access to a checkpoint: sorted, unique. */
export function projectsWithAccess(checkpoint: CheckpointInStack): string[] {
    const projectIds = new Set([...checkpoint.observed, ...checkpoint.grants].map((access) => access.projectId));
    return [...projectIds].sort();
}

function accessKey(access: ProjectAccess): string {
    // JSON keeps the pair unambiguous whatever characters the ids contain.
    return JSON.stringify([access.checkpoint, access.projectId]);
}
