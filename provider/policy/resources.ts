/**
 * Typed, preview-safe access to the two resources CrossGuard policies check: `CheckpointPermissions` (the live
 * permissions of a checkpoint, read while the program runs) and `CheckpointPermissionGrant` (one project's access,
 * managed by the stack).
 *
 * Everything here takes "anything with `type` and `props`", so the same helpers serve `validateResource` (its
 * `ResourceValidationArgs`) and `validateStack` (each `PolicyResource` of `args.resources`).
 *
 * During preview a property may be unknown. @pulumi/policy hands policies `props` wrapped in a proxy that throws
 * `UnknownValueError` when an unknown property is read; without the proxy (hand-built props) an unknown value is
 * one of the engine's sentinel strings. The accessors treat both the same way: a needed value that is unknown, or
 * malformed, makes the accessor return `undefined`, and a policy that gets `undefined` is not applicable. They
 * never throw, so a policy built on them cannot fail a preview because a value is not known yet.
 */
import { UnknownValueError } from "@pulumi/policy";
import { z } from "zod";
import {
    CHECKPOINT_PERMISSION_GRANT_TYPE,
    CHECKPOINT_PERMISSIONS_TYPE,
    compare,
    PLUGIN_CHECKPOINT_PERMISSION_GRANT_TYPE,
    PLUGIN_CHECKPOINT_PERMISSIONS_TYPE,
} from "../resources/types";
import { accessOfText } from "../resources/access-text";
import { isUnknown } from "../resources/unknowns";

export { isUnknown };

/** The type token of `CheckpointPermissions` (a Pulumi dynamic resource in module `openai`). */
export const checkpointPermissionsType = CHECKPOINT_PERMISSIONS_TYPE;
/** The type token of `CheckpointPermissionGrant`. */
export const checkpointPermissionGrantType = CHECKPOINT_PERMISSION_GRANT_TYPE;
/** The type token of `CheckpointPermissions` served by the native provider plugin (package `openai-checkpoints`). */
export const pluginCheckpointPermissionsType = PLUGIN_CHECKPOINT_PERMISSIONS_TYPE;
/** The type token of `CheckpointPermissionGrant` served by the native provider plugin. */
export const pluginCheckpointPermissionGrantType = PLUGIN_CHECKPOINT_PERMISSION_GRANT_TYPE;

/** Every token a `CheckpointPermissions` has: the dynamic resource's and the plugin's, with the same properties. */
export const checkpointPermissionsTypes: ReadonlySet<string> = new Set([checkpointPermissionsType, pluginCheckpointPermissionsType]);
/** Every token a `CheckpointPermissionGrant` has. */
export const checkpointPermissionGrantTypes: ReadonlySet<string> = new Set([checkpointPermissionGrantType, pluginCheckpointPermissionGrantType]);

/** What `ResourceValidationArgs` and `PolicyResource` have in common, and all these helpers need. */
export interface PolicyResourceLike {
    readonly type: string;
    readonly props: Record<string, unknown>;
    readonly urn?: string;
}

/** True for a `CheckpointPermissions`, from the dynamic provider or the plugin. */
export function isCheckpointPermissions<R extends PolicyResourceLike>(
    resource: R,
): resource is R & { readonly type: typeof checkpointPermissionsType | typeof pluginCheckpointPermissionsType } {
    return checkpointPermissionsTypes.has(resource.type);
}

/** True for a `CheckpointPermissionGrant`, from the dynamic provider or the plugin. */
export function isCheckpointPermissionGrant<R extends PolicyResourceLike>(
    resource: R,
): resource is R & { readonly type: typeof checkpointPermissionGrantType | typeof pluginCheckpointPermissionGrantType } {
    return checkpointPermissionGrantTypes.has(resource.type);
}

/** One permission as `CheckpointPermissions` records it. */
export interface ObservedPermission {
    /** The permission id, `cp_…`. */
    readonly id: string;
    /** The project that may use the checkpoint, `proj_…`. */
    readonly projectId: string;
    /** When access was granted, in Unix seconds: recorded only by versions before the record was keyed by project. */
    readonly createdAt?: number;
}

