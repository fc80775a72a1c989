/**
 * The two organization admin listings, `GET /organization/audit_logs` and `GET /organization/projects`, producing
 * the spec's `ListAuditLogsResponse` and `ProjectListResponse`.
 *
 * Parameters are validated first (400), then the organization's state is consulted: an unknown cursor is a 400 as
 * for permissions, and an organization whose audit logging is off refuses the audit-log listing with a 403.
 */
import type { EventBody } from "./audit-log";
import { auditLoggingDisabled, invalidParameter } from "./errors";
import type { StuckCursorFault } from "./faults";
import { parseAuditLogQuery, parseProjectQuery } from "./admin-validation";
import { listEnvelope, type ListEnvelope } from "./list-envelope";
import type { Organization } from "./organization";
import type { ProjectBody } from "./projects";
import { UnknownCursorError } from "./store";

function unknownCursor(error: unknown, what: string): unknown {
    if (!(error instanceof UnknownCursorError)) return error;
    return invalidParameter("after", `Invalid cursor: no ${what} with id '${error.cursor}' exists.`, "invalid_value");
}

/** A page bent by a stuck-cursor fault: empty, or the first page again, both saying there is more. */
function stuck<T extends { id: string }>(fault: StuckCursorFault, firstPage: () => { data: T[] }): ListEnvelope<T> {
    return listEnvelope(fault.variant === "empty-page" ? [] : firstPage().data, true);
}

/** The listing of the events that took effect at or before `visibleUpTo` (all of them without it). */
export function listAuditLogs(organization: Organization, query: URLSearchParams, stuckCursor?: StuckCursorFault, visibleUpTo?: number): ListEnvelope<EventBody> {
    const parameters = { ...parseAuditLogQuery(query), ...(visibleUpTo === undefined ? {} : { visibleUpTo }) };
    if (!organization.auditLoggingEnabled) throw auditLoggingDisabled();
    const { auditLog } = organization;
    if (stuckCursor) return stuck(stuckCursor, () => auditLog.list({ ...parameters, after: undefined, before: undefined }));
    try {
        const page = auditLog.list(parameters);
        return listEnvelope(page.data, page.hasMore);
    } catch (error) {
        throw unknownCursor(error, "audit log event");
    }
}

export function listProjects(organization: Organization, query: URLSearchParams, stuckCursor?: StuckCursorFault): ListEnvelope<ProjectBody> {
    const parameters = parseProjectQuery(query);
    const { projects } = organization;
    if (stuckCursor) return stuck(stuckCursor, () => projects.list({ ...parameters, after: undefined }));
    try {
        const page = projects.list(parameters);
        return listEnvelope(page.data, page.hasMore);
    } catch (error) {
        throw unknownCursor(error, "project");
    }
}
