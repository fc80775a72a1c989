/**
 * The property shapes the two resources keep in state, on both surfaces (the dynamic provider adds `__provider`):
 * what the provider receives and returns, what a CrossGuard policy sees. Plain data, no Outputs.
 */

/** Type tokens of the dynamic resources, as the dynamic provider SDK builds them from `module` and `type`. */
export const CHECKPOINT_PERMISSIONS_TYPE = "pulumi-nodejs:dynamic/openai:CheckpointPermissions";
export const CHECKPOINT_PERMISSION_GRANT_TYPE = "pulumi-nodejs:dynamic/openai:CheckpointPermissionGrant";

/** Type tokens of the same resources served by the native provider plugin (package `openai-checkpoints`): the same properties. */
export const PLUGIN_CHECKPOINT_PERMISSIONS_TYPE = "openai-checkpoints:index:CheckpointPermissions";
export const PLUGIN_CHECKPOINT_PERMISSION_GRANT_TYPE = "openai-checkpoints:index:CheckpointPermissionGrant";

/** One project's access to a checkpoint, as recorded. */
export interface PermissionRecord {
    /** The permission id, `cp_…`. */
    id: string;
    /** The project with access, `proj_…`. */
    projectId: string;
    /** When access was granted, in Unix seconds. */
    createdAt: number;
}

/**
 * A checkpoint's access, keyed by project: each project with access, and the id of its permission,
 * e.g. `{ "proj_eval": "cp_…" }`. Keyed so that the engine's diff of two records names the projects added,
 * removed or granted again (a new permission id), and nothing else.
 */
export type AccessByProject = Record<string, string>;

/**
 * `AccessByProject` as a record stores it: text, one `project permission` line per project, sorted
 * (./access-text.ts, which says why). The engine's preview shows a change of it as the lines added and removed.
 */
export type AccessText = string;

/** `CheckpointPermissions` as the program gives it: the listing it read, keyed by project. */
export interface ObservedPermissionsArgs {
    checkpoint: string;
    access: AccessText;
    /**
     * The projects whose access grants of the stack manage: the grants the record waits for; project ids, sorted and
     * unique once checked (so the engine's diff of them names the project). A program leaves it out when there are
     * none (the SDK pays for every property it sends); the provider's check records `[]`.
     */
    managedProjects?: string[];
}

/** `CheckpointPermissions` inputs after the provider's check. The engine diffs these, so they are what a preview shows. */
export interface ObservedPermissionsInputs extends Required<ObservedPermissionsArgs> {
    /**
     * The access that this `up` revokes and that the listing, read before Pulumi deletes anything, still showed:
     * projects whose grant left the stack since the last `up`. Left out of `access`, so the stack converges in one
     * `up`; kept here so the program's outputs leave it out too. Empty but for the `up` that revokes.
     */
    revoking: AccessByProject;
}

/**
 * `CheckpointPermissions` outputs: the checked inputs less the access text, which the inputs keep (the engine diffs
 * and shows the inputs, and the access is nearly all of a record's state). Its digest stands in for it, so the
 * provider's diff, which is handed the outputs, still tells whether the access changed.
 */
export interface ObservedPermissionsState extends Omit<ObservedPermissionsInputs, "access"> {
    /** `digestAccess(access)` (./access-text.ts). */
    accessDigest: string;
    /**
     * The access text again, only while `revoking` is not empty: the program reads it back to leave what the `up`
     * revokes out of its own outputs. Otherwise `null`, not absent: the SDK resolves an absent output as unknown
     * during preview.
     */
    access: AccessText | null;
}

/**
 * The record as it was stored before it was keyed by project (inputs and outputs alike); the next `up` migrates it.
 * `kind` told the one dynamic provider both resources shared which one a call was about.
 */
export interface LegacyObservedPermissionsState {
    kind: "CheckpointPermissions";
    checkpoint: string;
    permissions: PermissionRecord[];
    projectIds: string[];
    permissionCount: number;
}

/** `CheckpointPermissionGrant` inputs. */
export interface GrantInputs {
    checkpoint: string;
    projectId: string;
}

/** `CheckpointPermissionGrant` state after create. */
export interface GrantState extends GrantInputs {
    /** The permission id, `cp_…`; also the resource's id. */
    permissionId: string;
    createdAt: number;
    /** True when the project already had access and the existing permission was taken over. */
    adopted: boolean;
}

/** The convenient views of a listing: every permission sorted by project (then id), and the projects, sorted and unique. */
export interface PermissionSummary {
    permissions: PermissionRecord[];
    projectIds: string[];
    permissionCount: number;
}

/** Sorts and summarizes a listing the way the function, the record and the policies show it. */
export function summarize(permissions: ReadonlyArray<PermissionRecord>): PermissionSummary {
    const sorted = [...permissions]
        .map(({ id, projectId, createdAt }) => ({ id, projectId, createdAt }))
        .sort((a, b) => compare(a.projectId, b.projectId) || compare(a.id, b.id));
    const projectIds = [...new Set(sorted.map((p) => p.projectId))];
    return { permissions: sorted, projectIds, permissionCount: sorted.length };
}

/**
 * A listing keyed by project, sorted. A project holds one permission; should the API ever list two for one
 * project, the first by id is kept, so the record does not flip between them from run to run.
 */
export function accessByProject(permissions: ReadonlyArray<Pick<PermissionRecord, "id" | "projectId">>): AccessByProject {
    const sorted = [...permissions].sort((a, b) => compare(a.projectId, b.projectId) || compare(a.id, b.id));
    const access: AccessByProject = {};
    for (const { projectId, id } of sorted) access[projectId] ??= id;
    return access;
}

export function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
