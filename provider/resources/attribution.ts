/**
 * Who granted each permission, and when: from the organization's audit log, whose `checkpoint.permission.created`
 * event names the permission and its actor (a dashboard session, or a user's or a service account's API key).
 *
 * One listing serves every read made with one client (a program run's, a plugin provider's): the events are listed
 * once, filtered by type and time on the server, from a little before the oldest permission asked about; a read
 * about an older permission lists only the span before, one about a permission granted since only the span after.
 * Each listing is bounded by the client's `listingLimits`.
 *
 * An event names a permission's grantor only if its permission id, project and checkpoint all are the permission's;
 * of two such events, the earliest `effective_at` wins, and of two in one second the one listed later (the log lists
 * newest first: in one listing, that is the older).
 *
 * Time is the server's, never this machine's clock, which may be minutes off: a listing covers the events that took
 * effect up to {@link EVENT_WINDOW_SECONDS} before it began by the server's clock (its `Date` header), since the log
 * may write an event that long after the change. A permission without an event granted within that window of the
 * last listing is pending, not unknown: its read lists the log again, waiting between listings (1 s, doubling to
 * 30 s), until the event appears or a listing begins the window after the grant by the server's clock, within
 * {@link MAX_POLLS} more listings and {@link MAX_WAIT_MS} of waiting per read (reads waiting at once share listings);
 * then it is `unknown`, saying the event did not appear. A server that sends no `Date` is taken to be at the newest
 * time it gave (a `created_at`, an `effective_at`), which is never ahead of its clock: the newest permissions then
 * wait out the bounds.
 *
 * A permission without an event granted before that (before audit logging was on, or older than the log keeps) is
 * attributed to `unknown`, with the reason. An organization with audit logging off still reads: every permission is
 * `unknown`, and the warning that says so is given once per client.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { CheckpointPermissionsClient } from "../client";
import { AuditLogDisabledError, InvalidArgumentError } from "../client/errors";
import type { AuditLogActor, AuditLogEvent, EffectiveAtRange } from "../api/types";
import { permissionsByProject } from "./listing";
import type { CheckpointPermission, GrantorsByProject } from "./types";

/** How a permission was granted. */
export type GrantorKind = "dashboard" | "user-key" | "service-account-key" | "unknown";

/** Who granted a permission. */
export interface Grantor {
    readonly kind: GrantorKind;
    /** The user's email: a dashboard session's, or the owner's of a user key. */
    readonly email?: string;
    /** The user's id, `user-…`. */
    readonly userId?: string;
    /** The service account's id, for its key. */
    readonly serviceAccountId?: string;
    /** The key's tracking id, `key_…` (never the key). */
    readonly apiKeyId?: string;
    /** Where a dashboard session came from. Reads give it; a record never keeps it in state. */
    readonly ipAddress?: string;
    /** Why the grantor is `unknown`. */
    readonly reason?: string;
}

/** A permission with who granted it and when (the event's `effective_at`, Unix seconds; `null` when unknown). */
export interface AttributedPermission extends CheckpointPermission {
    readonly grantedBy: Grantor;
    readonly grantedAt: number | null;
}

export const CREATED_EVENT = "checkpoint.permission.created";

/** Listings start this far before a permission's `created_at`: its event's `effective_at` is another stamp of the server's, a few seconds apart. */
const SLACK_SECONDS = 60;

/**
 * How long after a grant its event may appear in the log, by the server's clock (5 minutes): a listing vouches only
 * for the events that took effect this long before it began, and a permission granted since waits this long for its.
 */
export const EVENT_WINDOW_SECONDS = 300;

/** The first wait before the log is listed again for a pending permission; each next one doubles, up to the last. */
const FIRST_POLL_MS = 1_000;
const LONGEST_POLL_MS = 30_000;
/** The bounds on one read's waiting, whatever the server's clock says: enough to wait out the window at the waits above. */
export const MAX_POLLS = 20;
export const MAX_WAIT_MS = EVENT_WINDOW_SECONDS * 1000 + LONGEST_POLL_MS;

