/**
 * The type tokens, one name each: what the engine, state and CrossGuard call them. The same resources on the two
 * surfaces have the same properties, under two tokens; the component has one.
 */

/** `CheckpointPermissions`, a dynamic resource: the Node.js SDK builds the token from the module `openai` and the type. */
export const checkpointPermissionsType = "pulumi-nodejs:dynamic/openai:CheckpointPermissions";
/** `CheckpointPermissionGrant`, a dynamic resource. */
export const checkpointPermissionGrantType = "pulumi-nodejs:dynamic/openai:CheckpointPermissionGrant";
/** `CheckpointPermissions` served by the native provider plugin (package `openai-checkpoints`). */
export const pluginCheckpointPermissionsType = "openai-checkpoints:index:CheckpointPermissions";
/** `CheckpointPermissionGrant` served by the native provider plugin. */
export const pluginCheckpointPermissionGrantType = "openai-checkpoints:index:CheckpointPermissionGrant";
/**
 * `CheckpointAccess`, a dynamic resource: one checkpoint and the complete set of projects that may use it
 * (authoritative: create and update revoke every other project's access).
 */
export const checkpointAccessType = "pulumi-nodejs:dynamic/openai:CheckpointAccess";
/** `CheckpointAccess` served by the native provider plugin. */
export const pluginCheckpointAccessType = "openai-checkpoints:index:CheckpointAccess";
/**
 * `SharedCheckpointRecords`, the component recording every checkpoint the organization shares: one token on both
 * surfaces (a TypeScript component is registered in the program, the plugin's is constructed by the plugin).
 */
export const sharedCheckpointRecordsType = "openai-checkpoints:index:SharedCheckpointRecords";