/** The live permissions of one checkpoint, as a `CheckpointPermissions` resource recorded them. */
export interface ObservedPermissions {
    readonly checkpoint: string;
    /** Sorted by project id. */
    readonly permissions: readonly ObservedPermission[];
    /** The projects with access: sorted, unique. */
    readonly projectIds: readonly string[];
    /**
     * The projects whose access grants of the stack manage, sorted: the grants the record waits for (its
     * `dependsOn`; the plugin's record is given them as `managedProjects`). `undefined` while not known (preview).
     */
    readonly managedProjectIds: readonly string[] | undefined;
}

/** What a `CheckpointPermissionGrant` gives: one project's access to one checkpoint. */
export interface Grant {
    readonly checkpoint: string;
    readonly projectId: string;
    /** The permission id once the grant exists; absent in `validateResource` (inputs) and before create. */
    readonly permissionId?: string;
}

/**
 * One project's access to one checkpoint, from either resource: an observed permission (with its id) or a grant
 * (with an id once it exists). The unit every policy rule works on.
 */
export interface ProjectAccess {
    readonly checkpoint: string;
    readonly projectId: string;
    readonly permissionId?: string;
}


const unknown = Symbol("unknown");

function isUnknownValueError(error: unknown): boolean {
    // `instanceof` alone misses an error thrown by another copy of @pulumi/policy (the pack's own, say).
    return (
        (typeof UnknownValueError === "function" && error instanceof UnknownValueError) ||
        (error instanceof Error && error.constructor.name === "UnknownValueError")
    );
}

/** A deep plain copy of `value`, or `unknown` if anything inside it is unknown. */
function plainCopy(value: unknown): unknown {
    if (isUnknown(value)) return unknown;
    if (Array.isArray(value)) {
        const items: unknown[] = [];
        for (const item of value) {
            const copy = plainCopy(item);
            if (copy === unknown) return unknown;
            items.push(copy);
        }
        return items;
    }
    if (value !== null && typeof value === "object") {
        const object: Record<string, unknown> = {};
        for (const key of Object.keys(value)) {
            const copy = plainCopy((value as Record<string, unknown>)[key]);
            if (copy === unknown) return unknown;
            object[key] = copy;
        }
        return object;
    }
    return value;
}

/**
 * The named props that are known, as plain values; unknown and absent ones are left out, so a schema that needs
 * them fails. Reading through @pulumi/policy's proxy throws on an unknown value: that is caught here, per prop.
 */
function knownProps(resource: PolicyResourceLike, keys: readonly string[]): Record<string, unknown> {
    const known: Record<string, unknown> = {};
    for (const key of keys) {
        let value: unknown;
        try {
            value = plainCopy(resource.props[key]);
        } catch (error) {
            if (isUnknownValueError(error)) continue;
            throw error;
        }
        if (value !== unknown && value !== undefined) known[key] = value;
    }
    return known;
}

const nonEmpty = z.string().min(1);

/**
 * A record's access, each project with its permission id: the text it is stored as (../resources/access-text.ts),
 * or the object keyed by project that a record not updated since the text came in still holds.
 */
const RecordedAccess = z.union([
    z.string().transform((text, context) => {
        const access = accessOfText(text);
        if (access === undefined) context.addIssue({ code: "custom", message: "not access text" });
        return access ?? z.NEVER;
    }),
    z.record(nonEmpty, nonEmpty),
]);

/** The record as its inputs hold it. */
const ObservedAccessProps = z.object({ checkpoint: nonEmpty, access: RecordedAccess });

/** The projects a record's grants manage, a list of project ids; a record without grants has none. */
const ManagedProjects = z.array(nonEmpty).default([]);

/** The record as it was stored before it was keyed by project (a stack not yet updated since). */
const LegacyObservedPermissionsProps = z.object({
    checkpoint: nonEmpty,
    permissions: z.array(z.object({ id: nonEmpty, projectId: nonEmpty, createdAt: z.number().optional() })),
});

const GrantProps = z.object({
    checkpoint: nonEmpty,
    projectId: nonEmpty,
    // Optional: unknown until the grant is created, and not an input at all.
    permissionId: nonEmpty.optional(),
});

