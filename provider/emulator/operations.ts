/**
 * The API operations on the organization, producing the spec's response bodies: the three checkpoint-permission
 * operations here, the two organization admin listings in admin-operations.ts. A grant or revoke made through the
 * API acts as the admin key's actor.
 *
 * Request shape is validated before the checkpoint is looked up, so a malformed request gets its 400
 * whatever it names; then an unknown checkpoint is a 404.
 */
import { listAuditLogs, listProjects } from "./admin-operations";
import type { EventBody } from "./audit-log";
import { checkpointNotFound, invalidParameter, ownerProjectGrant, permissionNotFound } from "./errors";
import type { StuckCursorFault } from "./faults";
import { listEnvelope, type ListEnvelope } from "./list-envelope";
import type { Organization } from "./organization";
import type { ProjectBody } from "./projects";
import type { ApiRoute } from "./routes";
import { OwnerProjectError, PermissionStore, UnknownCursorError, type PermissionWire } from "./store";
import { parseCreateBody, parseListParameters } from "./validation";

/** `FineTuningCheckpointPermission` on the wire. */
export interface PermissionBody {
    object: "checkpoint.permission";
    id: string;
    created_at: number;
    project_id: string;
}

/** `ListFineTuningCheckpointPermissionResponse`. */
export type PermissionListBody = ListEnvelope<PermissionBody>;

/** `DeleteFineTuningCheckpointPermissionResponse`. */
export interface DeletedPermissionBody {
    object: "checkpoint.permission";
    id: string;
    deleted: true;
}

export interface OperationRequest {
    readonly route: ApiRoute;
    readonly query: URLSearchParams;
    readonly body: string;
    /** A stuck-cursor fault taken by this request, applied to the page it would otherwise get. */
    readonly stuckCursor?: StuckCursorFault;
    /** The audit log lists only events that took effect at or before this second (the delay it is written with). */
    readonly auditLogVisibleUpTo?: number;
}

function toBody(permission: PermissionWire): PermissionBody {
    return {
        object: "checkpoint.permission",
        id: permission.id,
        created_at: permission.created_at,
        project_id: permission.project_id,
    };
}

function listBody(permissions: PermissionWire[], hasMore: boolean): PermissionListBody {
    return listEnvelope(permissions.map(toBody), hasMore);
}

function requireCheckpoint(store: PermissionStore, checkpoint: string): void {
    if (!store.hasCheckpoint(checkpoint)) throw checkpointNotFound(checkpoint);
}

function list(store: PermissionStore, checkpoint: string, request: OperationRequest): PermissionListBody {
    const parameters = parseListParameters(request.query);
    requireCheckpoint(store, checkpoint);
    if (request.stuckCursor?.variant === "empty-page") return listBody([], true);
    // A repeat-page fault ignores the cursor, so every page is the first one and last_id never advances.
    const after = request.stuckCursor ? undefined : parameters.after;
    try {
        const page = store.list(checkpoint, { ...parameters, after });
        return listBody(page.data, request.stuckCursor ? true : page.hasMore);
    } catch (error) {
        if (error instanceof UnknownCursorError) {
            throw invalidParameter(
                "after",
                `Invalid 'after': no permission with id '${error.cursor}' exists for checkpoint '${checkpoint}'.`,
                "invalid_value",
            );
        }
        throw error;
    }
}

function create(organization: Organization, checkpoint: string, request: OperationRequest): PermissionListBody {
    const projectIds = parseCreateBody(request.body);
    requireCheckpoint(organization.permissions, checkpoint);
    try {
        return listBody(organization.grant(checkpoint, projectIds, organization.adminKeyActor), false);
    } catch (error) {
        if (error instanceof OwnerProjectError) throw ownerProjectGrant(error.ownerProjectId);
        throw error;
    }
}

function remove(organization: Organization, checkpoint: string, permissionId: string): DeletedPermissionBody {
    requireCheckpoint(organization.permissions, checkpoint);
    if (!organization.revoke(checkpoint, permissionId, organization.adminKeyActor)) throw permissionNotFound(checkpoint, permissionId);
    return { object: "checkpoint.permission", id: permissionId, deleted: true };
}

/** Runs the operation; failures are thrown as `ApiError`s. */
export function runOperation(
    organization: Organization,
    request: OperationRequest,
): PermissionListBody | DeletedPermissionBody | ListEnvelope<EventBody> | ListEnvelope<ProjectBody> {
    const { route } = request;
    switch (route.operation) {
        case "list":
            return list(organization.permissions, route.checkpoint, request);
        case "create":
            return create(organization, route.checkpoint, request);
        case "delete":
            return remove(organization, route.checkpoint, route.permissionId);
        case "list-audit-logs":
            return listAuditLogs(organization, request.query, request.stuckCursor, request.auditLogVisibleUpTo);
        case "list-projects":
            return listProjects(organization, request.query, request.stuckCursor);
    }
}
