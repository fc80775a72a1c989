/**
 * Every checkpoint the organization shares, surface-free: the read behind `getSharedCheckpoints`.
 *
 * The API has no listing of an organization's checkpoints. The audit log names every checkpoint that has had a
 * permission created since audit logging was turned on (`checkpoint.permission.created`): those are the candidates,
 * with any the caller knows from elsewhere (`include`, e.g. shared before audit logging began). Each candidate is
 * confirmed by its live listing, all at once under the client's adaptive limiter, each as soon as it is known: a
 * checkpoint whose access was all revoked since, or that is gone, is not shared.
 *
 * The read is bounded whatever the log holds: it streams the log, holding one page, the candidates and the cursors
 * it followed (one a page), never the events read; it reads the log within the client's `listingLimits` (at most
 * `maxEvents` events, `maxPages` pages, `deadlineMs`), and confirms at most `maxCandidates` checkpoints. Past any of
 * them it fails with a `ListingLimitError` naming the bound, rather than warn: a result that leaves out part of the
 * organization would let the audit built on it pass on what it never saw.
 */
import type { CheckpointPermissionsClient } from "../client";
import { checkCheckpoint } from "../client/arguments";
import { AuditLogDisabledError, InvalidArgumentError, ListingLimitError } from "../client/errors";
import { attributionOf, CREATED_EVENT } from "./attribution";
import { compare, listIfPresent, permissionsByProject, type ListingProgress, type PermissionLister } from "./listing";

/** Arguments for `getSharedCheckpoints`. */
export interface GetSharedCheckpointsArgs {
    /** Checkpoints to confirm besides those the audit log names, e.g. ones shared before audit logging began. */
    include?: string[];
}

/** One checkpoint the organization shares. */
export interface SharedCheckpoint {
    readonly checkpoint: string;
    /** The projects with access, sorted. */
    readonly projectIds: string[];
    readonly permissionCount: number;
}

/** The organization's shared checkpoints at the time of the read. */
export interface GetSharedCheckpointsResult {
    /** Every checkpoint with at least one permission now, sorted. */
    readonly checkpoints: SharedCheckpoint[];
    /** The checkpoints sorted, as a list (what a program iterates to record each one). */
    readonly checkpointIds: string[];
    /** False when the organization's audit logging is off: then only `include` was confirmed. */
    readonly auditLogging: boolean;
    /** How many checkpoints were confirmed by a listing (the candidates; an id the log names that is no checkpoint id is not one). */
    readonly candidateCount: number;
}

/** How the read serves what comes after it. */
export interface DiscoveryOptions {
    /**
     * The candidates' records will attribute their access: the client's attribution keeps the events this read
     * lists, so the run lists the audit log once (../resources/attribution.ts `adoptWholeListing`).
     */
    readonly attribution?: boolean;
}

/** The arguments after their checks. */
export interface SharedCheckpointsQuery {
    readonly include: string[];
}

/** Checks the arguments, naming the bad one, before any request goes out. */
export function checkSharedCheckpointsQuery(args: { readonly include?: unknown }): SharedCheckpointsQuery {
    if (args.include === undefined) return { include: [] };
    if (!Array.isArray(args.include)) throw new InvalidArgumentError("include", args.include, "must be a list of checkpoint ids");
    return { include: args.include.map((checkpoint, i) => checkCheckpoint(checkpoint, `include[${i}]`)) };
}

/** What the bound on candidates' error names as listed: candidates come from both. */
const CANDIDATES_FROM = "the audit log and include";

/**
 * Finds the candidates, confirms each by its listing, and shapes the result. A candidate's listing starts as soon as
 * the candidate is known, while the audit log's later pages are still to come: those come one after another, and
 * waiting for the last of them would leave the API's rate limit half unused meanwhile. Nothing the read starts
 * outlives it: it ends once every listing has. An id the log names that is no checkpoint id is warned of once and
 * left out; it counts towards `maxCandidates` all the same, so a log naming such ids without end is bounded too.
 */