/**
 * The permissions a `CheckpointPermissions` resource recorded, or `undefined` if it is another type or its
 * checkpoint or permissions are unknown or malformed. `projectIds` is derived from `permissions`.
 *
 * A record keeps its access in its inputs, which `validateResource` is given; its outputs, which `validateStack`
 * is given, keep only a digest of it (a record of 10,000 permissions would otherwise be stored twice), so there
 * this reads only a record that an earlier version stored.
 */
export function observedPermissions(resource: PolicyResourceLike): ObservedPermissions | undefined {
    if (!isCheckpointPermissions(resource)) return undefined;
    const props = knownProps(resource, ["checkpoint", "access", "permissions", "managedProjects"]);
    const current = ObservedAccessProps.safeParse(props);
    if (current.success) {
        const { checkpoint, access } = current.data;
        const permissions = Object.entries(access).map(([projectId, id]) => ({ id, projectId }));
        return sortedObservation(checkpoint, permissions, managedProjectIds(resource, props));
    }
    // An older record only when there is no `access` at all: an unknown or malformed one is not applicable.
    if (Object.prototype.hasOwnProperty.call(resource.props, "access")) return undefined;
    const legacy = LegacyObservedPermissionsProps.safeParse(props);
    if (!legacy.success) return undefined;
    const permissions = legacy.data.permissions.map(({ id, projectId, createdAt }): ObservedPermission =>
        createdAt === undefined ? { id, projectId } : { id, projectId, createdAt },
    );
    return sortedObservation(legacy.data.checkpoint, permissions, managedProjectIds(resource, props));
}

/** The record's managed projects, sorted; `undefined` if unknown or malformed (absent: none). */
function managedProjectIds(resource: PolicyResourceLike, known: Record<string, unknown>): string[] | undefined {
    const unknownProp = Object.prototype.hasOwnProperty.call(resource.props, "managedProjects") && !("managedProjects" in known);
    const parsed = ManagedProjects.safeParse(known["managedProjects"]);
    return unknownProp || !parsed.success ? undefined : [...new Set(parsed.data)].sort(compare);
}

function sortedObservation(checkpoint: string, permissions: ObservedPermission[], managed: string[] | undefined): ObservedPermissions {
    const sorted = permissions.sort((a, b) => compare(a.projectId, b.projectId) || compare(a.id, b.id));
    return {
        checkpoint,
        permissions: sorted,
        projectIds: [...new Set(sorted.map((permission) => permission.projectId))],
        managedProjectIds: managed,
    };
}

/**
 * What a `CheckpointPermissionGrant` gives, or `undefined` if it is another type or its checkpoint or project is
 * unknown or malformed. An unknown or absent `permissionId` is simply left out.
 */
export function grantOf(resource: PolicyResourceLike): Grant | undefined {
    if (!isCheckpointPermissionGrant(resource)) return undefined;
    const parsed = GrantProps.safeParse(knownProps(resource, ["checkpoint", "projectId", "permissionId"]));
    if (!parsed.success) return undefined;
    const { checkpoint, projectId, permissionId } = parsed.data;
    return permissionId === undefined ? { checkpoint, projectId } : { checkpoint, projectId, permissionId };
}

/**
 * The checkpoint a grant targets when only that is known (its project still unknown during preview), or
 * `undefined`: which checkpoint a not-yet-known grant could affect.
 */
export function grantCheckpoint(resource: PolicyResourceLike): string | undefined {
    if (!isCheckpointPermissionGrant(resource)) return undefined;
    const parsed = z.object({ checkpoint: nonEmpty }).safeParse(knownProps(resource, ["checkpoint"]));
    return parsed.success ? parsed.data.checkpoint : undefined;
}

/**
 * Every project's access a resource describes: each permission of a `CheckpointPermissions`, or the one of a
 * `CheckpointPermissionGrant`. `undefined` for other types and for unknown or malformed values.
 */
export function accessOf(resource: PolicyResourceLike): ProjectAccess[] | undefined {
    const observed = observedPermissions(resource);
    if (observed) return recordedAccess(observed);
    const grant = grantOf(resource);
    return grant ? [grant] : undefined;
}

/** Each permission a record holds, as a project's access. */
export function recordedAccess(observed: ObservedPermissions): ProjectAccess[] {
    return observed.permissions.map((permission) => ({ checkpoint: observed.checkpoint, projectId: permission.projectId, permissionId: permission.id }));
}
