/**
 * The query parameters of the two organization admin listings, read as the spec names them (`event_types[]`,
 * `effective_at[gte]`, `include_archived`) and refused in OpenAI's style: a 400 naming the parameter. Unknown
 * parameters are ignored, as OpenAI does.
 */
import { invalidParameter } from "./errors";
import { AUDIT_LOG_EVENT_TYPES } from "./event-types";
import { isTenantScoped, type EventQuery, type TimeRange } from "./audit-log";
import type { ProjectQuery } from "./projects";
import { parseBoolean, parseInteger, parseLimit, parseNonEmpty } from "./validation";

/** The page size of both listings when the request names none. */
export const ADMIN_DEFAULT_LIMIT = 20;

/** Every value of an array parameter (`name[]`), or undefined when there is none. */
function parseList(query: URLSearchParams, name: string, check: (value: string) => void = () => undefined): ReadonlySet<string> | undefined {
    const param = `${name}[]`;
    const values = query.getAll(param);
    if (values.length === 0) return undefined;
    for (const value of values) {
        parseNonEmpty(param, value);
        check(value);
    }
    return new Set(values);
}

function parseRange(query: URLSearchParams): TimeRange | undefined {
    const range: Record<string, number> = {};
    for (const bound of ["gt", "gte", "lt", "lte"]) {
        const name = `effective_at[${bound}]`;
        const raw = query.get(name);
        if (raw !== null) range[bound] = parseInteger(name, raw);
    }
    return Object.keys(range).length === 0 ? undefined : range;
}

export function parseAuditLogQuery(query: URLSearchParams): EventQuery {
    const tenantOnly = parseBoolean("tenant_only", query.get("tenant_only")) ?? false;
    const eventTypes = parseList(query, "event_types", (type) => {
        if (!AUDIT_LOG_EVENT_TYPES.has(type)) {
            throw invalidParameter("event_types[]", `Invalid value for 'event_types[]': '${type}' is not an audit log event type.`, "invalid_value");
        }
        if (tenantOnly && !isTenantScoped(type)) {
            throw invalidParameter("event_types[]", `Invalid value for 'event_types[]': '${type}' is not tenant-scoped, and tenant_only is true.`, "invalid_value");
        }
    });
    return {
        limit: parseLimit(query.get("limit"), ADMIN_DEFAULT_LIMIT),
        after: parseNonEmpty("after", query.get("after")),
        before: parseNonEmpty("before", query.get("before")),
        eventTypes,
        effectiveAt: parseRange(query),
        projectIds: parseList(query, "project_ids"),
        resourceIds: parseList(query, "resource_ids"),
        actorIds: parseList(query, "actor_ids"),
        actorEmails: parseList(query, "actor_emails"),
        tenantOnly,
    };
}

export function parseProjectQuery(query: URLSearchParams): ProjectQuery {
    return {
        limit: parseLimit(query.get("limit"), ADMIN_DEFAULT_LIMIT),
        after: parseNonEmpty("after", query.get("after")),
        includeArchived: parseBoolean("include_archived", query.get("include_archived")) ?? false,
    };
}
