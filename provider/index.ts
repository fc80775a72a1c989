/**
 * pulumi-openai-checkpoint-permissions: see, manage and police who may use your OpenAI fine-tuned model
 * checkpoints, from Pulumi.
 *
 * - {@link getCheckpointPermissions} / {@link getCheckpointPermissionsOutput}: read a checkpoint's permissions.
 * - {@link CheckpointPermissions}: record them in state, so previews show drift and policies can check it.
 * - {@link CheckpointPermissionGrant}: manage one project's access.
 * - {@link CheckpointAccess}: manage a checkpoint's whole access: these projects and no others.
 * - The HTTP client ({@link CheckpointPermissionsClient}) and its typed errors.
 *
 * CrossGuard helpers are in `pulumi-openai-checkpoint-permissions/policy`; the local emulator of the API
 * is in `pulumi-openai-checkpoint-permissions/emulator`.
 *
 * @packageDocumentation
 */
export * from "./dynamic";
export * from "./client";
export type {
    ApiKeyActor,
    AuditLogActor,
    AuditLogEvent,
    AuditLogPage,
    AuditLogUser,
    CheckpointPermission,
    CheckpointPermissionDetails,
    CheckpointPermissionEventType,
    DeletedPermission,
    EffectiveAtRange,
    OtherActor,
    Page,
    PermissionOrder,
    PermissionPage,
    Project,
    ProjectPage,
    SessionActor,
} from "./api/types";
