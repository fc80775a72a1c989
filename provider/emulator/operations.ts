/**
 * The three API operations on the store, producing the spec's response bodies.
 *
 * Request shape is validated before the checkpoint is looked up, so a malformed request gets its 400
 * whatever it names; then an unknown checkpoint is a 404.
 */
import { checkpointNotFound, invalidParameter, ownerProjectGrant, permissionNotFound } from "./errors";
import type { StuckCursorFault } from "./faults";
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
export interface PermissionListBody {
    object: "list";
    data: PermissionBody[];
    first_id: string | null;
    last_id: string | null;
    has_more: boolean;
}

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
    const data = permissions.map(toBody);
    return { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore };
}

function requireCheckpoint(store: PermissionStore, checkpoint: string): void {
    if (!store.hasCheckpoint(checkpoint)) throw checkpointNotFound(checkpoint);
}

function list(store: PermissionStore, request: OperationRequest): PermissionListBody {
    const parameters = parseListParameters(request.query);
    const { checkpoint } = request.route;
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
                `Invalid 'after': no permission with id '${error.after}' exists for checkpoint '${checkpoint}'.`,
                "invalid_value",
            );
        }
        throw error;
    }
}

function create(store: PermissionStore, request: OperationRequest): PermissionListBody {
    const projectIds = parseCreateBody(request.body);
    const { checkpoint } = request.route;
    requireCheckpoint(store, checkpoint);
    try {
        return listBody(store.grant(checkpoint, projectIds), false);
    } catch (error) {
        if (error instanceof OwnerProjectError) throw ownerProjectGrant(error.ownerProjectId);
        throw error;
    }
}

function remove(store: PermissionStore, checkpoint: string, permissionId: string): DeletedPermissionBody {
    requireCheckpoint(store, checkpoint);
    if (!store.revoke(checkpoint, permissionId)) throw permissionNotFound(checkpoint, permissionId);
    return { object: "checkpoint.permission", id: permissionId, deleted: true };
}

/** Runs the operation; failures are thrown as `ApiError`s. */
export function runOperation(
    store: PermissionStore,
    request: OperationRequest,
): PermissionListBody | DeletedPermissionBody {
    const { route } = request;
    switch (route.operation) {
        case "list":
            return list(store, request);
        case "create":
            return create(store, request);
        case "delete":
            return remove(store, route.checkpoint, route.permissionId);
    }
}
