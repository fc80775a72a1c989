/**
 * Typed, preview-safe access to the resources CrossGuard policies check: `CheckpointPermissions` (the live
 * permissions of a checkpoint, read while the program runs), `CheckpointPermissionGrant` (one project's access,
 * managed by the stack) and `CheckpointAccess` (the complete set of projects that may use a checkpoint, managed by
 * the stack).
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
import { decodePlan } from "../resources/access-plan";
import { recordedAccessOfText } from "../resources/access-text";
import { compare } from "../resources/listing";
import {
    checkpointAccessType,
    checkpointPermissionGrantType,
    checkpointPermissionsType,
    pluginCheckpointAccessType,
    pluginCheckpointPermissionGrantType,
    pluginCheckpointPermissionsType,
    sharedCheckpointRecordsType,
} from "../resources/tokens";
import { isUnknown } from "../resources/unknowns";

export {
    isUnknown,
    checkpointAccessType,
    checkpointPermissionGrantType,
    checkpointPermissionsType,
    pluginCheckpointAccessType,
    pluginCheckpointPermissionGrantType,
    pluginCheckpointPermissionsType,
    sharedCheckpointRecordsType,
};

/** Every token a `CheckpointPermissions` has: the dynamic resource's and the plugin's, with the same properties. */
export const checkpointPermissionsTypes: ReadonlySet<string> = new Set([checkpointPermissionsType, pluginCheckpointPermissionsType]);
/** Every token a `CheckpointPermissionGrant` has. */
export const checkpointPermissionGrantTypes: ReadonlySet<string> = new Set([checkpointPermissionGrantType, pluginCheckpointPermissionGrantType]);
/** Every token a `CheckpointAccess` has. */
export const checkpointAccessTypes: ReadonlySet<string> = new Set([checkpointAccessType, pluginCheckpointAccessType]);

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

/** True for a `CheckpointAccess`, from the dynamic provider or the plugin. */
export function isCheckpointAccess<R extends PolicyResourceLike>(
    resource: R,
): resource is R & { readonly type: typeof checkpointAccessType | typeof pluginCheckpointAccessType } {
    return checkpointAccessTypes.has(resource.type);
}

/**
 * One project's access to one checkpoint, from any of the resources: a permission a record holds, or what a grant gives.
 * The unit every policy rule works on.
 */
export interface ProjectAccess {
    readonly checkpoint: string;
    /** The project with access, `proj_…`. */
    readonly projectId: string;
    /**
     * The permission id, `cp_…`: a record's always; a grant's once it exists (not in `validateResource`, whose props
     * are inputs); never a `CheckpointAccess`'s, which declares projects.
     */
    readonly permissionId?: string;
    /**
     * Who granted it, as a record with attribution names them (`mallory@acme.com (dashboard)`, `unknown`); absent
     * without attribution, and for a grant or a `CheckpointAccess` (the stack grants it).
     */
    readonly grantedBy?: string;
}

/** The access a `CheckpointAccess` declares: the complete set of projects that may use its checkpoint. */
export interface DeclaredAccess {
    readonly checkpoint: string;
    /** Sorted, unique (the set is order-free). */
    readonly projectIds: readonly string[];
}

