/**
 * Maps a request's method and raw path to one of the API operations: the three checkpoint-permission ones and the
 * two organization admin listings.
 *
 * The path is split on `/` before decoding, because a checkpoint id may itself contain `/` (sent as
 * `%2F`); each segment is then decoded with `decodeURIComponent`. Clients send `:` raw, which is fine.
 */
import { ApiError, invalidUrl, methodNotAllowed } from "./errors";
import type { Operation } from "./faults";

export const API_BASE_PATH = "/v1";

export type ApiRoute =
    | { readonly operation: "list" | "create"; readonly checkpoint: string }
    | { readonly operation: "delete"; readonly checkpoint: string; readonly permissionId: string }
    | { readonly operation: "list-audit-logs" | "list-projects" };

/** The path shapes, before the method is considered. */
type PathMatch =
    | { readonly kind: "permissions"; readonly checkpoint: string }
    | { readonly kind: "permission"; readonly checkpoint: string; readonly permissionId: string }
    | { readonly kind: "audit_logs" }
    | { readonly kind: "projects" };

const ALLOWED_METHODS: Record<PathMatch["kind"], Partial<Record<string, Operation>>> = {
    permissions: { GET: "list", POST: "create" },
    permission: { DELETE: "delete" },
    audit_logs: { GET: "list-audit-logs" },
    projects: { GET: "list-projects" },
};

function allowedOperation(kind: PathMatch["kind"], method: string): Operation | undefined {
    const table = ALLOWED_METHODS[kind];
    return Object.hasOwn(table, method) ? table[method] : undefined;
}

function decodeSegment(segment: string, what: string): string {
    try {
        return decodeURIComponent(segment);
    } catch {
        throw new ApiError(400, `Invalid percent-encoding in the ${what} path segment: ${segment}`, "invalid_request_error");
    }
}

function matchPath(rawPath: string): PathMatch | undefined {
    if (rawPath === `${API_BASE_PATH}/organization/audit_logs`) return { kind: "audit_logs" };
    if (rawPath === `${API_BASE_PATH}/organization/projects`) return { kind: "projects" };
    const segments = rawPath.split("/");
    // ["", "v1", "fine_tuning", "checkpoints", <checkpoint>, "permissions", <permission id>?]
    if (segments.length < 6 || segments.length > 7) return undefined;
    const [empty, version, fineTuning, checkpoints, checkpoint, permissions, permissionId] = segments;
    if (empty !== "" || `/${version}` !== API_BASE_PATH || fineTuning !== "fine_tuning") return undefined;
    if (checkpoints !== "checkpoints" || permissions !== "permissions" || !checkpoint) return undefined;
    if (permissionId === undefined) {
        return { kind: "permissions", checkpoint: decodeSegment(checkpoint, "checkpoint") };
    }
    if (permissionId === "") return undefined;
    return {
        kind: "permission",
        checkpoint: decodeSegment(checkpoint, "checkpoint"),
        permissionId: decodeSegment(permissionId, "permission id"),
    };
}

/** The operation a request would be, or undefined (unknown route or wrong method); never throws. */
export function operationOf(method: string, rawPath: string): Operation | undefined {
    try {
        const match = matchPath(rawPath);
        return match ? allowedOperation(match.kind, method) : undefined;
    } catch {
        return undefined;
    }
}

/** Resolves a request to its route; throws the 404/405/400 ApiError OpenAI-style otherwise. */
export function resolveRoute(method: string, rawPath: string): ApiRoute {
    const match = matchPath(rawPath);
    if (!match) throw invalidUrl(method, rawPath);
    const operation = allowedOperation(match.kind, method);
    if (!operation) throw methodNotAllowed(method, rawPath, Object.keys(ALLOWED_METHODS[match.kind]));
    if (match.kind === "permission") {
        return { operation: "delete", checkpoint: match.checkpoint, permissionId: match.permissionId };
    }
    if (match.kind === "audit_logs") return { operation: "list-audit-logs" };
    if (match.kind === "projects") return { operation: "list-projects" };
    return { operation: operation === "create" ? "create" : "list", checkpoint: match.checkpoint };
}