const NO_EVENT: Grantor = {
    kind: "unknown",
    reason: `no ${CREATED_EVENT} event in the audit log: granted before audit logging was on, or older than the log keeps`,
};
/** A permission granted while audit logging was on (or within the window of a listing) whose event the log never showed. */
export const EVENT_NOT_IN_WINDOW: Grantor = {
    kind: "unknown",
    reason: `no ${CREATED_EVENT} event appeared in the audit log while it was waited for, up to ${EVENT_WINDOW_SECONDS} seconds after the grant by the server's clock`,
};
export const AUDIT_LOGGING_OFF: Grantor = {
    kind: "unknown",
    reason: "the organization's audit logging is off (an owner turns it on under Settings → Data controls)",
};

/** Where the one warning about audit logging being off goes. */
export type AttributionWarning = (message: string) => void;

export interface AttributionOptions {
    /** Waits between listings of the log for a pending permission's event; default a timer. Tests pass one that moves a fake clock. */
    sleep?: (ms: number) => Promise<void>;
}

interface Coverage {
    readonly since: number;
    readonly until: number;
    readonly first: number;
}

/** A `created` event as listed: `order` counts events in the order the listings gave them. */
interface ListedEvent {
    readonly event: AuditLogEvent;
    readonly order: number;
}

/** The attribution of one client's reads; {@link attributionOf} gives the one of a client. */
export class Attribution {
    readonly #client: CheckpointPermissionsClient;
    readonly #sleep: (ms: number) => Promise<void>;
    /** Each permission id's `created` events, of any project or checkpoint: the one that names the grantor is picked per read. */
    readonly #events = new Map<string, ListedEvent[]>();
    readonly #listedIds = new Set<string>();
    #listedCount = 0;
    /**
     * What the listings so far vouch for, in the server's Unix seconds: every event that took effect from `since` to
     * `until` − {@link EVENT_WINDOW_SECONDS}, `until` being when the last listing without an upper bound began;
     * `first` is when the first began (audit logging was on then, and is never turned off).
     */
    #covered: Coverage | undefined;
    /** The newest time the server gave (a `created_at`, an `effective_at`): its clock when it sends no `Date`. */
    #latestServerTime = Number.NEGATIVE_INFINITY;
    /** Listings run one at a time, each extending the span the ones before covered. */
    #listing: Promise<void> = Promise.resolve();
    /** A listing of the recent span queued and not yet begun: reads waiting for events at once share it. */
    #queuedRecent: Promise<void> | undefined;
    /** Listings without an upper bound begun so far: a read that finds one begun while it waited needs none of its own. */
    #openListingsBegun = 0;
    #off = false;
    #warned = false;
    /** A listing of the whole log that another read is making for this one to adopt (see `adoptWholeListing`). */
    #adopting = false;

    constructor(client: CheckpointPermissionsClient, options: AttributionOptions = {}) {
        if (options.sleep !== undefined && typeof options.sleep !== "function") throw new InvalidArgumentError("sleep", options.sleep, "must be a function (ms) => Promise<void>");
        this.#client = client;
        this.#sleep = options.sleep ?? ((ms) => delay(ms));
    }

    /**
     * Lets a read that lists the log's every `created` event anyway (discovery) make this client's first listing:
     * the reads that attribute after it then list nothing more than what it could not vouch for, and a run reads the
     * log once. Undefined when a listing was made or is under way already. The reads queued meanwhile wait for it; if
     * it fails or its server sends no time, they list for themselves.
     */
    adoptWholeListing(): AdoptedListing | undefined {
        if (this.#covered !== undefined || this.#adopting || this.#off) return undefined;
        this.#adopting = true;
        let end!: (outcome: { serverTime: number | undefined } | { off: true } | undefined) => void;
        const ended = new Promise<{ serverTime: number | undefined } | { off: true } | undefined>((resolve) => (end = resolve));
        void this.#queue(async () => {
            const outcome = await ended;
            this.#adopting = false;
            if (outcome === undefined || this.#covered !== undefined) return;
            if ("off" in outcome) this.#off = true;
            else if (outcome.serverTime !== undefined) {
                this.#covered = { since: Number.NEGATIVE_INFINITY, until: outcome.serverTime, first: outcome.serverTime };
            }
        });
        return {
            keep: (event) => this.#keep(event),
            done: (serverTime) => end({ serverTime }),
            auditLoggingOff: () => end({ off: true }),
            failed: () => end(undefined),
        };
    }

