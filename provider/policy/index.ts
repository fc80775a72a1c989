/**
 * Helpers and policies for CrossGuard over checkpoint permissions: type guards and preview-safe typed access to
 * `CheckpointPermissions` and `CheckpointPermissionGrant` resources, the pure rules, and the policy factories the
 * repository's pack (`policy-pack/`) serves. Everything here works in `validateResource` and `validateStack`.
 */
export * from "./resources";
export * from "./rules";
export * from "./policies";
