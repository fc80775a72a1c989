/**
 * Helpers and policies for CrossGuard over checkpoint permissions: type guards and preview-safe typed access to
 * `CheckpointPermissions` and `CheckpointPermissionGrant` resources, the pure rules, and the policy factories the
 * repository's pack (`policy-pack/`) serves. The helpers take `validateResource`'s args and `validateStack`'s
 * resources alike; a record's access, though, is in its inputs only, which only `validateResource` is given.
 */
export * from "./resources";
export * from "./rules";
export * from "./policies";
