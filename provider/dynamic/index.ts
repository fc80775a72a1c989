export {
    getCheckpointPermissions,
    getCheckpointPermissionsOutput,
    type GetCheckpointPermissionsArgs,
    type GetCheckpointPermissionsOutputArgs,
    type GetCheckpointPermissionsResult,
} from "./getCheckpointPermissions";
export { CheckpointPermissions, type CheckpointPermissionsArgs } from "./checkpointPermissions";
export { CheckpointPermissionGrant, type CheckpointPermissionGrantArgs } from "./checkpointPermissionGrant";
export { checkpointPermissionGrantProvider, checkpointPermissionsProvider } from "./provider";
export * from "../resources/types";
export { ADMIN_KEY_CONFIG, BASE_URL_CONFIG, ADMIN_KEY_ENV, BASE_URL_ENV, SET_ADMIN_KEY_COMMAND } from "../resources/settings";
