/**
 * Who granted each permission, and when: from the organization's audit log, whose `checkpoint.permission.created`
 * event names the permission and its actor (a dashboard session, or a user's or a service account's API key).
 *
 * One listing serves every read made with one client (a program run's, a plugin provider's): the events are listed
 * once, filtered by type and time on the server, from a little before the oldest permission asked about; a read
 * about an older permission lists only the span before, one about a permission granted since only the span after.
 * Each listing is bounded by the client's `listingLimits`.
 *
 * A permission without an event (granted before audit logging was on, or older than the log keeps) is attributed to
 * `unknown`, with the reason. An organization with audit logging off still reads: every permission is `unknown`,
 * and the warning that says so is given once per client.
 */
import type { CheckpointPermissionsClient } from "../client";
import { AuditLogDisabledError } from "../client/errors";
import type { AuditLogActor, AuditLogEvent } from "../api/types";
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

/** Events are written when the grant is: a minute of slack covers clocks and the seconds the API rounds to. */
const SLACK_SECONDS = 60;

const NO_EVENT: Grantor = {
    kind: "unknown",
    reason: `no ${CREATED_EVENT} event in the audit log: granted before audit logging was on, or older than the log keeps`,
};
export const AUDIT_LOGGING_OFF: Grantor = {
    kind: "unknown",
    reason: "the organization's audit logging is off (an owner turns it on under Settings → Data controls)",
};

/** Where the one warning about audit logging being off goes. */
export type AttributionWarning = (message: string) => void;

/** The attribution of one client's reads; {@link attributionOf} gives the one of a client. */
export class Attribution {
    readonly #client: CheckpointPermissionsClient;
    readonly #events = new Map<string, AuditLogEvent>();
    /** The span of `effective_at` the listings so far cover, in Unix seconds (none yet: undefined). */
    #covered: { since: number; until: number } | undefined;
    /** Listings run one at a time, each extending the span the ones before covered. */
    #listing: Promise<void> = Promise.resolve();
    #off = false;
    #warned = false;

    constructor(client: CheckpointPermissionsClient, private readonly now: () => number = () => Math.floor(Date.now() / 1000)) {
        this.#client = client;
    }

    /** Each permission with who granted it; `warn` hears once that audit logging is off, if it is. */
    async attribute(permissions: readonly CheckpointPermission[], warn?: AttributionWarning): Promise<AttributedPermission[]> {
        if (permissions.length > 0) await this.#cover(permissions);
        if (this.#off && !this.#warned && warn) {
            this.#warned = true;
            warn(`Attribution is unavailable: ${AUDIT_LOGGING_OFF.reason}. Every permission is attributed to unknown.`);
        }
        return permissions.map((permission) => ({ ...permission, ...this.#grantOf(permission) }));
    }

    #grantOf(permission: CheckpointPermission): Pick<AttributedPermission, "grantedBy" | "grantedAt"> {
        if (this.#off) return { grantedBy: AUDIT_LOGGING_OFF, grantedAt: null };
        const event = this.#events.get(permission.id);
        return event ? { grantedBy: grantorOf(event.actor), grantedAt: event.effectiveAt } : { grantedBy: NO_EVENT, grantedAt: null };
    }

    /**
     * Lists the events the permissions need that no listing has covered yet: the span before the first listing's
     * (an older permission), and the one since the last listing began (a permission granted at or after it, by the
     * stack's own grant say). Decided when the listings before have ended, so reads made at once share them.
     */
    #cover(permissions: readonly CheckpointPermission[]): Promise<void> {
        this.#listing = this.#listing.then(async () => {
            if (this.#off) return;
            // A loop, not Math.min(...): a listing holds up to 100,000 permissions, more arguments than a call takes.
            const since = permissions.reduce((oldest, p) => Math.min(oldest, p.createdAt), Infinity) - SLACK_SECONDS;
            const covered = this.#covered;
            const spans: Array<{ gte: number; lt?: number }> = [];
            if (covered === undefined) spans.push({ gte: since });
            else {
                if (since < covered.since) spans.push({ gte: since, lt: covered.since });
                const missed = permissions.some((p) => !this.#events.has(p.id) && p.createdAt >= covered.until);
                if (missed) spans.push({ gte: covered.until - SLACK_SECONDS });
            }
            if (spans.length === 0) return;
            const listedAt = this.now();
            try {
                for (const effectiveAt of spans) {
                    const { events } = await this.#client.auditLogs.listAll({ eventTypes: [CREATED_EVENT], effectiveAt });
                    for (const event of events) {
                        const id = event.checkpointPermission?.id;
                        if (id !== undefined && !this.#events.has(id)) this.#events.set(id, event);
                    }
                }
                // Only a listing without an upper bound covers up to when it began; one of the span before the first
                // leaves what was granted since the last open listing uncovered.
                const open = spans.some((span) => span.lt === undefined);
                const until = covered === undefined ? listedAt : open ? Math.max(listedAt, covered.until) : covered.until;
                this.#covered = { since: Math.min(since, covered?.since ?? since), until };
            } catch (error) {
                if (!(error instanceof AuditLogDisabledError)) throw error;
                this.#off = true;
            }
        });
        // A failed listing fails the reads that wait for it, and leaves the span uncovered for the next to try.
        const listed = this.#listing;
        this.#listing = listed.catch(() => undefined);
        return listed;
    }
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