export async function readSharedCheckpoints(
    client: CheckpointPermissionsClient,
    query: SharedCheckpointsQuery,
    progress?: ListingProgress,
    lister?: PermissionLister,
    { attribution = false }: DiscoveryOptions = {},
): Promise<GetSharedCheckpointsResult> {
    const { maxCandidates } = client.listingLimits;
    const include = new Set(query.include);
    if (include.size > maxCandidates) throw new ListingLimitError(CANDIDATES_FROM, "maxCandidates", maxCandidates, 0, include.size);
    const confirming = new Map<string, Promise<Confirmation>>();
    // Keyed by the warning, which shows at most the start of a long id: a hostile log's ids are not all kept whole.
    const skipped = new Set<string>();
    const confirm = (checkpoint: string): void => {
        // Settled at once into a value, so a listing that fails while the audit log is still paging is no unhandled rejection.
        confirming.set(checkpoint, shared(client, checkpoint, lister).then((found) => ({ found }), (error: unknown) => ({ error })));
    };
    include.forEach(confirm);
    let auditLogging = true;
    let pages = 0;
    // The candidates' records attribute from the same events: the client's attribution keeps them, and lists no more.
    const adopted = attribution ? attributionOf(client).adoptWholeListing() : undefined;
    let serverTime: number | undefined;
    try {
        // Not distinct: the log's events are not kept to be told apart, since a checkpoint named twice is one candidate anyway.
        for await (const page of client.auditLogs.pages({ eventTypes: [CREATED_EVENT], distinct: false, onServerTime: (time) => (serverTime = time) })) {
            pages++;
            for (const event of page.data) {
                adopted?.keep(event);
                const named = event.checkpointPermission?.checkpoint;
                if (named === undefined || named === null || confirming.has(named)) continue;
                const invalid = invalidCheckpoint(named);
                if (invalid !== undefined && skipped.has(invalid)) continue;
                const candidates = confirming.size + skipped.size + 1;
                if (candidates > maxCandidates) throw new ListingLimitError(CANDIDATES_FROM, "maxCandidates", maxCandidates, pages, candidates);
                if (invalid === undefined) {
                    confirm(named);
                } else {
                    skipped.add(invalid);
                    progress?.("warn", invalid);
                }
            }
        }
        adopted?.done(serverTime);
    } catch (error) {
        if (!(error instanceof AuditLogDisabledError)) {
            adopted?.failed();
            await Promise.all(confirming.values());
            throw error;
        }
        adopted?.auditLoggingOff();
        auditLogging = false;
        progress?.(
            "warn",
            "The organization's audit logging is off, so its shared checkpoints cannot be found: only the checkpoints given as `include` are confirmed. " +
                "An owner turns audit logging on under Settings → Data controls.",
        );
    }
    const confirmations = await Promise.all(confirming.values());
    const failed = confirmations.find((c) => "error" in c);
    if (failed) throw failed.error;
    const checkpoints = confirmations.flatMap((c) => (c.found === undefined ? [] : [c.found])).sort((a, b) => compare(a.checkpoint, b.checkpoint));
    return { checkpoints, checkpointIds: checkpoints.map((c) => c.checkpoint), auditLogging, candidateCount: confirming.size };
}

/** The warning for an id the audit log names that this package accepts as no checkpoint id, or undefined if it is one. */
function invalidCheckpoint(named: string): string | undefined {
    try {
        checkCheckpoint(named, "checkpoint");
        return undefined;
    } catch (error) {
        if (!(error instanceof InvalidArgumentError)) throw error;
        // The error's reason and the id as it shows it (redacted, at most its start), without "Invalid argument checkpoint: ".
        const reason = error.message.slice(`Invalid argument ${error.argument}: `.length);
        return `Left out a checkpoint the audit log names, unconfirmed: its id ${reason}. If it is a checkpoint, check its access by hand.`;
    }
}

/** How a candidate's confirmation ended: shared or not (`found`), or the error its listing ended with. */
type Confirmation = { readonly found: SharedCheckpoint | undefined; readonly error?: never } | { readonly error: unknown; readonly found?: never };

/** A checkpoint's access now; `undefined` when it has none, or is gone (or not visible to this key). */
async function shared(client: CheckpointPermissionsClient, checkpoint: string, lister: PermissionLister | undefined): Promise<SharedCheckpoint | undefined> {
    const permissions = await listIfPresent(client, checkpoint, lister);
    if (permissions === undefined || permissions.length === 0) return undefined;
    return { checkpoint, projectIds: permissionsByProject(permissions).map((p) => p.projectId), permissionCount: permissions.length };
}
