/**
 * The organization's audit log (`GET /organization/audit_logs`), newest first: one page, or every page through the
 * shared paging loop. Every filter is checked before a request goes out. While the organization's audit logging
 * is off, the listing fails with `AuditLogDisabledError`.
 */
import { AuditLogListWire, toAuditLogEvent } from "../api/organization-admin";
import type { AuditLogEvent, AuditLogPage, EffectiveAtRange } from "../api/types";
import { checkEffectiveAt, checkEventType, checkFilterValues, checkLimit, checkProjectId, checkResourceId } from "./arguments";
import type { OpenAIClient, PreparedRequest, RequestOptions } from "./core";
import { fetchPage, listEvery, pagesOf, type FetchedPage, type Listing, type ListingOptions, type PagesOptions } from "./paging";

const PATH = "/organization/audit_logs";

/** Which events to list; each filter given narrows the listing, and the server applies them. */
export interface AuditLogFilter {
    /** Only events of these types (`event_types[]`), e.g. `["checkpoint.permission.created"]`; at most 100. */
    eventTypes?: string[];
    /** Only events whose `effective_at` is in this range (`effective_at[gt]` …), in Unix seconds. */
    effectiveAt?: EffectiveAtRange;
    /** Only events about these resources (`resource_ids[]`), e.g. a permission id `cp_…`; at most 100. */
    resourceIds?: string[];
    /** Only events scoped to these projects (`project_ids[]`); at most 100. An admin key's actions are scoped to the organization's default project. */
    projectIds?: string[];
}

export interface AuditLogListPageParams extends AuditLogFilter, RequestOptions {
    /** The event id the page starts after. */
    after?: string;
    /** 1 to 100; the API's default is 20. */
    limit?: number;
}

export interface AuditLogListAllParams extends AuditLogFilter, ListingOptions {}

/** `pages()`' parameters: `distinct: false` keeps one page in memory however long the log (see `PagesOptions`). */
export interface AuditLogPagesParams extends AuditLogFilter, PagesOptions {
    /** Hears the listing's moment by the server's clock, as `AuditLogListing.serverTime`, when the first page comes. */
    onServerTime?: (serverTime: number | undefined) => void;
}

/** The audit log at a moment: every event the filter matches, newest first. */
export interface AuditLogListing {
    readonly events: AuditLogEvent[];
    /** How many requests it took. */
    readonly pages: number;
    /**
     * The moment, by the server's clock: when it answered the first page (its `Date` header), Unix seconds; undefined
     * if it sent none. Later pages follow the first's cursor, so an event written since is not among `events`.
     */
    readonly serverTime: number | undefined;
}

export class AuditLogsAPI {
    constructor(private readonly client: OpenAIClient) {}

    /** One page of the audit log, as the API answered it. */
    async listPage(params: AuditLogListPageParams = {}): Promise<AuditLogPage> {
        const query = {
            ...filterQuery(params),
            after: params.after === undefined ? undefined : checkResourceId(params.after, "after"),
            limit: params.limit === undefined ? undefined : checkLimit(params.limit),
        };
        return (await fetchPage(this.client, PATH, query, AuditLogListWire, toAuditLogEvent, params)).page;
    }

    /**
     * Every event the filter matches, newest first, following the cursor until `has_more` is false, within the
     * client's `listingLimits` (`maxPages`, `maxEvents`, `deadlineMs`). An event listed twice is counted once.
     */
    async listAll(params: AuditLogListAllParams = {}): Promise<AuditLogListing> {
        let serverTime: number | undefined;
        const { items, pages } = await listEvery(this.client, this.listing(params, (first) => (serverTime = first.serverTime)), params);
        return { events: items, pages, serverTime };
    }

    /** The pages of a listing, fetched as they are consumed, within the same bounds as `listAll`. */
    async *pages(params: AuditLogPagesParams = {}): AsyncGenerator<AuditLogPage> {
        yield* pagesOf(this.client, this.listing(params, (first) => params.onServerTime?.(first.serverTime)), params);
    }

    /** The listing's pages; `onFirstPage` hears of the first as it is fetched. */
    private listing(params: AuditLogFilter, onFirstPage?: (page: FetchedPage<AuditLogEvent>) => void): Listing<AuditLogEvent> {
        const filter = filterQuery(params);
        return {
            subject: "the audit log",
            noun: "event",
            itemLimit: "maxEvents",
            fetch: async (after, limit, options) => {
                const fetched = await fetchPage(this.client, PATH, { ...filter, after, limit }, AuditLogListWire, toAuditLogEvent, options);
                if (after === undefined) onFirstPage?.(fetched);
                return fetched;
            },
            conflict: (first, again) =>
                first.type === again.type && first.effectiveAt === again.effectiveAt && first.checkpointPermission?.id === again.checkpointPermission?.id
                    ? undefined
                    : `as ${first.type} at ${first.effectiveAt} and as ${again.type} at ${again.effectiveAt}`,
        };
    }
}

/** The filters as the API's query parameters, each checked. */
function filterQuery(filter: AuditLogFilter): NonNullable<PreparedRequest["query"]> {
    const range = filter.effectiveAt === undefined ? {} : checkEffectiveAt(filter.effectiveAt);
    return {
        "event_types[]": filter.eventTypes === undefined ? undefined : checkFilterValues(filter.eventTypes, "eventTypes", checkEventType),
        "effective_at[gt]": range.gt,
        "effective_at[gte]": range.gte,
        "effective_at[lt]": range.lt,
        "effective_at[lte]": range.lte,
        "resource_ids[]": filter.resourceIds === undefined ? undefined : checkFilterValues(filter.resourceIds, "resourceIds", checkResourceId),
        "project_ids[]": filter.projectIds === undefined ? undefined : checkFilterValues(filter.projectIds, "projectIds", checkProjectId),
    };
}
