/**
 * The emulator's in-memory state: checkpoints, their owning project, and the permissions granted on them.
 *
 * Knows nothing about HTTP: the API handlers and the in-process test API both work through it.
 */
import type { PermissionWire as ApiPermissionWire } from "../api/model";
import { newPermissionId } from "./ids";
import type { EmulatorSeed } from "./seed";

/** A permission as the API's wire format has it (../api/model.ts), less the `object` tag every answer adds. */
export type PermissionWire = Readonly<Omit<ApiPermissionWire, "object">>;

/** A permission plus the order it was created in, which breaks ties between equal `created_at` seconds. */
interface StoredPermission extends PermissionWire {
    readonly sequence: number;
}

/**
 * A checkpoint's permissions, indexed so a page costs the same at 100 or 100,000 permissions: by id, by
 * project (one permission per project), and a creation-order view built once after a change rather than
 * sorted again for every page.
 */
class StoredCheckpoint {
    readonly byId = new Map<string, StoredPermission>();
    readonly byProject = new Map<string, StoredPermission>();
    private view: CreationOrder | undefined;

    constructor(readonly ownerProjectId: string) {}

    add(permission: StoredPermission): void {
        this.byId.set(permission.id, permission);
        this.byProject.set(permission.project_id, permission);
        this.view = undefined;
    }

    remove(permissionId: string): boolean {
        const permission = this.byId.get(permissionId);
        if (!permission) return false;
        this.byId.delete(permission.id);
        this.byProject.delete(permission.project_id);
        this.view = undefined;
        return true;
    }

    /** Oldest first, with each permission's place in that order. */
    creationOrder(): CreationOrder {
        if (!this.view) {
            const ascending = [...this.byId.values()].sort(byCreation);
            this.view = { ascending, position: new Map(ascending.map((permission, index) => [permission.id, index])) };
        }
        return this.view;
    }
}

interface CreationOrder {
    readonly ascending: readonly StoredPermission[];
    /** Permission id to its index in `ascending`. */
    readonly position: ReadonlyMap<string, number>;
}

export type ListOrder = "ascending" | "descending";

export interface ListQuery {
    readonly order: ListOrder;
    readonly limit: number;
    readonly after?: string;
    readonly projectId?: string;
}

export interface ListPage {
    readonly data: PermissionWire[];
    readonly hasMore: boolean;
}

export class UnknownCheckpointError extends Error {
    constructor(readonly checkpoint: string) {
        super(`Unknown checkpoint: ${checkpoint}`);
        this.name = "UnknownCheckpointError";
    }
}

/** Thrown by a listing when its cursor is not one of the items listed (a permission of the checkpoint, an event, a project). */
export class UnknownCursorError extends Error {
    constructor(readonly cursor: string) {
        super(`Unknown cursor: ${cursor}`);
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

/** Oldest first; equal seconds in creation order. */
function byCreation(a: StoredPermission, b: StoredPermission): number {
    return a.created_at - b.created_at || a.sequence - b.sequence;
}

function publicRecord(permission: StoredPermission): PermissionWire {
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
        this.checkpoints.set(checkpoint, new StoredCheckpoint(ownerProjectId));
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
    grant(checkpoint: string, projectIds: readonly string[]): PermissionWire[] {
        const owner = this.ownerOf(checkpoint);
        if (projectIds.includes(owner)) throw new OwnerProjectError(owner);
        const granted: PermissionWire[] = [];
        for (const projectId of new Set(projectIds)) {
            const existing = this.checkpoint(checkpoint).byProject.get(projectId);
            granted.push(publicRecord(existing ?? this.insert(checkpoint, projectId)));
        }
        return granted;
    }

    /** The project's permission on the checkpoint, if it has one. */
    permissionFor(checkpoint: string, projectId: string): PermissionWire | undefined {
        const permission = this.checkpoint(checkpoint).byProject.get(projectId);
        return permission && publicRecord(permission);
    }

    revoke(checkpoint: string, permissionId: string): boolean {
        return this.checkpoint(checkpoint).remove(permissionId);
    }

    /** Every permission of the checkpoint in the given order (newest first by default). */
    permissions(checkpoint: string, order: ListOrder = "descending"): PermissionWire[] {
        const { ascending } = this.checkpoint(checkpoint).creationOrder();
        const records = ascending.map(publicRecord);
        return order === "ascending" ? records : records.reverse();
    }

    /**
     * One page of a listing. The cursor `after` is a permission id: the page starts right after it in the
     * requested order. The project filter applies after the cursor is placed, so the cursor may be a
     * permission the filter excludes.
     */
    list(checkpoint: string, query: ListQuery): ListPage {
        const entry = this.checkpoint(checkpoint);
        const { ascending, position } = entry.creationOrder();
        const count = ascending.length;
        // Index i of the requested order is ascending[inOrder(i)]; the mapping is its own inverse.
        const inOrder = (i: number) => (query.order === "ascending" ? i : count - 1 - i);
        let start = 0;
        if (query.after !== undefined) {
            const cursor = position.get(query.after);
            if (cursor === undefined) throw new UnknownCursorError(query.after);
            start = inOrder(cursor) + 1;
        }
        if (query.projectId !== undefined) {
            // One permission per project: the filtered listing has at most one entry.
            const permission = entry.byProject.get(query.projectId);
            const index = permission === undefined ? -1 : inOrder(position.get(permission.id)!);
            return { data: permission !== undefined && index >= start ? [publicRecord(permission)] : [], hasMore: false };
        }
        const end = Math.min(count, start + query.limit);
        const data: PermissionWire[] = [];
        for (let i = start; i < end; i++) data.push(publicRecord(ascending[inOrder(i)]!));
        return { data, hasMore: count - start > query.limit };
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


    private insert(checkpoint: string, projectId: string, createdAt?: number, id?: string): StoredPermission {
        const permission: StoredPermission = {
            id: id ?? this.unusedId(),
            project_id: projectId,
            created_at: createdAt ?? this.now(),
            sequence: this.nextSequence++,
        };
        this.checkpoint(checkpoint).add(permission);
        return permission;
    }

    private unusedId(): string {
        for (;;) {
            const id = newPermissionId();
            const taken = [...this.checkpoints.values()].some((entry) => entry.byId.has(id));
            if (!taken) return id;
        }
    }
}
