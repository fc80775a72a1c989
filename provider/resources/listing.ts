/**
 * The read behind `getCheckpointPermissions`, surface-free: checks the arguments, lists every page, and
 * shapes the result. The dynamic surface calls it in the program; the plugin serves it as an invoke.
 */
import type { CheckpointPermissionsClient } from "../client";
import { checkCheckpoint, checkOrder, checkProjectId } from "../client/arguments";
import type { PermissionOrder } from "../api/types";
import { summarize, type PermissionRecord } from "./types";

/** Arguments for `getCheckpointPermissions`. */
export interface GetCheckpointPermissionsArgs {
    /** The fine-tuned model checkpoint, e.g. `ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100`. */
    checkpoint: string;
    /** Only this project's permission. */
    projectId?: string;
    /** `descending` (newest first, the API's default) or `ascending`. */
    order?: PermissionOrder;
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
    readonly permissions: PermissionRecord[];
    /** The projects with access, sorted and unique. */
    readonly projectIds: string[];
    /** Each project's permission, by project id. */
    readonly permissionsByProject: Record<string, PermissionRecord>;
    readonly permissionCount: number;
}

/** The arguments after their checks: the order filled in. */
export type PermissionsQuery = Required<Pick<GetCheckpointPermissionsArgs, "checkpoint" | "order">> & Pick<GetCheckpointPermissionsArgs, "projectId">;

/** Where a listing's progress goes: the surface decides how loud (`pulumi.log`, the engine's log). */
export type ListingProgress = (level: "debug" | "info", message: string) => void;

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
    };
}

/** Lists every permission the query matches and shapes the result. */
export async function readCheckpointPermissions(
    client: CheckpointPermissionsClient,
    query: PermissionsQuery,
    progress?: ListingProgress,
): Promise<GetCheckpointPermissionsResult> {
    const { checkpoint, projectId, order } = query;
    const listing = await client.permissions.listAll(checkpoint, {
        projectId,
        order,
        onPage: ({ page, count, hasMore }) => {
            // A listing done in one page has no progress to tell, and a log line costs the engine a call per record.
            if (page === 1 && !hasMore) return;
            progress?.(count >= BIG_LISTING ? "info" : "debug", `${checkpoint}: page ${page}, ${count} permissions${hasMore ? " so far" : ""}`);
        },
    });
    const { permissions } = listing;
    const { projectIds } = summarize(permissions);
    return {
        id: projectId === undefined ? checkpoint : `${checkpoint}?projectId=${projectId}`,
        checkpoint,
        ...(projectId === undefined ? {} : { projectId }),
        order,
        permissions,
        projectIds,
        permissionsByProject: Object.fromEntries(permissions.map((p) => [p.projectId, p])),
        permissionCount: permissions.length,
    };
}
