/**
 * The three checkpoint-permission operations, on top of the client core: list (one page, or every page),
 * grant, revoke. Every argument is checked before a request goes out.
 */
import { DeletedPermissionWire, PermissionListWire, toPage, toPermission } from "../api/model";
import type { CheckpointPermission, DeletedPermission, PermissionOrder, PermissionPage } from "../api/types";
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
import { APIUserAbortError, InvalidResponseError, ListingLimitError, PaginationError } from "./errors";
import type { OpenAIClient, RequestOptions } from "./core";
import { resolveListingLimits, type ListingLimits } from "./limits";

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
    /**
     * Progress: called after the first page, then at most once per `listingLimits.progressIntervalMs`
     * (default 10 s), and after the last page, with the running count of distinct permissions. A long
     * listing reports a few times, not once a page; `pages()` hands over every page.
     */
    onPage?: (progress: { page: number; count: number; hasMore: boolean }) => void;
    /** Overrides the client's `listingLimits` for this listing. */
    listingLimits?: Partial<ListingLimits>;
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

    private async fetchPage(checkpoint: string, params: ListPageParams): Promise<FetchedPage> {
        const id = checkCheckpoint(checkpoint);
        const query = {
            project_id: params.projectId === undefined ? undefined : checkProjectId(params.projectId),
            after: params.after === undefined ? undefined : checkPermissionId(params.after, "after"),
            limit: params.limit === undefined ? undefined : checkLimit(params.limit),
            order: params.order === undefined ? undefined : checkOrder(params.order),
        };
        const path = permissionsPath(id);
        const { value, requestId } = await this.client.send({ method: "GET", path, query }, PermissionListWire, params);
        return { page: toPage(value, toPermission), requestId, path };
    }

    private limitsFor(params: ListAllParams): ListingLimits {
        return resolveListingLimits(params.listingLimits, this.client.listingLimits);
    }

    // One line for the whole listing, however many pages repeat themselves; a few ids to look up, not all.
    private warnRepeated(checkpoint: string, repeated: ReadonlySet<string>): void {
        const shown = [...repeated].slice(0, 5).join(", ");
        const more = repeated.size > 5 ? ` and ${repeated.size - 5} more` : "";
        this.client.log("warn", `${checkpoint}: the API listed ${repeated.size} permission${repeated.size === 1 ? "" : "s"} more than once (${shown}${more}); each is counted once`);
    }

    /**
     * Every permission of a checkpoint, following the cursor until `has_more` is false, within the
     * client's `listingLimits` (a `ListingLimitError` names the one exceeded). A permission the API lists
     * twice is counted once, with one warning for the listing; see `pages()`.
     */
    async listAll(checkpoint: string, params: ListAllParams = {}): Promise<PermissionListing> {
        const { progressIntervalMs } = this.limitsFor(params);
        const permissions: CheckpointPermission[] = [];
        let pages = 0;
        let reportedAt = Number.NEGATIVE_INFINITY;
        for await (const page of this.pages(checkpoint, params)) {
            pages++;
            permissions.push(...page.data);
            const now = Date.now();
            if (!page.hasMore || now - reportedAt >= progressIntervalMs) {
                reportedAt = now;
                params.onPage?.({ page: pages, count: permissions.length, hasMore: page.hasMore });
            }
        }
        return { checkpoint, permissions, pages };
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
        checkCheckpoint(checkpoint);
        const limit = params.pageSize === undefined ? MAX_PAGE_SIZE : checkLimit(params.pageSize, "pageSize");
        const limits = this.limitsFor(params);
        const deadline = AbortSignal.timeout(limits.deadlineMs);
        const signal = params.signal ? AbortSignal.any([params.signal, deadline]) : deadline;
        const cursors = new Set<string>();
        const listed = new Map<string, CheckpointPermission>();
        const repeated = new Set<string>();
        let after: string | undefined;
        for (let pages = 1; ; pages++) {
            let fetched: FetchedPage;
            try {
                fetched = await this.fetchPage(checkpoint, { projectId: params.projectId, order: params.order, after, limit, signal, timeoutMs: params.timeoutMs });
            } catch (error) {
                if (error instanceof APIUserAbortError && deadline.aborted && !params.signal?.aborted) {
                    throw new ListingLimitError(checkpoint, "deadlineMs", limits.deadlineMs, pages - 1, listed.size);
                }
                throw error;
            }
            const { page } = fetched;
            const fresh = page.data.filter((permission) => {
                const first = listed.get(permission.id);
                if (first === undefined) {
                    listed.set(permission.id, permission);
                    return true;
                }
                if (first.projectId !== permission.projectId || first.createdAt !== permission.createdAt) {
                    throw new InvalidResponseError(
                        200,
                        fetched.requestId,
                        "data.id",
                        `permission ${permission.id} was listed twice, for ${first.projectId} (created ${first.createdAt}) and for ${permission.projectId} (created ${permission.createdAt})`,
                        "GET",
                        fetched.path,
                    );
                }
                repeated.add(permission.id);
                return false;
            });
            if (listed.size > limits.maxPermissions) {
                throw new ListingLimitError(checkpoint, "maxPermissions", limits.maxPermissions, pages, listed.size);
            }
            if (!page.hasMore && repeated.size > 0) this.warnRepeated(checkpoint, repeated);
            yield { ...page, data: fresh };
            if (!page.hasMore) return;
            if (pages >= limits.maxPages) throw new ListingLimitError(checkpoint, "maxPages", limits.maxPages, pages, listed.size);
            // A server that says "more" but gives no way forward would otherwise be asked forever.
            const next = page.lastId ?? page.data.at(-1)?.id;
            if (page.data.length === 0 || next === undefined) {
                throw new PaginationError(checkpoint, after, "the API said has_more but returned an empty page");
            }
            if (cursors.has(next)) {
                throw new PaginationError(checkpoint, after, `the cursor ${next} was already used`);
            }
            cursors.add(next);
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

interface FetchedPage {
    readonly page: PermissionPage;
    readonly requestId: string | undefined;
    readonly path: string;
}

function permissionsPath(checkpoint: string): string {
    return `/fine_tuning/checkpoints/${pathSegment(checkpoint)}/permissions`;
}
