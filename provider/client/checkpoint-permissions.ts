/**
 * The three checkpoint-permission operations, on top of the client core: list (one page, or every page),
 * grant, revoke. Every argument is checked before a request goes out.
 */
import { DeletedPermissionWire, PermissionListWire, toPermission } from "../api/model";
import type { CheckpointPermission, DeletedPermission, PermissionOrder, PermissionPage } from "../api/types";
import { checkCheckpoint, checkLimit, checkOrder, checkPermissionId, checkProjectId, checkProjectIds, pathSegment } from "./arguments";
import { InvalidResponseError } from "./errors";
import type { OpenAIClient, RequestOptions } from "./core";
import { fetchPage, listEvery, pagesOf, type FetchedPage, type Listing, type ListingOptions } from "./paging";

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

export interface ListAllParams extends ListingOptions {
    projectId?: string;
    order?: PermissionOrder;
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

    /** One page of a checkpoint's permissions, as the API answered it. */
    async listPage(checkpoint: string, params: ListPageParams = {}): Promise<PermissionPage> {
        return (await this.fetchPage(checkpoint, params)).page;
    }

    private async fetchPage(checkpoint: string, params: ListPageParams): Promise<FetchedPage<CheckpointPermission>> {
        const id = checkCheckpoint(checkpoint);
        const query = {
            project_id: params.projectId === undefined ? undefined : checkProjectId(params.projectId),
            after: params.after === undefined ? undefined : checkPermissionId(params.after, "after"),
            limit: params.limit === undefined ? undefined : checkLimit(params.limit),
            order: params.order === undefined ? undefined : checkOrder(params.order),
        };
        return fetchPage(this.client, permissionsPath(id), query, PermissionListWire, toPermission, params);
    }

    private listing(checkpoint: string, params: ListAllParams): Listing<CheckpointPermission> {
        return {
            subject: `${checkCheckpoint(checkpoint)}'s permissions`,
            noun: "permission",
            itemLimit: "maxPermissions",
            fetch: (after, limit, options) => this.fetchPage(checkpoint, { projectId: params.projectId, order: params.order, after, limit, ...options }),
            conflict: (first, again) =>
                first.projectId === again.projectId && first.createdAt === again.createdAt
                    ? undefined
                    : `for ${first.projectId} (created ${first.createdAt}) and for ${again.projectId} (created ${again.createdAt})`,
        };
    }

    /**
     * Every permission of a checkpoint, following the cursor until `has_more` is false, within the
     * client's `listingLimits` (a `ListingLimitError` names the one exceeded). A permission the API lists
     * twice is counted once, with one warning for the listing; see `pages()`.
     */
    async listAll(checkpoint: string, params: ListAllParams = {}): Promise<PermissionListing> {
        const { items, pages } = await listEvery(this.client, this.listing(checkpoint, params), params);
        return { checkpoint, permissions: items, pages };
    }

    /**
     * The pages of a listing, fetched one at a time as they are consumed, within the client's
     * `listingLimits`: past `maxPages` requests, `maxPermissions` distinct permissions or `deadlineMs` the
     * listing ends with a `ListingLimitError`. A permission whose id was already listed is left out of its
     * page (one warning for the listing names such ids); if its copy disagrees with the first (another
     * project, another time) the listing ends with an `InvalidResponseError`, since either could be the
     * truth.
     */
    async *pages(checkpoint: string, params: ListAllParams = {}): AsyncGenerator<PermissionPage> {
        yield* pagesOf(this.client, this.listing(checkpoint, params), params);
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
