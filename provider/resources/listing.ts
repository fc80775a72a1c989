/**
 * A checkpoint's listing, surface-free: the read behind `getCheckpointPermissions` (checks the arguments, lists
 * every page, shapes the result; the dynamic surface calls it in the program, the plugin serves it as an invoke),
 * and the one rule for a project's access that the function, the record and the policies all follow.
 */
import type { CheckpointPermissionsClient } from "../client";
import { checkBoolean, checkCheckpoint, checkOrder, checkProjectId } from "../client/arguments";
import { NotFoundError } from "../client/errors";
import type { PermissionOrder } from "../api/types";
import { attributionOf, type Grantor } from "./attribution";
import type { AccessByProject, CheckpointPermission } from "./types";

/** Arguments for `getCheckpointPermissions`. */
export interface GetCheckpointPermissionsArgs {
    /** The fine-tuned model checkpoint, e.g. `ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100`. */
    checkpoint: string;
    /** Only this project's permission. */
    projectId?: string;
    /** `descending` (newest first, the API's default) or `ascending`. */
    order?: PermissionOrder;
    /**
     * Also say who granted each permission and when, from the organization's audit log (`grantedBy`, `grantedAt`).
     * Every read of a program run shares one listing of the log. A permission granted in the last 5 minutes (by the
     * server's clock) whose event the log does not show yet is waited for, up to 5 minutes after its grant.
     */
    attribution?: boolean;
}

/** A permission as a read gives it: with who granted it and when, if the read asked for attribution. */
export interface ListedPermission extends CheckpointPermission {
    /** Who granted it (with `attribution: true`); `kind: "unknown"` with the reason when the audit log cannot say. */
    readonly grantedBy?: Grantor;
    /** When, from the audit log's event (Unix seconds); `null` when unknown. */
    readonly grantedAt?: number | null;
}

/** A checkpoint's permissions at the time of the read. */
export interface GetCheckpointPermissionsResult {
    /** `checkpoint`, or `checkpoint?projectId=…` when filtered. */
    readonly id: string;
    readonly checkpoint: string;
    /** The project filter, when one was given. */
    readonly projectId?: string;
    readonly order: PermissionOrder;
    /** Every permission, in `order`. */
    readonly permissions: ListedPermission[];
    /** The projects with access, sorted and unique. */
    readonly projectIds: string[];
    /** Each project's permission, by project id. */
    readonly permissionsByProject: Record<string, ListedPermission>;
    readonly permissionCount: number;
}

/** The arguments after their checks: the order and attribution filled in. */
export type PermissionsQuery = Required<Pick<GetCheckpointPermissionsArgs, "checkpoint" | "order" | "attribution">> & Pick<GetCheckpointPermissionsArgs, "projectId">;

/** Where a listing's progress and warnings go: the surface decides how loud (`pulumi.log`, the engine's log). */
export type ListingProgress = (level: "debug" | "info" | "warn", message: string) => void;

/**
 * Where a read gets a checkpoint's whole listing (newest first, every page; rejecting with the client's error, a
 * `NotFoundError` for a checkpoint that is gone). By default the client lists; a surface that reads the same
 * checkpoint more than once in a program run (discovery, then the checkpoint's record) passes one that shares the
 * run's listing.
 */
export type PermissionLister = (checkpoint: string, progress?: ListingProgress) => Promise<CheckpointPermission[]>;

/** Log a listing at info level from this many permissions on; smaller ones only at debug. */
const BIG_LISTING = 1_000;

/**
 * Checks the arguments, naming the bad one, before any request goes out. Takes them as they come, typed or not (a
 * JavaScript caller's, an invoke's from another language), since checking is the point.
 */