    /** Each of `checkpoint`'s permissions with who granted it; `warn` hears once that audit logging is off, if it is. */
    async attribute(checkpoint: string, permissions: readonly CheckpointPermission[], warn?: AttributionWarning): Promise<AttributedPermission[]> {
        if (permissions.length > 0) {
            await this.#cover(checkpoint, permissions);
            await this.#waitForPending(checkpoint, permissions);
        }
        if (this.#off && !this.#warned && warn) {
            this.#warned = true;
            warn(`Attribution is unavailable: ${AUDIT_LOGGING_OFF.reason}. Every permission is attributed to unknown.`);
        }
        return permissions.map((permission) => ({ ...permission, ...this.#grantOf(checkpoint, permission) }));
    }

    #grantOf(checkpoint: string, permission: CheckpointPermission): Pick<AttributedPermission, "grantedBy" | "grantedAt"> {
        if (this.#off) return { grantedBy: AUDIT_LOGGING_OFF, grantedAt: null };
        const event = this.#eventOf(checkpoint, permission);
        if (event) return { grantedBy: grantorOf(event.actor), grantedAt: event.effectiveAt };
        // Within the window of the first listing, it was pending, and waited for: its event should have appeared.
        const waitedFor = this.#covered !== undefined && permission.createdAt > this.#covered.first - EVENT_WINDOW_SECONDS;
        return { grantedBy: waitedFor ? EVENT_NOT_IN_WINDOW : NO_EVENT, grantedAt: null };
    }

    /** The permission's earliest `created` event that agrees with it on id, project and checkpoint; ties: the one listed later. */
    #eventOf(checkpoint: string, permission: CheckpointPermission): AuditLogEvent | undefined {
        let earliest: ListedEvent | undefined;
        for (const listed of this.#events.get(permission.id) ?? []) {
            const details = listed.event.checkpointPermission;
            if (details?.projectId !== permission.projectId || details.checkpoint !== checkpoint) continue;
            const { effectiveAt } = listed.event;
            if (earliest === undefined || effectiveAt < earliest.event.effectiveAt || (effectiveAt === earliest.event.effectiveAt && listed.order > earliest.order)) {
                earliest = listed;
            }
        }
        return earliest?.event;
    }

    /** The permissions without an event that the last listing cannot vouch for: granted within the window of it. */
    #pending(checkpoint: string, permissions: readonly CheckpointPermission[]): CheckpointPermission[] {
        const covered = this.#covered;
        if (this.#off || covered === undefined) return [];
        return permissions.filter((p) => p.createdAt > covered.until - EVENT_WINDOW_SECONDS && this.#eventOf(checkpoint, p) === undefined);
    }

    /** Lists the log again while some permission is pending, waiting longer each time, within the bounds. */
    async #waitForPending(checkpoint: string, permissions: readonly CheckpointPermission[]): Promise<void> {
        let pending = this.#pending(checkpoint, permissions);
        if (pending.length > 0) {
            const ids = pending.slice(0, 3).map((p) => p.id).join(", ") + (pending.length > 3 ? ` and ${pending.length - 3} more` : "");
            this.#client.log("info", `${checkpoint}: waiting for the audit log's ${CREATED_EVENT} event of ${ids}, up to ${EVENT_WINDOW_SECONDS} s after the grant (events may appear late)`);
        }
        let waitedMs = 0;
        for (let poll = 0; pending.length > 0 && poll < MAX_POLLS && waitedMs < MAX_WAIT_MS; poll++) {
            const until = this.#covered!.until;
            const deadline = pending.reduce((latest, p) => Math.max(latest, p.createdAt), Number.NEGATIVE_INFINITY) + EVENT_WINDOW_SECONDS;
            // No longer than it takes the server's clock to reach the deadline, but long enough to be worth a listing.
            const wait = Math.min(FIRST_POLL_MS * 2 ** poll, LONGEST_POLL_MS, Math.max((deadline - until) * 1000, FIRST_POLL_MS), MAX_WAIT_MS - waitedMs);
            const begun = this.#openListingsBegun;
            await this.#sleep(wait);
            waitedMs += wait;
            // Another read's listing begun meanwhile serves this one too: its end is awaited instead.
            await (this.#openListingsBegun > begun ? this.#listing : this.#listRecent());
            pending = this.#pending(checkpoint, pending);
        }
    }

    /**
     * Lists the events the permissions need that no listing has covered yet: the span before the first listing's
     * (an older permission), and the one the last listing without an upper bound could not vouch for (a permission
     * granted within the window of it, by the stack's own grant say). Decided when the listings before have ended,
     * so reads made at once share them.
     */
    #cover(checkpoint: string, permissions: readonly CheckpointPermission[]): Promise<void> {
        return this.#queue(async () => {
            // A loop, not Math.min(...): a listing holds up to 100,000 permissions, more arguments than a call takes.
            let oldest = Infinity;
            for (const p of permissions) {
                oldest = Math.min(oldest, p.createdAt);
                this.#latestServerTime = Math.max(this.#latestServerTime, p.createdAt);
            }
            const since = oldest - SLACK_SECONDS;
            if (this.#covered === undefined) return this.#list({ gte: since }, since);
            if (since < this.#covered.since) await this.#list({ gte: since, lt: this.#covered.since }, since);
            // Asked once the span before is listed, which may hold the events.
            if (this.#pending(checkpoint, permissions).length > 0) await this.#list(this.#recentSpan(this.#covered), since);
        });
    }

    /** Lists the span the last listing without an upper bound could not vouch for, again. */
    #listRecent(): Promise<void> {
        if (this.#queuedRecent !== undefined) return this.#queuedRecent;
        const listing = this.#queue(async () => {
            this.#queuedRecent = undefined;
            const covered = this.#covered;
            if (covered !== undefined) await this.#list(this.#recentSpan(covered), covered.since);
        });
        this.#queuedRecent = listing;
        return listing;
    }

    #recentSpan(covered: Coverage): EffectiveAtRange {
        return { gte: Math.max(covered.since, covered.until - EVENT_WINDOW_SECONDS - SLACK_SECONDS) };
    }

