/**
 * The API model of the two organization admin listings this package reads, as in `organization-admin.openapi.yaml`
 * beside this file: the audit log (`GET /organization/audit_logs`) and the projects (`GET /organization/projects`).
 *
 * Only what the package uses is parsed: an event's id, type, time, project, actor and the details of the two
 * checkpoint-permission event types. Every other field, and the details of every other event type, are tolerated
 * and dropped, so an event type OpenAI adds tomorrow does not break a listing today.
 */
import { z } from "zod";
import type { AuditLogActor, AuditLogEvent, AuditLogUser, CheckpointPermissionEventType, Project } from "./types";
import { listWire } from "./model";

export type { AuditLogActor, AuditLogEvent, AuditLogPage, AuditLogUser, CheckpointPermissionDetails, Project, ProjectPage } from "./types";

const AuditLogUserWire = z.object({ id: z.string().nullish(), email: z.string().nullish() });

/** `AuditLogActor`: a dashboard session or an API key. */
export const AuditLogActorWire = z.object({
    // A string, not the spec's two-value enum: an actor of a kind OpenAI adds later is kept as `other`.
    type: z.string(),
    session: z.object({ user: AuditLogUserWire.nullish(), ip_address: z.string().nullish() }).nullish(),
    api_key: z
        .object({
            id: z.string().nullish(),
            type: z.string().nullish(),
            user: AuditLogUserWire.nullish(),
            service_account: z.object({ id: z.string().nullish() }).nullish(),
        })
        .nullish(),
});
export type AuditLogActorWire = z.infer<typeof AuditLogActorWire>;

/** The two event types whose details the package reads; each event keeps its details under its type. */
export const CHECKPOINT_PERMISSION_CREATED = "checkpoint.permission.created" satisfies CheckpointPermissionEventType;
export const CHECKPOINT_PERMISSION_DELETED = "checkpoint.permission.deleted" satisfies CheckpointPermissionEventType;

/** `AuditLog`: one event. */
export const AuditLogWire = z
    .object({
        id: z.string(),
        // Any string: the spec's enum grows with every release of OpenAI's, and a listing must not break on a new type.
        type: z.string(),
        effective_at: z.number().int(),
        project: z.object({ id: z.string().nullish(), name: z.string().nullish() }).nullish(),
        actor: AuditLogActorWire.nullish(),
        [CHECKPOINT_PERMISSION_CREATED]: z
            .object({
                id: z.string(),
                data: z.object({ project_id: z.string().nullish(), fine_tuned_model_checkpoint: z.string().nullish() }).nullish(),
            })
            .nullish(),
        [CHECKPOINT_PERMISSION_DELETED]: z.object({ id: z.string() }).nullish(),
    })
    .superRefine((event, ctx) => {
        // The permission id is what a checkpoint-permission event is for: without it the answer is broken.
        for (const type of [CHECKPOINT_PERMISSION_CREATED, CHECKPOINT_PERMISSION_DELETED] as const) {
            if (event.type === type && !event[type]) {
                ctx.addIssue({ code: "custom", path: [type], message: `a ${type} event must carry its details (the permission id)` });
            }
        }
    });
export type AuditLogWire = z.infer<typeof AuditLogWire>;

/** `ListAuditLogsResponse`. */
export const AuditLogListWire = listWire(AuditLogWire);
export type AuditLogListWire = z.infer<typeof AuditLogListWire>;

/** `Project`. */
export const ProjectWire = z.object({
    object: z.literal("organization.project"),
    id: z.string(),
    name: z.string().nullish(),
    created_at: z.number().int(),
    archived_at: z.number().int().nullish(),
    status: z.string().nullish(),
});
export type ProjectWire = z.infer<typeof ProjectWire>;

/** `ProjectListResponse`. */
export const ProjectListWire = listWire(ProjectWire);
export type ProjectListWire = z.infer<typeof ProjectListWire>;

function toUser(wire: z.infer<typeof AuditLogUserWire>): AuditLogUser {
    return { id: wire.id ?? null, email: wire.email ?? null };
}

export function toActor(wire: AuditLogActorWire): AuditLogActor {
    if (wire.type === "session") {
        return { type: "session", user: toUser(wire.session?.user ?? {}), ipAddress: wire.session?.ip_address ?? null };
    }
    if (wire.type === "api_key") {
        const key = wire.api_key;
        const keyType = key?.type === "user" || key?.type === "service_account" ? key.type : null;
        return {
            type: "api_key",
            keyId: key?.id ?? null,
            keyType,
            user: key?.user ? toUser(key.user) : null,
            serviceAccountId: key?.service_account?.id ?? null,
        };
    }
    return { type: "other", reportedType: wire.type };
}

export function toAuditLogEvent(wire: AuditLogWire): AuditLogEvent {
    const created = wire.type === CHECKPOINT_PERMISSION_CREATED ? wire[CHECKPOINT_PERMISSION_CREATED] : undefined;
    const deleted = wire.type === CHECKPOINT_PERMISSION_DELETED ? wire[CHECKPOINT_PERMISSION_DELETED] : undefined;
    return {
        id: wire.id,
        type: wire.type,
        effectiveAt: wire.effective_at,
        project: wire.project ? { id: wire.project.id ?? null, name: wire.project.name ?? null } : null,
        actor: wire.actor ? toActor(wire.actor) : null,
        checkpointPermission: created
            ? { id: created.id, projectId: created.data?.project_id ?? null, checkpoint: created.data?.fine_tuned_model_checkpoint ?? null }
            : deleted
              ? { id: deleted.id, projectId: null, checkpoint: null }
              : null,
    };
}

export function toProject(wire: ProjectWire): Project {
    return { id: wire.id, name: wire.name ?? null, status: wire.status ?? null, createdAt: wire.created_at, archivedAt: wire.archived_at ?? null };
}
