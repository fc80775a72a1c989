/**
 * The domain types both resources share (each resource's own shapes are with its operations: ./record.ts,
 * ./grant.ts). Plain data.
 *
 * The vocabulary, everywhere in the package: a **record** is a `CheckpointPermissions` resource (a checkpoint's
 * live access, recorded in state); a **grant** is a `CheckpointPermissionGrant` (one project's access, managed); a
 * **permission** is OpenAI's object (`CheckpointPermission`); a project's **access** is its permission on a
 * checkpoint.
 */
import type { CheckpointPermission } from "../api/types";

export type { CheckpointPermission };

/** Each project with access to a checkpoint, and the id of its permission: `{ "proj_eval": "cp_…" }`. */
export type AccessByProject = Record<string, string>;

/**
 * Who granted each project's access, as a record's access text names them (`mallory@acme.com (dashboard)`;
 * ./attribution.ts `grantorLabel`), by project: only with attribution.
 */
export type GrantorsByProject = Record<string, string>;

/**
 * `AccessByProject` as a record keeps it: text, one `project permission` line per project, sorted
 * (./access-text.ts, which says why). The engine's preview shows a change of it as the lines added and removed.
 */
export type AccessText = string;
