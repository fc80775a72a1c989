/**
 * The property shapes the two dynamic resources keep in state: what the provider receives and returns,
 * what a CrossGuard policy sees. Plain data, no Outputs.
 */

/** Type tokens, as the dynamic provider SDK builds them from `module` and `type`. */
export const CHECKPOINT_PERMISSIONS_TYPE = "pulumi-nodejs:dynamic/openai:CheckpointPermissions";
export const CHECKPOINT_PERMISSION_GRANT_TYPE = "pulumi-nodejs:dynamic/openai:CheckpointPermissionGrant";

/** One project's access to a checkpoint, as recorded. */
export interface PermissionRecord {
    /** The permission id, `cp_…`. */
    id: string;
    /** The project with access, `proj_…`. */
    projectId: string;
    /** When access was granted, in Unix seconds. */
    createdAt: number;
}

/** `CheckpointPermissions`: a checkpoint's live permissions, read during the program run. */
export interface ObservedPermissionsState {
    /** Tells the shared provider which resource it is handling. */
    kind: "CheckpointPermissions";
    checkpoint: string;
    /** Sorted by project id, so a change outside Pulumi shows as a small diff. */
    permissions: PermissionRecord[];
    /** Sorted, unique. */
    projectIds: string[];
    permissionCount: number;
}

/** `CheckpointPermissionGrant` inputs. */
export interface GrantInputs {
    kind: "CheckpointPermissionGrant";
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

/** Sorts and summarizes a listing the way both the function and the resource record it. */
export function summarize(permissions: ReadonlyArray<PermissionRecord>): Pick<ObservedPermissionsState, "permissions" | "projectIds" | "permissionCount"> {
    const sorted = [...permissions]
        .map(({ id, projectId, createdAt }) => ({ id, projectId, createdAt }))
        .sort((a, b) => compare(a.projectId, b.projectId) || compare(a.id, b.id));
    const projectIds = [...new Set(sorted.map((p) => p.projectId))];
    return { permissions: sorted, projectIds, permissionCount: sorted.length };
}

function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
