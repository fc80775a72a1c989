/**
 * The emulator's in-memory state: checkpoints, their owning project, and the permissions granted on them.
 *
 * Knows nothing about HTTP: the API handlers and the in-process test API both work through it.
 */
import { newPermissionId } from "./ids";
import type { EmulatorSeed } from "./seed";

export interface PermissionRecord {
    readonly id: string;
    readonly project_id: string;
    readonly created_at: number;
}

/** A permission plus the order it was created in, which breaks ties between equal `created_at` seconds. */
interface StoredPermission extends PermissionRecord {
    readonly sequence: number;
}

interface StoredCheckpoint {
    readonly ownerProjectId: string;
    readonly permissions: Map<string, StoredPermission>;
}

export type ListOrder = "ascending" | "descending";

export interface ListQuery {
    readonly order: ListOrder;
    readonly limit: number;
    readonly after?: string;
    readonly projectId?: string;
}

export interface ListPage {
    readonly data: PermissionRecord[];
    readonly hasMore: boolean;
}

export class UnknownCheckpointError extends Error {
    constructor(readonly checkpoint: string) {
        super(`Unknown checkpoint: ${checkpoint}`);
        this.name = "UnknownCheckpointError";
    }
}

/** Thrown by `list` when `after` is not a permission of the checkpoint. */
export class UnknownCursorError extends Error {
    constructor(readonly after: string) {
        super(`Unknown cursor: ${after}`);
        this.name = "UnknownCursorError";
    }
}

/** Thrown when a grant names the checkpoint's owning project, which always has access. */
export class OwnerProjectError extends Error {
    constructor(readonly ownerProjectId: string) {
        super(`Cannot modify checkpoint permissions for the owning project: ${ownerProjectId}`);
        this.name = "OwnerProjectError";
    }
}

function byCreation(order: ListOrder): (a: StoredPermission, b: StoredPermission) => number {
    const sign = order === "ascending" ? 1 : -1;
    return (a, b) => sign * (a.created_at - b.created_at || a.sequence - b.sequence);
}

function publicRecord(permission: StoredPermission): PermissionRecord {
    return { id: permission.id, project_id: permission.project_id, created_at: permission.created_at };
}

export class PermissionStore {
    private checkpoints = new Map<string, StoredCheckpoint>();
    private nextSequence = 0;

    constructor(private readonly now: () => number) {}

    /** Replaces all state with the seed's (already validated). */
    load(seed: EmulatorSeed): void {
        this.checkpoints = new Map();
        this.nextSequence = 0;
        for (const [checkpoint, entry] of Object.entries(seed.checkpoints)) {
            this.addCheckpoint(checkpoint, entry.owner_project_id);
            for (const permission of entry.permissions ?? []) {
                this.insert(checkpoint, permission.project_id, permission.created_at, permission.id);
            }
        }
    }

    hasCheckpoint(checkpoint: string): boolean {
        return this.checkpoints.has(checkpoint);
    }

    ownerOf(checkpoint: string): string {
        return this.checkpoint(checkpoint).ownerProjectId;
    }

    /** Adds a checkpoint; adding one that exists with the same owner is a no-op, with another owner an error. */
    addCheckpoint(checkpoint: string, ownerProjectId: string): void {
        if (checkpoint === "") throw new Error("A checkpoint id must not be empty");
        if (ownerProjectId === "") throw new Error("An owner project id must not be empty");
        const existing = this.checkpoints.get(checkpoint);
        if (existing) {
            if (existing.ownerProjectId !== ownerProjectId) {
                throw new Error(`Checkpoint ${checkpoint} already exists, owned by ${existing.ownerProjectId}`);
            }
            return;
        }
        this.checkpoints.set(checkpoint, { ownerProjectId, permissions: new Map() });
    }

    /**
     * Grants each project access, all or nothing: if any project is the owner, nothing is granted.
     *
     * A project that already has access gets its existing permission back instead of a duplicate.
     * OpenAI's documentation does not say what a repeated grant does; answering with the existing
     * permission keeps one permission per project (what the listing and a Pulumi resource assume) and
     * makes a retried create harmless.
     *
     * The result is in the order of `projectIds`, with repeated project ids collapsed to one entry.
     */
    grant(checkpoint: string, projectIds: readonly string[]): PermissionRecord[] {
        const owner = this.ownerOf(checkpoint);
        if (projectIds.includes(owner)) throw new OwnerProjectError(owner);
        const granted: PermissionRecord[] = [];
        for (const projectId of new Set(projectIds)) {
            const existing = this.findByProject(checkpoint, projectId);
            granted.push(publicRecord(existing ?? this.insert(checkpoint, projectId)));
        }
        return granted;
    }

    revoke(checkpoint: string, permissionId: string): boolean {
        return this.checkpoint(checkpoint).permissions.delete(permissionId);
    }

    /** Every permission of the checkpoint in the given order (newest first by default). */
    permissions(checkpoint: string, order: ListOrder = "descending"): PermissionRecord[] {
        return this.sorted(checkpoint, order).map(publicRecord);
    }

    /**
     * One page of a listing. The cursor `after` is a permission id: the page starts right after it in the
     * requested order. The project filter applies after the cursor is placed, so the cursor may be a
     * permission the filter excludes.
     */
    list(checkpoint: string, query: ListQuery): ListPage {
        const all = this.sorted(checkpoint, query.order);
        let start = 0;
        if (query.after !== undefined) {
            const index = all.findIndex((permission) => permission.id === query.after);
            if (index < 0) throw new UnknownCursorError(query.after);
            start = index + 1;
        }
        const candidates = all
            .slice(start)
            .filter((permission) => query.projectId === undefined || permission.project_id === query.projectId);
        return { data: candidates.slice(0, query.limit).map(publicRecord), hasMore: candidates.length > query.limit };
    }

    /** Every checkpoint with its owner and permissions (newest first), for `GET /_emulator/state`. */
    snapshot(): EmulatorSeed {
        const checkpoints: EmulatorSeed["checkpoints"] = {};
        for (const [checkpoint, entry] of this.checkpoints) {
            checkpoints[checkpoint] = { owner_project_id: entry.ownerProjectId, permissions: this.permissions(checkpoint) };
        }
        return { checkpoints };
    }

    private checkpoint(checkpoint: string): StoredCheckpoint {
        const entry = this.checkpoints.get(checkpoint);
        if (!entry) throw new UnknownCheckpointError(checkpoint);
        return entry;
    }

    private sorted(checkpoint: string, order: ListOrder): StoredPermission[] {
        return [...this.checkpoint(checkpoint).permissions.values()].sort(byCreation(order));
    }

    private findByProject(checkpoint: string, projectId: string): StoredPermission | undefined {
        for (const permission of this.checkpoint(checkpoint).permissions.values()) {
            if (permission.project_id === projectId) return permission;
        }
        return undefined;
    }

    private insert(checkpoint: string, projectId: string, createdAt?: number, id?: string): StoredPermission {
        const permission: StoredPermission = {
            id: id ?? this.unusedId(),
            project_id: projectId,
            created_at: createdAt ?? this.now(),
            sequence: this.nextSequence++,
        };
        this.checkpoint(checkpoint).permissions.set(permission.id, permission);
        return permission;
    }

    private unusedId(): string {
        for (;;) {
            const id = newPermissionId();
            const taken = [...this.checkpoints.values()].some((entry) => entry.permissions.has(id));
            if (!taken) return id;
        }
    }
}