    /**
     * Lists the span and keeps its `created` events; the spans covered then run from `since`, and, if it has no upper
     * bound, up to when it began by the server's clock (a bounded one vouches for nothing after it).
     */
    async #list(effectiveAt: EffectiveAtRange, since: number): Promise<void> {
        if (this.#off) return;
        const open = effectiveAt.lt === undefined;
        if (open) this.#openListingsBegun++;
        let listedAt: number;
        try {
            const { events, serverTime } = await this.#client.auditLogs.listAll({ eventTypes: [CREATED_EVENT], effectiveAt });
            for (const event of events) this.#keep(event);
            listedAt = serverTime ?? this.#latestServerTime;
        } catch (error) {
            if (!(error instanceof AuditLogDisabledError)) throw error;
            this.#off = true;
            return;
        }
        const covered = this.#covered;
        const until = covered === undefined ? listedAt : open ? Math.max(covered.until, listedAt) : covered.until;
        this.#covered = { since: Math.min(since, covered?.since ?? since), until, first: covered?.first ?? listedAt };
    }

    #keep(event: AuditLogEvent): void {
        this.#latestServerTime = Math.max(this.#latestServerTime, event.effectiveAt);
        const permissionId = event.checkpointPermission?.id;
        if (event.type !== CREATED_EVENT || permissionId === undefined || this.#listedIds.has(event.id)) return;
        this.#listedIds.add(event.id);
        const listed = this.#events.get(permissionId);
        const entry = { event, order: this.#listedCount++ };
        if (listed) listed.push(entry);
        else this.#events.set(permissionId, [entry]);
    }

    /** Runs `listing` after the ones queued before; one that fails fails its callers and leaves the span uncovered for the next. */
    #queue(listing: () => Promise<void>): Promise<void> {
        const listed = this.#listing.then(listing);
        this.#listing = listed.catch(() => undefined);
        return listed;
    }
}