/** A checkpoint's access, as a `CheckpointPermissions` resource recorded it. */
export interface CheckpointRecord {
    readonly checkpoint: string;
    /** Each project's access, sorted by project. */
    readonly accesses: readonly ProjectAccess[];
    /** The projects with access: sorted, unique. */
    readonly projectIds: readonly string[];
    /**
     * The projects whose access grants of the stack manage, sorted: the grants the record waits for (its
     * `dependsOn`; the plugin's record is given them as `managedProjects`). `undefined` while not known (preview).
     */
    readonly managedProjectIds: readonly string[] | undefined;
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

/** A record's access text (../resources/access-text.ts), read as each project with its permission id and grantor. */
const AccessText = z.string().transform((text, context) => {
    const recorded = recordedAccessOfText(text);
    if (recorded === undefined) context.addIssue({ code: "custom", message: "not access text" });
    return recorded ?? z.NEVER;
});

/** A record as its inputs hold it (`validateResource` is given the inputs). */
const RecordProps = z.object({ checkpoint: nonEmpty, access: AccessText, managedProjects: z.unknown().optional() });

/** The projects a record's grants manage; none when absent. */
const ManagedProjects = z.array(nonEmpty).default([]);

/** A grant; `permissionId` once it exists (not an input: unknown until created). */
const GrantProps = z.object({ checkpoint: nonEmpty, projectId: nonEmpty, permissionId: nonEmpty.optional() });

/**
 * The access a `CheckpointPermissions` resource recorded, or `undefined` if it is another type or its checkpoint
 * or access is unknown or malformed. A record keeps its access in its inputs, which `validateResource` is given,
 * and in its outputs, which `validateStack` is given.
 */
export function recordOf(resource: PolicyResourceLike): CheckpointRecord | undefined {
    if (!isCheckpointPermissions(resource)) return undefined;
    const known = knownProps(resource, Object.keys(RecordProps.shape));
    const parsed = RecordProps.safeParse(known);
    if (!parsed.success) return undefined;
    const { checkpoint, access: recorded } = parsed.data;
    const { access, grantors } = recorded;
    const accesses = Object.keys(access)
        .sort(compare)
        .map((projectId): ProjectAccess => {
            const grantedBy = grantors[projectId];
            return { checkpoint, projectId, permissionId: access[projectId]!, ...(grantedBy === undefined ? {} : { grantedBy }) };
        });
    // A managed project still unknown (a grant's, during preview) leaves the list not known: `knownProps` left it out.
    const managedUnknown = Object.prototype.hasOwnProperty.call(resource.props, "managedProjects") && !("managedProjects" in known);
    const managed = ManagedProjects.safeParse(known["managedProjects"]);
    return {
        checkpoint,
        accesses,
        projectIds: accesses.map((a) => a.projectId),
        managedProjectIds: managedUnknown || !managed.success ? undefined : [...new Set(managed.data)].sort(compare),
    };
}

/**
 * What a `CheckpointPermissionGrant` gives, or `undefined` if it is another type or its checkpoint or project is
 * unknown or malformed. An unknown or absent `permissionId` is simply left out.
 */
export function grantOf(resource: PolicyResourceLike): ProjectAccess | undefined {
    if (!isCheckpointPermissionGrant(resource)) return undefined;
    const parsed = GrantProps.safeParse(knownProps(resource, Object.keys(GrantProps.shape)));
    if (!parsed.success) return undefined;
    const { checkpoint, projectId, permissionId } = parsed.data;
    return permissionId === undefined ? { checkpoint, projectId } : { checkpoint, projectId, permissionId };
}

/** A resource's checkpoint, or `undefined` if it is unknown or malformed. */
function knownCheckpoint(resource: PolicyResourceLike): string | undefined {
    const parsed = z.object({ checkpoint: nonEmpty }).safeParse(knownProps(resource, ["checkpoint"]));
    return parsed.success ? parsed.data.checkpoint : undefined;
}

/**
 * The checkpoint a grant targets when only that is known (its project still unknown during preview), or
 * `undefined`: which checkpoint a not-yet-known grant could affect.
 */
export function grantCheckpoint(resource: PolicyResourceLike): string | undefined {
    return isCheckpointPermissionGrant(resource) ? knownCheckpoint(resource) : undefined;
}

/** A `CheckpointAccess`'s inputs (its outputs keep them). `projectIds: []` is a set, the empty one. */
const DeclaredAccessProps = z.object({ checkpoint: nonEmpty, projectIds: z.array(nonEmpty) });

/**
 * The access a `CheckpointAccess` declares, or `undefined` if it is another type or its checkpoint or project list
 * is unknown (any project of it, during preview) or malformed.
 */
export function declaredAccessOf(resource: PolicyResourceLike): DeclaredAccess | undefined {
    if (!isCheckpointAccess(resource)) return undefined;
    const parsed = DeclaredAccessProps.safeParse(knownProps(resource, Object.keys(DeclaredAccessProps.shape)));
    if (!parsed.success) return undefined;
    return { checkpoint: parsed.data.checkpoint, projectIds: [...new Set(parsed.data.projectIds)].sort(compare) };
}

/**
 * The checkpoint a `CheckpointAccess` manages when only that is known (its projects still unknown during preview), or
 * `undefined`. The resource is authoritative: it manages all of that checkpoint's access, whatever its list.
 */
export function accessCheckpoint(resource: PolicyResourceLike): string | undefined {
    return isCheckpointAccess(resource) ? knownCheckpoint(resource) : undefined;
}

/**
 * Every project's access a resource describes: each permission a `CheckpointPermissions` holds, the one of a
 * `CheckpointPermissionGrant`, or each project a `CheckpointAccess` declares. `undefined` for other types and for
 * unknown or malformed values.
 */
export function accessOf(resource: PolicyResourceLike): ProjectAccess[] | undefined {
    const record = recordOf(resource);
    if (record) return [...record.accesses];
    const grant = grantOf(resource);
    if (grant) return [grant];
    const declared = declaredAccessOf(resource);
    return declared?.projectIds.map((projectId) => ({ checkpoint: declared.checkpoint, projectId }));
}

/** True for a `SharedCheckpointRecords` component (one token on both surfaces). */
export function isSharedCheckpointRecords(resource: PolicyResourceLike): boolean {
    return resource.type === sharedCheckpointRecordsType;
}

/**
 * True for a record a `SharedCheckpointRecords` made (its child, as `validateStack` gives each resource its
 * `parent`): a record of the organization's audit, which manages nothing by design.
 */
export function isAuditRecord(resource: PolicyResourceLike & { readonly parent?: PolicyResourceLike }): boolean {
    return isCheckpointPermissions(resource) && resource.parent !== undefined && isSharedCheckpointRecords(resource.parent);
}

/**
 * Whether a `SharedCheckpointRecords` found its organization's audit logging on (its `auditLogging` output, which
 * `validateStack` is given), or `undefined` if it is another type or the value is unknown or malformed.
 */
export function auditLoggingOf(resource: PolicyResourceLike): boolean | undefined {
    if (!isSharedCheckpointRecords(resource)) return undefined;
    const { auditLogging } = knownProps(resource, ["auditLogging"]);
    return typeof auditLogging === "boolean" ? auditLogging : undefined;
}

/** What a `CheckpointAccess`'s `up` will do, from the plan its check read live (its `plan` input). */
export interface PlannedAccessChange {
    readonly checkpoint: string;
    /** The projects it grants, sorted. */
    readonly granting: readonly string[];
    /** The access it revokes, sorted by project, each with its permission id and (with attribution) its grantor. */
    readonly revoking: readonly ProjectAccess[];
}

const AccessPlanProps = z.object({ checkpoint: nonEmpty, plan: z.string() });

/**
 * What a `CheckpointAccess` plans to grant and revoke, or `undefined` if it is another type, or its checkpoint or
 * plan is unknown (a set not known yet, during preview) or malformed. The plan is an input, so only
 * `validateResource` is given it; once `up` is done it is empty.
 */
export function plannedAccessChangeOf(resource: PolicyResourceLike): PlannedAccessChange | undefined {
    if (!isCheckpointAccess(resource)) return undefined;
    const parsed = AccessPlanProps.safeParse(knownProps(resource, Object.keys(AccessPlanProps.shape)));
    if (!parsed.success) return undefined;
    const { checkpoint } = parsed.data;
    const plan = decodePlan(parsed.data.plan);
    if (plan === undefined) return undefined;
    const revoking = Object.keys(plan.revoking)
        .sort(compare)
        .map((projectId): ProjectAccess => {
            const grantedBy = plan.grantors[projectId];
            return { checkpoint, projectId, permissionId: plan.revoking[projectId]!, ...(grantedBy === undefined ? {} : { grantedBy }) };
        });
    return { checkpoint, granting: [...plan.granting].sort(compare), revoking };
}
