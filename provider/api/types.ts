/**
 * The domain types the package speaks in, camelCase, as every layer above the wire model uses them. Kept apart from
 * the zod schemas in model.ts so the package's declarations never lead a user's compiler into zod's own.
 */

/** The order permissions are listed in; the API's default is `descending` (newest first). */
export type PermissionOrder = "ascending" | "descending";

/** One project's access to one checkpoint. */
export interface CheckpointPermission {
    /** The permission id, `cp_…`. */
    readonly id: string;
    /** The project that may use the checkpoint, `proj_…`. */
    readonly projectId: string;
    /** When access was granted, in Unix seconds. */
    readonly createdAt: number;
}

/** One page of a listing, in camelCase. */
export interface Page<T> {
    readonly data: T[];
    readonly firstId: string | null;
    readonly lastId: string | null;
    readonly hasMore: boolean;
}

/** One page of a checkpoint's permissions. */
export type PermissionPage = Page<CheckpointPermission>;

/** The result of a delete. */
export interface DeletedPermission {
    readonly id: string;
    readonly deleted: boolean;
}

/**
 * The audit-log event types this package reads. The API knows many more (`AuditLogEventType` in
 * `organization-admin.openapi.yaml`); a filter may name any of them, and an event of any type is listed.
 */
export type CheckpointPermissionEventType = "checkpoint.permission.created" | "checkpoint.permission.deleted";

/** A range of `effective_at` times, in Unix seconds, as the audit-log listing filters by it; each bound is optional. */
export interface EffectiveAtRange {
    /** After this second. */
    readonly gt?: number;
    /** At or after this second. */
    readonly gte?: number;
    /** Before this second. */
    readonly lt?: number;
    /** At or before this second. */
    readonly lte?: number;
}

/** A user as the audit log names one; either field may be missing from the API's answer. */
export interface AuditLogUser {
    /** `user-…` */
    readonly id: string | null;
    readonly email: string | null;
}

/** Someone signed in to the dashboard. */
export interface SessionActor {
    readonly type: "session";
    readonly user: AuditLogUser;
    /** Where the request came from; only the audit log has it. */
    readonly ipAddress: string | null;
}

/** An API key: a user's or a service account's. */
export interface ApiKeyActor {
    readonly type: "api_key";
    /** The key's tracking id, `key_…`, not the key. */
    readonly keyId: string | null;
    /** Whose key: `user` (then `user` says who) or `service_account` (then `serviceAccountId`); null if the API did not say. */
    readonly keyType: "user" | "service_account" | null;
    readonly user: AuditLogUser | null;
    /** `svc_acct_…` */
    readonly serviceAccountId: string | null;
}

/** An actor of a type this package does not know (OpenAI documents `session` and `api_key`), kept so it can be named. */
export interface OtherActor {
    readonly type: "other";
    /** The `type` the API gave. */
    readonly reportedType: string;
}

/** Who performed an audited action. */
export type AuditLogActor = SessionActor | ApiKeyActor | OtherActor;

/** The permission a `checkpoint.permission.created` or `checkpoint.permission.deleted` event is about. */
export interface CheckpointPermissionDetails {
    /** The permission id, `cp_…`. */
    readonly id: string;
    /** The project given access; only a `created` event says. */
    readonly projectId: string | null;
    /** The checkpoint; only a `created` event says. */
    readonly checkpoint: string | null;
}

/** One entry of the organization's audit log. */
export interface AuditLogEvent {
    /** `audit_log-…` */
    readonly id: string;
    /** OpenAI's event type, e.g. `checkpoint.permission.created`. */
    readonly type: string;
    /** When it happened, in Unix seconds. */
    readonly effectiveAt: number;
    /** The project the action was scoped to (OpenAI: an admin key's actions are its organization's default project's). */
    readonly project: { readonly id: string | null; readonly name: string | null } | null;
    /** Null when the API names no actor. */
    readonly actor: AuditLogActor | null;
    /** Set for the two {@link CheckpointPermissionEventType}s, null for every other type. */
    readonly checkpointPermission: CheckpointPermissionDetails | null;
}

/** One page of the audit log, newest first. */
export type AuditLogPage = Page<AuditLogEvent>;

/** A project of the organization. */
export interface Project {
    /** `proj_…` */
    readonly id: string;
    /** The name shown in the dashboard; null if the API gives none. */
    readonly name: string | null;
    /** `active` or `archived`, OpenAI's words; another value is passed on as it came, null if none came. */
    readonly status: string | null;
    /** Unix seconds. */
    readonly createdAt: number;
    /** Unix seconds; null while the project is active. */
    readonly archivedAt: number | null;
}

/** One page of the organization's projects. */
export type ProjectPage = Page<Project>;