/** A whole listing of the log's `created` events made by another read, handed over as it goes (`adoptWholeListing`). */
export interface AdoptedListing {
    /** An event of the listing, as it comes. */
    keep(event: AuditLogEvent): void;
    /** The listing ended; it began at `serverTime` by the server's clock (undefined: the server sent no time). */
    done(serverTime: number | undefined): void;
    /** The listing found the organization's audit logging off. */
    auditLoggingOff(): void;
    /** The listing failed: the reads list for themselves. */
    failed(): void;
}

const attributions = new WeakMap<CheckpointPermissionsClient, Attribution>();

/** The one attribution of a client: every read made with it shares its listing. */
export function attributionOf(client: CheckpointPermissionsClient): Attribution {
    let attribution = attributions.get(client);
    if (!attribution) attributions.set(client, (attribution = new Attribution(client)));
    return attribution;
}

/** The grantor an event's actor names (what the API left null is left out). */
export function grantorOf(actor: AuditLogActor | null): Grantor {
    if (actor?.type === "session") {
        const { user, ipAddress } = actor;
        return { kind: "dashboard", ...given({ email: user.email, userId: user.id, ipAddress }) };
    }
    if (actor?.type === "api_key") {
        if (actor.keyType === "service_account") return { kind: "service-account-key", ...given({ serviceAccountId: actor.serviceAccountId, apiKeyId: actor.keyId }) };
        return { kind: "user-key", ...given({ email: actor.user?.email, userId: actor.user?.id, apiKeyId: actor.keyId }) };
    }
    return { kind: "unknown", reason: actor ? `the audit log names an actor of type ${actor.reportedType}` : "the audit log names no actor" };
}

/** The fields that have a value. */
function given<T extends Record<string, string | null | undefined>>(fields: T): { [K in keyof T]?: string } {
    const present: { [K in keyof T]?: string } = {};
    for (const key of Object.keys(fields) as Array<keyof T>) {
        const value = fields[key];
        if (value !== null && value !== undefined) present[key] = value;
    }
    return present;
}

/** What a record's access text says of an unknown grantor. */
export const UNKNOWN_GRANTOR = "unknown";

/**
 * How a record's access text names a grantor: who (an email, else a user's or a service account's id), then how.
 * Never the IP address: state keeps identities, reads give the rest.
 */
export function grantorLabel(grantor: Grantor): string {
    const user = grantor.email ?? grantor.userId;
    switch (grantor.kind) {
        case "dashboard":
            return `${user ?? "a user"} (dashboard)`;
        case "user-key":
            return `${user ?? "a user"} (key${grantor.apiKeyId ? ` ${grantor.apiKeyId}` : ""})`;
        case "service-account-key":
            return `${grantor.serviceAccountId ?? "a service account"} (service account key${grantor.apiKeyId ? ` ${grantor.apiKeyId}` : ""})`;
        case "unknown":
            return UNKNOWN_GRANTOR;
    }
}

/** Who a label names: the email or id that a policy's allowed grantors list (`mallory@acme.com (dashboard)` → `mallory@acme.com`). */
export function grantorIdentity(label: string): string {
    const how = label.indexOf(" (");
    return how === -1 ? label : label.slice(0, how);
}

/** Each project's grantor, as a record's access text names it (the permission each project holds: ./listing.ts). */
export function grantorsByProject(permissions: Iterable<AttributedPermission>): GrantorsByProject {
    return Object.fromEntries(permissionsByProject(permissions).map((permission) => [permission.projectId, grantorLabel(permission.grantedBy)]));
}
