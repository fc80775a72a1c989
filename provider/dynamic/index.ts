/** The TypeScript surface: the function pairs, the three resources as dynamic resources, and the component recording them all. */
export {
    getCheckpointPermissions,
    getCheckpointPermissionsOutput,
    type GetCheckpointPermissionsArgs,
    type GetCheckpointPermissionsOutputArgs,
    type GetCheckpointPermissionsResult,
} from "./getCheckpointPermissions";
export {
    getSharedCheckpoints,
    getSharedCheckpointsOutput,
    type GetSharedCheckpointsArgs,
    type GetSharedCheckpointsOutputArgs,
    type GetSharedCheckpointsResult,
} from "./getSharedCheckpoints";
export type { SharedCheckpoint } from "../resources/discovery";
export { CheckpointPermissions, type CheckpointPermissionsArgs } from "./checkpointPermissions";
export { CheckpointPermissionGrant, type CheckpointPermissionGrantArgs } from "./checkpointPermissionGrant";
export { CheckpointAccess, type CheckpointAccessArgs } from "./checkpointAccess";
export { SharedCheckpointRecords, type SharedCheckpointRecordsArgs } from "./sharedCheckpointRecords";
export { checkpointPermissionsType, checkpointPermissionGrantType, checkpointAccessType, sharedCheckpointRecordsType } from "../resources/tokens";
export type { AccessByProject, AccessText, CheckpointPermission } from "../resources/types";
export type { ListedPermission } from "../resources/listing";
export type { Grantor, GrantorKind } from "../resources/attribution";
export { ADMIN_KEY_CONFIG, BASE_URL_CONFIG, ADMIN_KEY_ENV, BASE_URL_ENV } from "../resources/settings";