export function checkPermissionsQuery(args: { readonly [K in keyof GetCheckpointPermissionsArgs]?: unknown }): PermissionsQuery {
    return {
        checkpoint: checkCheckpoint(args?.checkpoint, "checkpoint"),
        projectId: args.projectId === undefined ? undefined : checkProjectId(args.projectId, "projectId"),
        order: args.order === undefined ? "descending" : checkOrder(args.order, "order"),
        attribution: args.attribution === undefined ? false : checkBoolean(args.attribution, "attribution"),
    };
}

/**
 * Lists every permission the query matches and shapes the result. `lister` serves the whole listing in the API's
 * order (no project filter, newest first); other queries list for themselves.
 */
export async function readCheckpointPermissions(
    client: CheckpointPermissionsClient,
    query: PermissionsQuery,
    progress?: ListingProgress,
    lister?: PermissionLister,
): Promise<GetCheckpointPermissionsResult> {
    const { checkpoint, projectId, order, attribution } = query;
    const whole = projectId === undefined && order === "descending";
    const listed = lister !== undefined && whole ? await lister(checkpoint, progress) : await listPermissions(client, checkpoint, progress, { projectId, order });
    const permissions: ListedPermission[] = attribution ? await attributionOf(client).attribute(checkpoint, listed, (message) => progress?.("warn", message)) : listed;
    const held = permissionsByProject(permissions);
    return {
        id: projectId === undefined ? checkpoint : `${checkpoint}?projectId=${projectId}`,
        checkpoint,
        ...(projectId === undefined ? {} : { projectId }),
        order,
        permissions,
        projectIds: held.map((p) => p.projectId),
        permissionsByProject: Object.fromEntries(held.map((p) => [p.projectId, p])),
        permissionCount: permissions.length,
    };
}

/** Every permission of a checkpoint as the client lists it, its pages' progress told for a listing of more than one. */
export async function listPermissions(
    client: CheckpointPermissionsClient,
    checkpoint: string,
    progress?: ListingProgress,
    { projectId, order }: { projectId?: string; order?: PermissionOrder } = {},
): Promise<CheckpointPermission[]> {
    const listing = await client.permissions.listAll(checkpoint, {
        ...(projectId === undefined ? {} : { projectId }),
        ...(order === undefined ? {} : { order }),
        onPage: ({ page, count, hasMore }) => {
            // A listing done in one page has no progress to tell, and a log line costs the engine a call per record.
            if (page === 1 && !hasMore) return;
            progress?.(count >= BIG_LISTING ? "info" : "debug", `${checkpoint}: page ${page}, ${count} permissions${hasMore ? " so far" : ""}`);
        },
    });
    return listing.permissions;
}

/** Every permission of a checkpoint, or `undefined` when the checkpoint is gone (or not visible to this key). */
export async function listIfPresent(client: CheckpointPermissionsClient, checkpoint: string, lister?: PermissionLister): Promise<CheckpointPermission[] | undefined> {
    try {
        return await (lister ?? ((whole) => listPermissions(client, whole)))(checkpoint);
    } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
    }
}

/**
 * The permission each project holds, sorted by project. A project holds one; should the API ever list two for one
 * project, the first by id is the one, so a record does not flip between them from run to run.
 */
export function permissionsByProject<P extends Pick<CheckpointPermission, "id" | "projectId">>(permissions: Iterable<P>): P[] {
    const sorted = [...permissions].sort((a, b) => compare(a.projectId, b.projectId) || compare(a.id, b.id));
    return sorted.filter((permission, i) => i === 0 || sorted[i - 1]!.projectId !== permission.projectId);
}

/** Each project's access, by {@link permissionsByProject}'s rule. */
export function accessByProject(permissions: Iterable<Pick<CheckpointPermission, "id" | "projectId">>): AccessByProject {
    return Object.fromEntries(permissionsByProject(permissions).map(({ projectId, id }) => [projectId, id]));
}

/** Code-unit order: the same on every machine and locale (ids are ASCII). */
export function compare(a: string, b: string): number {
    return a < b ? -1 : a > b ? 1 : 0;
}
