/**
 * The default limiters: one per organization, that is per admin key against one base URL, since that is what
 * a rate limit belongs to. A stack that manages two organizations (two providers, two keys) must not have one
 * organization's spent quota or 429 pause hold the other's requests, while the many resources of one
 * organization share one adaptive cap and one keep-alive pool.
 *
 * The registry keys a limiter by a SHA-256 digest of the base URL and the key: the key itself is kept nowhere
 * new. It holds at most MAX_DEFAULT_LIMITERS; past that it forgets the least recently used idle limiter, and
 * what it learned (its cap, a pause, a spent quota) with it. When every one has requests in flight or waiting,
 * it forgets the least recently used all the same: the requests it holds still end under it, and the
 * organization's next request starts a new one.
 */
import { createHash } from "node:crypto";
import { checkPositiveInteger } from "./arguments";
import { DEFAULT_MAX_REQUESTS_IN_FLIGHT, RequestLimiter } from "./limiter";

/** The most default limiters kept at once: far more organizations than one program manages. */
export const MAX_DEFAULT_LIMITERS = 64;

let ceiling = DEFAULT_MAX_REQUESTS_IN_FLIGHT;
/** By organization digest, least recently used first (a Map keeps insertion order; a lookup moves it last). */
const limiters = new Map<string, RequestLimiter>();

/** What the registry knows an organization by: a digest of the base URL and the admin key, never the key. */
export function organizationDigest(baseUrl: string, adminKey: string): string {
    return createHash("sha256").update(JSON.stringify([baseUrl, adminKey])).digest("hex");
}

/** The organization's default limiter, made on first use; a lookup makes it the most recently used. */
export function defaultLimiter(organization: string): RequestLimiter {
    const known = limiters.get(organization);
    if (known) {
        limiters.delete(organization);
        limiters.set(organization, known);
        return known;
    }
    if (limiters.size >= MAX_DEFAULT_LIMITERS) limiters.delete(leastRecentlyUsed());
    const limiter = new RequestLimiter(ceiling);
    limiters.set(organization, limiter);
    return limiter;
}

/** The least recently used idle limiter's organization, else the least recently used one's. */
function leastRecentlyUsed(): string {
    for (const [organization, limiter] of limiters) {
        if (limiter.activeCount === 0 && limiter.queuedCount === 0) return organization;
    }
    return limiters.keys().next().value!;
}

/**
 * Sets the ceiling on requests in flight (default 256) of every organization's default limiter, those made
 * already and those made later, and so how many connections each one's pool may open. A client given its
 * own `limiter` keeps that limiter's ceiling.
 */
export function setMaxRequestsInFlight(max: number): void {
    ceiling = checkPositiveInteger("maxRequestsInFlight", max);
    for (const limiter of limiters.values()) limiter.setMax(max);
}
