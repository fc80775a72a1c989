/**
 * The domain types the package speaks in, camelCase, as every layer above the wire model uses them. Kept apart from
 * the zod schemas in model.ts so the package's declarations never lead a user's compiler into zod's own.
 */

/** The order permissions are listed in; the API's default is `descending` (newest first). */
export type PermissionOrder = "ascending" | "descending";

/** One project's access to one checkpoint. */
export interface CheckpointPermission {
    /** The permission id, `cp_…`. */
    readonly id: string;
    /** The project that may use the checkpoint, `proj_…`. */
    readonly projectId: string;
    /** When access was granted, in Unix seconds. */
    readonly createdAt: number;
}

/** One page of a listing, in camelCase. */
export interface PermissionPage {
    readonly data: CheckpointPermission[];
    readonly firstId: string | null;
    readonly lastId: string | null;
    readonly hasMore: boolean;
}

/** The result of a delete. */
export interface DeletedPermission {
    readonly id: string;
    readonly deleted: boolean;
}
