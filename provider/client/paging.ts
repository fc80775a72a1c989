/**
 * The one paging loop behind every listing (a checkpoint's permissions, the audit log, the projects): it follows
 * the `after` cursor page by page within the client's `listingLimits`, refuses a cursor that does not advance,
 * counts an item the API lists twice once, and reports progress a few times rather than once a page. A resource
 * module says only how to fetch a page and when two copies of one item disagree.
 */
import type { z } from "zod";
import { toPage } from "../api/model";
import type { Page } from "../api/types";
import { checkLimit, MAX_PAGE_SIZE } from "./arguments";
import type { OpenAIClient, PreparedRequest, RequestOptions } from "./core";
import { APIUserAbortError, InvalidResponseError, ListingLimitError, PaginationError } from "./errors";
import { resolveListingLimits, type ListingLimitName, type ListingLimits } from "./limits";

/** How far a listing has got, as `onPage` is told. */
export interface ListingProgress {
    /** Pages fetched so far. */
    page: number;
    /** Distinct items so far. */
    count: number;
    hasMore: boolean;
}

/** The options every `listAll` and `pages` takes. */
export interface ListingOptions extends RequestOptions {
    /** Items per request, 1 to 100. Default 100, the fewest round trips. */
    pageSize?: number;
    /**
     * Progress: called after the first page, then at most once per `listingLimits.progressIntervalMs`
     * (default 10 s), and after the last page, with the running count of distinct items. A long listing
     * reports a few times, not once a page; `pages()` hands over every page.
     */
    onPage?: (progress: ListingProgress) => void;
    /** Overrides the client's `listingLimits` for this listing. */
    listingLimits?: Partial<ListingLimits>;
}

/** The options `pages()` takes: a listing's, and whether it remembers earlier pages. */
export interface PagesOptions extends ListingOptions {
    /**
     * `false`: remember no item, so the memory a listing holds stays one page however long it is (and the cursors
     * used, one a page, at most `maxPages`). An item the API lists twice is then handed over twice, unchecked, and
     * the bound on items counts every item listed. Default `true`: an item is handed over once, and two copies that
     * disagree fail the listing.
     */
    distinct?: boolean;
}

/** A page as fetched, with what an error about it names. */
export interface FetchedPage<T> {
    readonly page: Page<T>;
    readonly requestId: string | undefined;
    readonly path: string;
    /** The server's clock when it answered (its `Date` header), Unix seconds; undefined if it sent none. */
    readonly serverTime: number | undefined;
}

/**
 * One page of the listing at `path`: the API's list envelope parsed by `schema` and each item converted.
 * @internal For the resource modules, like `OpenAIClient.send`.
 */
export async function fetchPage<S extends z.ZodType<ListEnvelope<W>>, W, T>(
    client: OpenAIClient,
    path: string,
    query: PreparedRequest["query"],
    schema: S,
    convert: (item: W) => T,
    options: RequestOptions,
): Promise<FetchedPage<T>> {
    const { value, requestId, serverTime } = await client.send({ method: "GET", path, query }, schema, options);
    return { page: toPage(value, convert), requestId, path, serverTime };
}

interface ListEnvelope<W> {
    data: W[];
    first_id?: string | null;
    last_id?: string | null;
    has_more: boolean;
}

/** What the loop needs to know of one listing. */
export interface Listing<T extends { readonly id: string }> {
    /** What is listed, for messages: `ft:…'s permissions`, `the audit log`. */
    readonly subject: string;
    /** One item, for messages: `permission`, `event`, `project`. */
    readonly noun: string;
    /** The bound on distinct items. */
    readonly itemLimit: Exclude<ListingLimitName, "maxPages" | "deadlineMs" | "maxCandidates">;
    /** One page, starting after the item `after` (the first page when undefined). */
    fetch(after: string | undefined, limit: number, options: RequestOptions): Promise<FetchedPage<T>>;
    /** How two copies of one item listed on two pages disagree (`for proj_a and for proj_b`), or undefined if they agree. */
    conflict(first: T, again: T): string | undefined;
}

