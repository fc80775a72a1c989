/**
 * The bounds that keep a hostile server, a broken proxy or a runaway listing from hanging a `pulumi preview`
 * or exhausting a CI runner: how many bytes one response may hold, how many pages, how many items
 * (permissions, audit-log events, projects) and how long one listing may take, and how many checkpoints one read
 * of the organization's shared checkpoints confirms. Each default is generous for a real organization; each can be set on
 * the client (`ClientOptions`) and, for a listing, per call (`ListAllParams.listingLimits`).
 */
import { checkNonNegativeInteger, checkPositiveInteger } from "./arguments";

/**
 * The most bytes one response body may hold, enforced while it streams: 4 MiB.
 *
 * The largest real answer is small: a page holds at most 100 permissions of about 130 bytes (13 KB) or 100
 * audit-log events of under 1 KB each (OpenAI's richest example, a dashboard session's with its browser and
 * location, has 660 bytes), and a grant answers with one permission per project granted, so 4 MiB is 300 full pages
 * of permissions, 40 of events, or a grant of some 30,000 projects at once. Eight requests in flight then hold at
 * most 32 MiB.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** The bounds on one listing (`listAll`, `pages`). */
export interface ListingLimits {
    /** Requests per listing. Default 10,000. */
    readonly maxPages: number;
    /** Distinct permissions per listing of a checkpoint's permissions. Default 100,000. */
    readonly maxPermissions: number;
    /** Distinct events per listing of the audit log. Default 100,000. */
    readonly maxEvents: number;
    /** Distinct projects per listing of the organization's projects. Default 100,000. */
    readonly maxProjects: number;
    /** Checkpoints one read of the organization's shared checkpoints confirms, a listing each (`getSharedCheckpoints`). Default 10,000. */
    readonly maxCandidates: number;
    /** The whole listing, retries and their waits included, in milliseconds. Default 600,000 (10 minutes). */
    readonly deadlineMs: number;
    /** The least time between two progress reports (`onPage`); the first and last pages are always reported. Default 10,000. */
    readonly progressIntervalMs: number;
}

/** A bound a listing can exceed: every limit but the progress interval, which only spaces reports out. */
export type ListingLimitName = Exclude<keyof ListingLimits, "progressIntervalMs">;

export const DEFAULT_LISTING_LIMITS: ListingLimits = Object.freeze({
    // A checkpoint has at most one permission per project of the organization. OpenAI documents no cap on
    // projects, and they are made by hand by an organization's owners: 100,000 is far past any real
    // organization, and its listing still fits in about 20 MB of memory (18 MB measured).
    maxPermissions: 100_000,
    // A checkpoint's permission events are one a grant and one a revoke: 100,000 is a grant or a revoke every
    // 5 minutes for the whole of a year, and takes about 80 MB (76 MB measured, dashboard sessions' events). An
    // unfiltered listing of a large organization's log (sign-ins, keys, every project's changes) can have more:
    // filter it by type or time, or raise this.
    maxEvents: 100_000,
    // As many projects as `maxPermissions` allows permissions, one a project: the same far-off bound.
    maxProjects: 100_000,
    // Each candidate costs at least one request: 10,000 is 100 s of listings at 100 requests a second, for an
    // organization that has shared 10,000 checkpoints (a job keeps three) since its audit logging began. Past it,
    // an audit log naming a new checkpoint on every page makes no more listings.
    maxCandidates: 10_000,
    // 100,000 permissions take 1,000 pages at the default page size of 100; 10,000 lets a caller page by 10
    // through the same checkpoint. A server that never stops saying has_more is cut off here at the latest.
    maxPages: 10_000,
    // 1,000 pages (the largest listing at 100 a page) at half a second each is about 8 minutes; one stuck page
    // is separately bounded by `timeoutMs` and `maxRetries`.
    deadlineMs: 600_000,
    // A listing within the deadline writes at most about 60 progress lines; a typical one writes one or two.
    progressIntervalMs: 10_000,
});

/** `base` with the given overrides, each checked and named as the caller wrote it. */
export function resolveListingLimits(overrides: Partial<ListingLimits> | undefined, base: ListingLimits = DEFAULT_LISTING_LIMITS, argument = "listingLimits"): ListingLimits {
    if (overrides === undefined) return base;
    const value = <K extends keyof ListingLimits>(name: K): number => overrides[name] ?? base[name];
    return Object.freeze({
        maxPages: checkPositiveInteger(`${argument}.maxPages`, value("maxPages")),
        maxPermissions: checkPositiveInteger(`${argument}.maxPermissions`, value("maxPermissions")),
        maxEvents: checkPositiveInteger(`${argument}.maxEvents`, value("maxEvents")),
        maxProjects: checkPositiveInteger(`${argument}.maxProjects`, value("maxProjects")),
        maxCandidates: checkPositiveInteger(`${argument}.maxCandidates`, value("maxCandidates")),
        deadlineMs: checkPositiveInteger(`${argument}.deadlineMs`, value("deadlineMs")),
        progressIntervalMs: checkNonNegativeInteger(`${argument}.progressIntervalMs`, value("progressIntervalMs")),
    });
}
