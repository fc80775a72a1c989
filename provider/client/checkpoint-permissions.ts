/**
 * The three checkpoint-permission operations, on top of the client core: list (one page, or every page),
 * grant, revoke. Every argument is checked before a request goes out.
 */
import {
    DeletedPermissionWire,
    PermissionListWire,
    toPage,
    toPermission,
    type CheckpointPermission,
    type DeletedPermission,
    type PermissionOrder,
    type PermissionPage,
} from "../api/model";
import {
    checkCheckpoint,
    checkLimit,
    checkOrder,
    checkPermissionId,
    checkProjectId,
    checkProjectIds,
    MAX_PAGE_SIZE,
    pathSegment,
} from "./arguments";
import { InvalidResponseError, PaginationError } from "./errors";
import type { OpenAIClient, RequestOptions } from "./core";

export interface ListPageParams extends RequestOptions {
    /** Only this project's permission. */
    projectId?: string;
    /** The permission id the page starts after. */
    after?: string;
    /** 1 to 100; the API's default is 10. */
    limit?: number;
    /** The API's default is `descending`, newest first. */
    order?: PermissionOrder;
}

export interface ListAllParams extends RequestOptions {
    projectId?: string;
    order?: PermissionOrder;
    /** Permissions per request, 1 to 100. Default 100, the fewest round trips. */
    pageSize?: number;
    /** Called after each page with the running count; for progress reporting. */
    onPage?: (progress: { page: number; count: number; hasMore: boolean }) => void;
}

/** A listing at a moment: every permission, in the order asked for. */
export interface PermissionListing {
    readonly checkpoint: string;
    readonly permissions: CheckpointPermission[];
    /** How many requests it took. */
    readonly pages: number;
}

export class CheckpointPermissionsAPI {
    constructor(private readonly client: OpenAIClient) {}

    /** One page of a checkpoint's permissions. */
    async listPage(checkpoint: string, params: ListPageParams = {}): Promise<PermissionPage> {
        const id = checkCheckpoint(checkpoint);
        const query = {
            project_id: params.projectId === undefined ? undefined : checkProjectId(params.projectId),
            after: params.after === undefined ? undefined : checkPermissionId(params.after, "after"),
            limit: params.limit === undefined ? undefined : checkLimit(params.limit),
            order: params.order === undefined ? undefined : checkOrder(params.order),
        };
        const { value } = await this.client.send({ method: "GET", path: permissionsPath(id), query }, PermissionListWire, params);
        return toPage(value);
    }

    /** Every permission of a checkpoint, following the cursor until `has_more` is false. */
    async listAll(checkpoint: string, params: ListAllParams = {}): Promise<PermissionListing> {
        const permissions: CheckpointPermission[] = [];
        let pages = 0;
        for await (const page of this.pages(checkpoint, params)) {
            pages++;
            permissions.push(...page.data);
            params.onPage?.({ page: pages, count: permissions.length, hasMore: page.hasMore });
        }
        return { checkpoint, permissions, pages };
    }

    /** The pages of a listing, fetched one at a time as they are consumed. */
    async *pages(checkpoint: string, params: ListAllParams = {}): AsyncGenerator<PermissionPage> {
        checkCheckpoint(checkpoint);
        const limit = params.pageSize === undefined ? MAX_PAGE_SIZE : checkLimit(params.pageSize, "pageSize");
        const seen = new Set<string>();
        let after: string | undefined;
        for (;;) {
            const page = await this.listPage(checkpoint, {
                projectId: params.projectId,
                order: params.order,
                after,
                limit,
                signal: params.signal,
                timeoutMs: params.timeoutMs,
            });
            yield page;
            if (!page.hasMore) return;
            // A server that says "more" but gives no way forward would otherwise be asked forever.
            const next = page.lastId ?? page.data.at(-1)?.id;
            if (page.data.length === 0 || next === undefined) {
                throw new PaginationError(checkpoint, after, "the API said has_more but returned an empty page");
            }
            if (seen.has(next)) {
                throw new PaginationError(checkpoint, after, `the cursor ${next} was already used`);
            }
            seen.add(next);
            after = next;
        }
    }

    /** Grants each project access to the checkpoint; returns the created permissions. */
    async create(checkpoint: string, projectIds: string[], options: RequestOptions = {}): Promise<CheckpointPermission[]> {
        const id = checkCheckpoint(checkpoint);
        const ids = checkProjectIds(projectIds);
        const { value } = await this.client.send(
            { method: "POST", path: permissionsPath(id), body: { project_ids: ids } },
            PermissionListWire,
            options,
        );
        return value.data.map(toPermission);
    }

    /** Revokes one permission. */
    async delete(checkpoint: string, permissionId: string, options: RequestOptions = {}): Promise<DeletedPermission> {
        const id = checkCheckpoint(checkpoint);
        const permission = checkPermissionId(permissionId);
        const path = `${permissionsPath(id)}/${pathSegment(permission)}`;
        const { value, requestId } = await this.client.send({ method: "DELETE", path }, DeletedPermissionWire, options);
        if (value.id !== permission) {
            throw new InvalidResponseError(200, requestId, "id", `expected ${permission}, the API answered ${value.id}`, "DELETE", path);
        }
        return { id: value.id, deleted: value.deleted };
    }
}

function permissionsPath(checkpoint: string): string {
    return `/fine_tuning/checkpoints/${pathSegment(checkpoint)}/permissions`;
}
