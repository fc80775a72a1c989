/**
 * The two resources' shapes on both surfaces (the dynamic provider adds `__provider`): what their operations
 * (./operations.ts) take and give, what the engine keeps in state, what a CrossGuard policy sees. Plain data.
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
 * `AccessByProject` as a record keeps it: text, one `project permission` line per project, sorted
 * (./access-text.ts, which says why). The engine's preview shows a change of it as the lines added and removed.
 */
export type AccessText = string;

/** What a program gives a record. */
export interface RecordArgs {
    checkpoint: string;
    /**
     * The listing, as access text. The dynamic resource reads it while its program runs; a program on the plugin
     * gives none, and the record's check reads it live.
     */
    access?: AccessText;
    /**
     * The projects whose access grants of the stack manage: the grants the record waits for. Absent: none (the
     * Node.js SDK pays for every property a program sends).
     */
    managedProjects?: string[];
}

/** A record's inputs after its check. The engine diffs these, so they are what a preview shows. */
export interface RecordInputs {
    checkpoint: string;
    access: AccessText;
    /**
     * Sorted and unique, so the same grants are always the same list (and a diff of it names the project). Absent
     * only from a record just imported, which has none recorded: it takes the program's without a change.
     */
    managedProjects?: string[];
    /**
     * The access that this `up` revokes and that the listing, read before Pulumi deletes anything, still showed:
     * projects whose grant left the stack since the last `up`. Left out of `access`, so the stack converges in one
     * `up`. Empty but for the `up` that revokes.
     */
    revoking: AccessByProject;
}

/**
 * A record's outputs. They keep the access text where a program reads it back, else a digest of it, so that the
 * diff, which is handed the outputs, still tells whether the access changed ({@link RecordOutputsForm}).
 */
export interface RecordOutputs extends Omit<RecordInputs, "access"> {
    /** The access text, or `null` where the outputs keep its digest instead. */
    access: AccessText | null;
    /** SHA-256 of the access text (./access-text.ts `digestAccess`), where the outputs do not keep the text. */
    accessDigest?: string;
}

/**
 * What a record's outputs keep of its access text, which is nearly all of its state:
 * - `"text"`: the text, always. Programs of the plugin (YAML, Python, Go) read the record's access there.
 * - `"digest"`: the text only for an `up` that revokes, else `null`. The dynamic resource's class derives its access
 *   from the listing its program read, and reads the text back only to leave out what the `up` revokes. `null`, not
 *   absent: the Node.js SDK resolves an absent output as unknown during preview.
 */
export type RecordOutputsForm = "text" | "digest";

/** What a program gives a grant. */
export interface GrantInputs {
    checkpoint: string;
    projectId: string;
}

/** A grant's outputs. */
export interface GrantOutputs extends GrantInputs {
    /** The permission id, `cp_…`. */
    permissionId: string;
    /** When access was granted, in Unix seconds. */
    createdAt: number;
    /** True when the project already had access and the existing permission was taken over (create or import). */
    adopted: boolean;
}
