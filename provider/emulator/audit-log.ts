/**
 * The organization's audit log: every event, in the order they took effect, and the listing of
 * `GET /organization/audit_logs` over them (newest first, filtered, paged by `after` and `before` cursors).
 *
 * Knows nothing about HTTP or about who writes events: the organization records them, seeds load them.
 */
import type { ActorBody } from "./actors";
import { newEventId } from "./ids";
import { UnknownCursorError } from "./store";

/** `AuditLog` on the wire: its details, if any, under its type (`"checkpoint.permission.created": {…}`). */
export interface EventBody extends NewEvent {
    id: string;
}

/** An event to record: its id is given one if it has none. */
export interface NewEvent {
    id?: string;
    type: string;
    effective_at: number;
    project?: { id: string; name?: string; [field: string]: unknown };
    actor?: ActorBody | null;
    [details: string]: unknown;
}

/** A range of `effective_at` seconds; each bound optional. */
export interface TimeRange {
    readonly gt?: number;
    readonly gte?: number;
    readonly lt?: number;
    readonly lte?: number;
}

/** One page's worth of the listing's parameters, validated. Each filter given narrows it. */
export interface EventQuery {
    readonly limit: number;
    readonly after?: string;
    readonly before?: string;
    readonly eventTypes?: ReadonlySet<string>;
    readonly effectiveAt?: TimeRange;
    readonly projectIds?: ReadonlySet<string>;
    readonly resourceIds?: ReadonlySet<string>;
    readonly actorIds?: ReadonlySet<string>;
    readonly actorEmails?: ReadonlySet<string>;
    readonly tenantOnly?: boolean;
    /**
     * Only events that took effect at or before this second: the log's delay, which leaves the newest out of the
     * listing for a while. Not a filter of the API's: the log writes an event late, whatever is asked.
     */
    readonly visibleUpTo?: number;
}

/** Types that belong to the tenant rather than to one organization (the spec's `tenant_only`). */
export function isTenantScoped(type: string): boolean {
    return type.startsWith("tenant.") || type === "role.bound_to_resource" || type === "role.unbound_from_resource";
}

interface StoredEvent {
    readonly body: EventBody;
    /** Breaks ties between events of the same second: the one recorded later is the newer. */
    readonly sequence: number;
}

function byTime(a: StoredEvent, b: StoredEvent): number {
    return a.body.effective_at - b.body.effective_at || a.sequence - b.sequence;
}

/** The id of what the event is about: its details' `id` (a permission, a project, a key…). */
function resourceIdOf(event: EventBody): unknown {
    const details = event[event.type];
    return typeof details === "object" && details !== null ? (details as { id?: unknown }).id : undefined;
}

function actorIdsOf(actor: ActorBody | null | undefined): string[] {
    if (!actor) return [];
    if (actor.type === "session") return [actor.session.user.id];
    const key = actor.api_key;
    return key.type === "user" ? [key.id, key.user.id] : [key.id, key.service_account.id];
}

function actorEmailOf(actor: ActorBody | null | undefined): string | undefined {
    if (!actor) return undefined;
    if (actor.type === "session") return actor.session.user.email;
    return actor.api_key.type === "user" ? actor.api_key.user.email : undefined;
}

function inRange(seconds: number, range: TimeRange): boolean {
    return (
        (range.gt === undefined || seconds > range.gt) &&
        (range.gte === undefined || seconds >= range.gte) &&
        (range.lt === undefined || seconds < range.lt) &&
        (range.lte === undefined || seconds <= range.lte)
    );
}

function matches(event: EventBody, query: EventQuery): boolean {
    const project = event.project?.id;
    const resource = resourceIdOf(event);
    const email = actorEmailOf(event.actor);
    return (
        (query.eventTypes === undefined || query.eventTypes.has(event.type)) &&
        (query.effectiveAt === undefined || inRange(event.effective_at, query.effectiveAt)) &&
        (query.visibleUpTo === undefined || event.effective_at <= query.visibleUpTo) &&
        (query.projectIds === undefined || (project !== undefined && query.projectIds.has(project))) &&
        (query.resourceIds === undefined || (typeof resource === "string" && query.resourceIds.has(resource))) &&
        (query.actorIds === undefined || actorIdsOf(event.actor).some((id) => query.actorIds!.has(id))) &&
        (query.actorEmails === undefined || (email !== undefined && query.actorEmails.has(email))) &&
        (query.tenantOnly !== true || isTenantScoped(event.type))
    );
}

export class AuditLog {
    /** Oldest first. */
    private events: StoredEvent[] = [];
    private readonly ids = new Set<string>();
    /** Event id to its index in `events`, built when a listing needs it after a change. */
    private positions: Map<string, number> | undefined;
    private nextSequence = 0;

    clear(): void {
        this.events = [];
        this.ids.clear();
        this.positions = undefined;
        this.nextSequence = 0;
    }

    has(id: string): boolean {
        return this.ids.has(id);
    }

    /** Records an event, giving it an id if it has none; events of a second keep the order they were recorded in. */
    record(event: NewEvent): EventBody {
        const body: EventBody = { ...event, id: event.id ?? this.unusedId(event.effective_at) };
        const stored = { body, sequence: this.nextSequence++ };
        // Usually the newest: the clock moves on. A seeded or back-dated event goes where its time puts it.
        let index = this.events.length;
        while (index > 0 && byTime(this.events[index - 1]!, stored) > 0) index--;
        this.events.splice(index, 0, stored);
        this.ids.add(body.id);
        this.positions = undefined;
        return body;
    }

    /** Every event, oldest first: the order a seed lists them in. */
    all(): EventBody[] {
        return this.events.map((event) => event.body);
    }

    /**
     * One page, newest first. The cursors are event ids placed in the unfiltered log, so a cursor may be an event
     * the filters leave out. With `after`, the page is the newest events older than it; with `before` (and no
     * `after`), the oldest events newer than it; `has_more` says whether more match beyond the page.
     */
    list(query: EventQuery): { data: EventBody[]; hasMore: boolean } {
        const count = this.events.length;
        // Index i of the newest-first order is events[count - 1 - i].
        const place = (cursor: string) => {
            const position = this.position().get(cursor);
            if (position === undefined) throw new UnknownCursorError(cursor);
            return count - 1 - position;
        };
        const start = query.after === undefined ? 0 : place(query.after) + 1;
        const end = query.before === undefined ? count : place(query.before);
        const candidates: EventBody[] = [];
        for (let i = start; i < end; i++) {
            const event = this.events[count - 1 - i]!.body;
            if (matches(event, query)) candidates.push(event);
        }
        const hasMore = candidates.length > query.limit;
        const fromBefore = query.before !== undefined && query.after === undefined;
        const data = fromBefore ? candidates.slice(-query.limit) : candidates.slice(0, query.limit);
        return { data, hasMore };
    }

    private position(): Map<string, number> {
        this.positions ??= new Map(this.events.map((event, index) => [event.body.id, index]));
        return this.positions;
    }

    private unusedId(effectiveAt: number): string {
        for (;;) {
            const id = newEventId(effectiveAt);
            if (!this.has(id)) return id;
        }
    }
}
