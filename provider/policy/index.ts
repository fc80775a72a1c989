/**
 * Helpers and policies for CrossGuard over checkpoint permissions: type guards and preview-safe typed access to
 * `CheckpointPermissions`, `CheckpointPermissionGrant` and `CheckpointAccess` resources, the pure rules, and the policy
 * factories the repository's pack (`policy-pack/`) serves. The helpers take `validateResource`'s args and
 * `validateStack`'s resources alike (a record's outputs keep its access text, as its inputs do).
 */
export * from "./resources";
export * from "./rules";
export * from "./policies";