/**
 * The pages of a listing, fetched one at a time as they are consumed, within the client's `listingLimits`:
 * past `maxPages` requests, the listing's bound on items or `deadlineMs` the listing ends with a
 * `ListingLimitError`. An item whose id was already listed is left out of its page (one warning for the listing
 * names such ids); if its copy disagrees with the first, the listing ends with an `InvalidResponseError`, since
 * either could be the truth. With `distinct: false` no item is remembered past its page (see `PagesOptions`).
 */
export async function* pagesOf<T extends { readonly id: string }>(client: OpenAIClient, listing: Listing<T>, options: PagesOptions): AsyncGenerator<Page<T>> {
    const limit = options.pageSize === undefined ? MAX_PAGE_SIZE : checkLimit(options.pageSize, "pageSize");
    const limits = resolveListingLimits(options.listingLimits, client.listingLimits);
    const deadline = AbortSignal.timeout(limits.deadlineMs);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    const cursors = new Set<string>();
    const listed = new Map<string, T>();
    const repeated = new Set<string>();
    const distinct = options.distinct ?? true;
    let count = 0;
    let after: string | undefined;
    for (let pages = 1; ; pages++) {
        let fetched: FetchedPage<T>;
        try {
            fetched = await listing.fetch(after, limit, { signal, timeoutMs: options.timeoutMs });
        } catch (error) {
            if (error instanceof APIUserAbortError && deadline.aborted && !options.signal?.aborted) {
                throw new ListingLimitError(listing.subject, "deadlineMs", limits.deadlineMs, pages - 1, count);
            }
            throw error;
        }
        const { page } = fetched;
        const fresh = distinct
            ? page.data.filter((item) => {
                  const first = listed.get(item.id);
                  if (first === undefined) {
                      listed.set(item.id, item);
                      return true;
                  }
                  const conflict = listing.conflict(first, item);
                  if (conflict !== undefined) {
                      throw new InvalidResponseError(200, fetched.requestId, "data.id", `${listing.noun} ${item.id} was listed twice, ${conflict}`, "GET", fetched.path);
                  }
                  repeated.add(item.id);
                  return false;
              })
            : page.data;
        count += fresh.length;
        if (count > limits[listing.itemLimit]) {
            throw new ListingLimitError(listing.subject, listing.itemLimit, limits[listing.itemLimit], pages, count);
        }
        if (!page.hasMore && repeated.size > 0) warnRepeated(client, listing, repeated);
        yield { ...page, data: fresh };
        if (!page.hasMore) return;
        if (pages >= limits.maxPages) throw new ListingLimitError(listing.subject, "maxPages", limits.maxPages, pages, count);
        // A server that says "more" but gives no way forward would otherwise be asked forever.
        const next = page.lastId ?? page.data.at(-1)?.id;
        if (page.data.length === 0 || next === undefined) {
            throw new PaginationError(listing.subject, after, "the API said has_more but returned an empty page");
        }
        if (cursors.has(next)) {
            throw new PaginationError(listing.subject, after, `the cursor ${next} was already used`);
        }
        cursors.add(next);
        after = next;
    }
}

/** Every item of a listing, in the order listed, reporting progress as `onPage` says. */
export async function listEvery<T extends { readonly id: string }>(client: OpenAIClient, listing: Listing<T>, options: ListingOptions): Promise<{ items: T[]; pages: number }> {
    const { progressIntervalMs } = resolveListingLimits(options.listingLimits, client.listingLimits);
    const items: T[] = [];
    let pages = 0;
    let reportedAt = Number.NEGATIVE_INFINITY;
    for await (const page of pagesOf(client, listing, options)) {
        pages++;
        items.push(...page.data);
        const now = Date.now();
        if (!page.hasMore || now - reportedAt >= progressIntervalMs) {
            reportedAt = now;
            options.onPage?.({ page: pages, count: items.length, hasMore: page.hasMore });
        }
    }
    return { items, pages };
}

// One line for the whole listing, however many pages repeat themselves; a few ids to look up, not all.
function warnRepeated(client: OpenAIClient, listing: Listing<{ readonly id: string }>, repeated: ReadonlySet<string>): void {
    const shown = [...repeated].slice(0, 5).join(", ");
    const more = repeated.size > 5 ? ` and ${repeated.size - 5} more` : "";
    const items = `${repeated.size} ${listing.noun}${repeated.size === 1 ? "" : "s"}`;
    client.log("warn", `Listing ${listing.subject}, the API listed ${items} more than once (${shown}${more}); each is counted once`);
}
