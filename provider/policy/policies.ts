/**
 * The CrossGuard policies over checkpoint permissions, as factories in the style of pulumi-policy-aws: each returns
 * a policy with a `configSchema`, so a pack configures it with `--policy-pack-config` (and `enforcementLevel`, as
 * every policy). Values passed to a factory become the schema's defaults, which the pack config overrides.
 *
 * With no configuration nothing is reported: a policy whose list is empty (or whose maximum is unset) is not
 * applicable. Unknown values during preview make a check not applicable too; `pulumi up` runs the resource
 * policies again with known inputs before anything is created, so a forbidden grant is still stopped in time.
 */
import type {
    EnforcementLevel,
    Policies,
    PolicyConfigSchema,
    PolicyResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationPolicy,
} from "@pulumi/policy";
import { z } from "zod";
import { compare } from "../resources/listing";
import {
    accessCheckpoint,
    accessOf,
    auditLoggingOf,
    declaredAccessOf,
    grantCheckpoint,
    grantOf,
    isAuditRecord,
    isCheckpointAccess,
    isCheckpointPermissionGrant,
    isSharedCheckpointRecords,
    isCheckpointPermissions,
    plannedAccessChangeOf,
    recordOf,
    type CheckpointRecord,
    type DeclaredAccess,
    type ProjectAccess,
} from "./resources";
import {
    accessesOfProjects,
    allowedProjectsFor,
    competingManagers,
    describeAccess,
    forbiddenProjects,
    missingProjects,
    projectsWithAccess,
    unapprovedGrantors,
    unexpectedProjects,
    unmanagedPermissions,
    type AccessManager,
} from "./rules";

/** The names of the policies, as they appear in the pack's config and in violations. */
export const policyNames = {
    allowedProjects: "checkpoint-allowed-projects",
    forbiddenProjects: "checkpoint-forbidden-projects",
    maxProjects: "checkpoint-max-projects",
    requiredProjects: "checkpoint-required-projects",
    noUnmanagedAccess: "checkpoint-no-unmanaged-access",
    allowedGrantors: "checkpoint-allowed-grantors",
    auditLogging: "checkpoint-audit-logging",
    singleManager: "checkpoint-single-manager",
    maxRevocations: "checkpoint-max-revocations",
} as const;

/** Options every factory takes: the enforcement level when the pack's config does not set one. */
export interface PolicyOptions {
    readonly enforcementLevel?: EnforcementLevel;
}

/**
 * A policy's config, declared once, as a zod object: it parses the pack's config, and gives both the JSON schema the
 * engine checks that config against (`configSchema`) and the config's type (the return type of `read`).
 *
 * The exported config types are that return type, which TypeScript writes out as a plain object type in the
 * published declarations. Written as `z.output<…>` instead, they would make the declarations import zod, whose own
 * declarations fail a user's type check under Pulumi's template tsconfig (no skipLibCheck, no esModuleInterop).
 */
function policyConfig<Shape extends z.ZodRawShape>(policyName: string, shape: Shape) {
    const schema = z.object(shape);
    return {
        /** The JSON schema of the config, the factory's values as its defaults. */
        jsonSchema(factoryValues: object): PolicyConfigSchema {
            const { properties = {}, required } = z.toJSONSchema(schema, { io: "input", target: "draft-7" });
            for (const [key, value] of Object.entries(withoutUndefined(factoryValues))) properties[key] = { ...(properties[key] as object), default: value };
            return { properties: properties as PolicyConfigSchema["properties"], ...(required ? { required } : {}) };
        },
        /**
         * The config: the pack's config over the factory's values, checked. A config that does not parse fails the run
         * loudly; silently skipping a misconfigured mandatory policy would let everything through.
         */
        read(factoryValues: object, args: { getConfig<T extends object>(): T }): z.output<typeof schema> {
            const parsed = schema.safeParse({ ...withoutUndefined(factoryValues), ...args.getConfig<object>() });
            if (!parsed.success) throw new Error(`${policyName}: invalid config: ${z.prettifyError(parsed.error)}`);
            return parsed.data;
        },
    };
}

function withoutUndefined(values: object): Record<string, unknown> {
    return Object.fromEntries(Object.entries(values).filter(([key, value]) => key !== "enforcementLevel" && value !== undefined));
}

const projectList = z.array(z.string().min(1));

const allowedProjectsConfig = policyConfig(policyNames.allowedProjects, {
    allowedProjects: projectList.default([]).describe("The projects that may have access to any checkpoint. Empty: not checked."),
    checkpoints: z
        .record(z.string(), projectList)
        .default({})
        .describe("Per checkpoint id, the projects that may have access to it, instead of allowedProjects. An empty list: none."),
});
/** `checkpoint-allowed-projects`: `allowedProjects`, and per checkpoint its own list in `checkpoints`. */
export interface AllowedProjectsConfig extends ReturnType<typeof allowedProjectsConfig.read> {}

const forbiddenProjectsConfig = policyConfig(policyNames.forbiddenProjects, {
    forbiddenProjects: projectList.default([]).describe("The projects that may not have access to any checkpoint. Empty: not checked."),
});
/** `checkpoint-forbidden-projects`: `forbiddenProjects`. */
export interface ForbiddenProjectsConfig extends ReturnType<typeof forbiddenProjectsConfig.read> {}

const maxProjectsConfig = policyConfig(policyNames.maxProjects, {
    maxProjects: z.number().int().min(0).optional().describe("The most projects that may have access to one checkpoint. Unset: not checked."),
});
/** `checkpoint-max-projects`: `maxProjects`. */
export interface MaxProjectsConfig extends ReturnType<typeof maxProjectsConfig.read> {}

const requiredProjectsConfig = policyConfig(policyNames.requiredProjects, {
    requiredProjects: projectList.default([]).describe("The projects that must have access to every recorded checkpoint. Empty: not checked."),
});
/** `checkpoint-required-projects`: `requiredProjects`. */
export interface RequiredProjectsConfig extends ReturnType<typeof requiredProjectsConfig.read> {}

const allowedGrantorsConfig = policyConfig(policyNames.allowedGrantors, {
    allowedGrantors: z
        .array(z.string().min(1))
        .default([])
        .describe("Who may grant access (emails, or user or service account ids), e.g. the CI pipeline's service account. Empty: not checked."),
    allowUnknown: z
        .boolean()
        .default(false)
        .describe("Let access that the audit log cannot attribute pass (granted before audit logging was on, or logged too long ago)."),
});
/** `checkpoint-allowed-grantors`: `allowedGrantors`, and `allowUnknown`. */
export interface AllowedGrantorsConfig extends ReturnType<typeof allowedGrantorsConfig.read> {}

/**
 * The accesses a resource under validation describes (a record's permissions, a grant's project, the projects a
 * `CheckpointAccess` declares); not applicable for other types and unknown values.
 */
function accessUnderValidation(args: ResourceValidationArgs): ProjectAccess[] {
    if (!isCheckpointPermissions(args) && !isCheckpointPermissionGrant(args) && !isCheckpointAccess(args)) {
        return args.notApplicable("only checks CheckpointPermissions, CheckpointPermissionGrant and CheckpointAccess resources");
    }
    return accessOf(args) ?? args.notApplicable("checkpoint or project not known yet (preview), or malformed");
}

/**
 * `checkpoint-allowed-projects`: every project with access to a checkpoint, or granted it by the stack (a grant, or
 * a `CheckpointAccess`'s set), is on the allowed list. `checkpoints` gives a checkpoint its own list instead (an empty one: no project may have access).
 */
export function checkpointAllowedProjects(
    options: PolicyOptions & Partial<AllowedProjectsConfig> = {},
): ResourceValidationPolicy {
    const name = policyNames.allowedProjects;
    return {
        name,
        description: "Only allowed projects may have access to a fine-tuned checkpoint.",
        enforcementLevel: options.enforcementLevel ?? "mandatory",
        configSchema: allowedProjectsConfig.jsonSchema(options),
        validateResource: (args, reportViolation) => {
            const config = allowedProjectsConfig.read(options, args);
            if (config.allowedProjects.length === 0 && Object.keys(config.checkpoints).length === 0) {
                return args.notApplicable("no allowed projects configured");
            }
            const accesses = accessUnderValidation(args);
            const [first] = accesses;
            if (!first) return; // nobody has access: no project can be unexpected
            // One resource concerns one checkpoint, so one list applies to all its accesses.
            const allowed = allowedProjectsFor(first.checkpoint, config);
            if (allowed === undefined) return args.notApplicable("no allowed projects configured for this checkpoint");
            for (const access of unexpectedProjects(accesses, allowed)) {
                reportViolation(
                    `Checkpoint ${access.checkpoint}: ${describeAccess(access)} is not an allowed project ` +
                        `(allowed: ${allowed.join(", ") || "none"}).`,
                );
            }
        },
    };
}

/**
 * `checkpoint-forbidden-projects`: no forbidden project has access to a checkpoint, or is granted it (by a grant, or
 * in a `CheckpointAccess`'s set).
 */
export function checkpointForbiddenProjects(
    options: PolicyOptions & Partial<ForbiddenProjectsConfig> = {},
): ResourceValidationPolicy {
    const name = policyNames.forbiddenProjects;
    return {
        name,
        description: "Forbidden projects may not have access to a fine-tuned checkpoint.",
        enforcementLevel: options.enforcementLevel ?? "mandatory",
        configSchema: forbiddenProjectsConfig.jsonSchema(options),
        validateResource: (args, reportViolation) => {
            const { forbiddenProjects: forbidden } = forbiddenProjectsConfig.read(options, args);
            if (forbidden.length === 0) return args.notApplicable("no forbidden projects configured");
            for (const access of forbiddenProjects(accessUnderValidation(args), forbidden)) {
                reportViolation(`Checkpoint ${access.checkpoint}: ${describeAccess(access)} is a forbidden project.`);
            }
        },
    };
}

/** The record under validation; not applicable for other types and while its access is unknown. */
function recordUnderValidation(args: ResourceValidationArgs): CheckpointRecord {
    if (!isCheckpointPermissions(args)) return args.notApplicable("only checks CheckpointPermissions resources");
    return recordOf(args) ?? args.notApplicable("checkpoint or access not known yet (preview), or malformed");
}

/** The record's managed projects; not applicable while they are unknown (a grant's project, during preview). */
function managedUnderValidation(args: ResourceValidationArgs, record: CheckpointRecord): readonly string[] {
    return record.managedProjectIds ?? args.notApplicable("the projects of the grants it waits for are not known yet (preview)");
}

/**
 * A whole checkpoint's projects, as the resource under validation knows them: a record (the live access, and what
 * the grants it waits for give) or a `CheckpointAccess` (the complete set, which its `up` makes the live one). Not
 * applicable for other types and while the values are unknown.
 */
type CheckpointUnderValidation = { readonly record: CheckpointRecord } | { readonly declared: DeclaredAccess };

function checkpointUnderValidation(args: ResourceValidationArgs): CheckpointUnderValidation {
    if (isCheckpointAccess(args)) {
        return { declared: declaredAccessOf(args) ?? args.notApplicable("checkpoint or projects not known yet (preview), or malformed") };
    }
    if (!isCheckpointPermissions(args)) return args.notApplicable("only checks CheckpointPermissions and CheckpointAccess resources");
    return { record: recordUnderValidation(args) };
}

/**
 * `checkpoint-max-projects`: at most `maxProjects` projects have access to a recorded checkpoint, or are granted it
 * by the grants its record waits for, and a `CheckpointAccess` declares at most that many. A grant whose project is
 * not known yet is not counted (the count is a lower bound in preview).
 */
export function checkpointMaxProjects(options: PolicyOptions & Partial<MaxProjectsConfig> = {}): ResourceValidationPolicy {
    const name = policyNames.maxProjects;
    return {
        name,
        description: "At most a given number of projects may have access to a fine-tuned checkpoint.",
        enforcementLevel: options.enforcementLevel ?? "advisory",
        configSchema: maxProjectsConfig.jsonSchema(options),
        validateResource: (args, reportViolation) => {
            const { maxProjects } = maxProjectsConfig.read(options, args);
            if (maxProjects === undefined) return args.notApplicable("no maxProjects configured");
            const checkpoint = checkpointUnderValidation(args);
            const id = "record" in checkpoint ? checkpoint.record.checkpoint : checkpoint.declared.checkpoint;
            const accesses =
                "record" in checkpoint
                    ? accessesOfProjects(checkpoint.record, projectsWithAccess(checkpoint.record))
                    : checkpoint.declared.projectIds.map((projectId): ProjectAccess => ({ checkpoint: id, projectId }));
            if (accesses.length <= maxProjects) return;
            reportViolation(
                `Checkpoint ${id}: ${accesses.length} projects have or are granted access, ` +
                    `more than maxProjects (${maxProjects}): ${accesses.map(describeAccess).join(", ")}.`,
            );
        },
    };
}

/**
 * `checkpoint-required-projects`: every required project has access to each recorded checkpoint, or is granted it
 * by the grants its record waits for (only a record knows the live state), and is in the set of each
 * `CheckpointAccess` (which revokes every project outside it).
 */
export function checkpointRequiredProjects(
    options: PolicyOptions & Partial<RequiredProjectsConfig> = {},
): ResourceValidationPolicy {
    const name = policyNames.requiredProjects;
    return {
        name,
        description: "Required projects must have access to every recorded fine-tuned checkpoint.",
        enforcementLevel: options.enforcementLevel ?? "advisory",
        configSchema: requiredProjectsConfig.jsonSchema(options),
        validateResource: (args, reportViolation) => {
            const { requiredProjects } = requiredProjectsConfig.read(options, args);
            if (requiredProjects.length === 0) return args.notApplicable("no required projects configured");
            const checkpoint = checkpointUnderValidation(args);
            if ("declared" in checkpoint) {
                for (const projectId of missingProjects(checkpoint.declared.projectIds, requiredProjects)) {
                    reportViolation(
                        `Checkpoint ${checkpoint.declared.checkpoint}: required project ${projectId} is not in the projectIds ` +
                            "of its CheckpointAccess, which gives access to those projects only (and revokes any other).",
                    );
                }
                return;
            }
            const { record } = checkpoint;
            // A grant whose project is not known yet may be the missing one: say nothing rather than guess.
            const managed = managedUnderValidation(args, record);
            for (const projectId of missingProjects([...record.projectIds, ...managed], requiredProjects)) {
                reportViolation(
                    `Checkpoint ${record.checkpoint}: required project ${projectId} has no access ` +
                        "and no CheckpointPermissionGrant that the record waits for (its dependsOn) gives it.",
                );
            }
        },
    };
}

/**
 * `checkpoint-no-unmanaged-access`: every permission a `CheckpointPermissions` resource records is managed by the
 * stack: a `CheckpointPermissionGrant` of the stack gives it (the record's `managedProjects` count too), or the
 * checkpoint has a `CheckpointAccess`, which manages all of its access (what its set lacks, its `up` revokes, and its
 * preview names). Anything else was granted outside Pulumi.
 *
 * A stack policy, because what manages a checkpoint is elsewhere in the stack. An audit is not checked: the records
 * of a `SharedCheckpointRecords`, and a stack that manages no access at all (no grant, no `CheckpointAccess`). It
 * records access and manages none by design, so every share would be a finding, though whether a share is managed is
 * known only to the stack that manages it; the project and grantor policies judge that access, and a
 * `CheckpointAccess` (in that stack or another) enforces it.
 */
export function checkpointNoUnmanagedAccess(options: PolicyOptions = {}): StackValidationPolicy {
    return {
        name: policyNames.noUnmanagedAccess,
        description:
            "Every project with access to a recorded checkpoint is managed by the stack: a CheckpointPermissionGrant, or the checkpoint's CheckpointAccess.",
        enforcementLevel: options.enforcementLevel ?? "advisory",
        validateStack: (args, reportViolation) => {
            const records = args.resources.filter((resource) => isCheckpointPermissions(resource) && !isAuditRecord(resource));
            if (records.length === 0) {
                return args.notApplicable(
                    args.resources.some(isAuditRecord)
                        ? "the stack records checkpoints only as an audit (SharedCheckpointRecords), which manages nothing by design"
                        : "the stack records no checkpoint",
                );
            }
            if (!args.resources.some((resource) => isCheckpointPermissionGrant(resource) || isCheckpointAccess(resource))) {
                return args.notApplicable("the stack manages no access (no CheckpointPermissionGrant, no CheckpointAccess): it records, as an audit does");
            }
            const managed = managedByStack(args.resources) ?? args.notApplicable("a grant's or CheckpointAccess's checkpoint is not known yet (preview)");
            for (const resource of records) {
                const record = recordOf(resource);
                // A record, or a grant of its checkpoint, not known yet (preview): the unknown one may manage the access.
                if (record?.managedProjectIds === undefined || managed.unknownGrants.has(record.checkpoint)) continue;
                if (managed.whole.has(record.checkpoint)) continue;
                const granted = managed.granted.get(record.checkpoint) ?? [];
                for (const access of unmanagedPermissions(record.accesses, [...record.managedProjectIds, ...granted])) {
                    reportViolation(
                        `Checkpoint ${access.checkpoint}: ${describeAccess(access)} has access that no ` +
                            "CheckpointPermissionGrant or CheckpointAccess of the stack manages (granted outside Pulumi?). " +
                            "A CheckpointAccess on the checkpoint would make the projects it lists the only ones.",
                        resource.urn,
                    );
                }
            }
        },
    };
}

/** What a stack manages, by checkpoint. */
interface ManagedByStack {
    /** The checkpoints a `CheckpointAccess` manages, whole. */
    readonly whole: Set<string>;
    /** Per checkpoint, the projects its grants give. */
    readonly granted: Map<string, string[]>;
    /** The checkpoints with a grant whose project is not known yet (preview). */
    readonly unknownGrants: Set<string>;
}

/** What the stack manages; `undefined` while a grant's or `CheckpointAccess`'s checkpoint is not known: it could be any. */
function managedByStack(resources: readonly PolicyResource[]): ManagedByStack | undefined {
    const managed: ManagedByStack = { whole: new Set(), granted: new Map(), unknownGrants: new Set() };
    for (const resource of resources) {
        if (isCheckpointAccess(resource)) {
            const checkpoint = accessCheckpoint(resource);
            if (checkpoint === undefined) return undefined;
            managed.whole.add(checkpoint);
        } else if (isCheckpointPermissionGrant(resource)) {
            const checkpoint = grantCheckpoint(resource);
            if (checkpoint === undefined) return undefined;
            const projectId = grantOf(resource)?.projectId;
            if (projectId === undefined) {
                managed.unknownGrants.add(checkpoint);
            } else {
                const projects = managed.granted.get(checkpoint) ?? [];
                projects.push(projectId);
                managed.granted.set(checkpoint, projects);
            }
        }
    }
    return managed;
}

/**
 * `checkpoint-single-manager`: a checkpoint with a `CheckpointAccess` has no other manager in the stack, neither a
 * `CheckpointPermissionGrant` nor a second `CheckpointAccess`. They would fight: the `CheckpointAccess` revokes every
 * project outside its set, which a grant then grants again (and deleting a grant revokes a project the set keeps); two
 * sets revoke each other's projects. Terraform's docs warn the same of `google_*_iam_policy` beside
 * `google_*_iam_member`. A stack policy: the managers are separate resources. A manager whose checkpoint is not
 * known yet (preview) is not counted; `up`'s own preview has it.
 */
export function checkpointSingleManager(options: PolicyOptions = {}): StackValidationPolicy {
    return {
        name: policyNames.singleManager,
        description: "A checkpoint with a CheckpointAccess has no other manager in the stack: no CheckpointPermissionGrant, no second CheckpointAccess.",
        enforcementLevel: options.enforcementLevel ?? "mandatory",
        validateStack: (args, reportViolation) => {
            const managers = args.resources.flatMap((resource): Array<AccessManager & { readonly resource: PolicyResource }> => {
                const access = accessCheckpoint(resource);
                if (access !== undefined) return [{ checkpoint: access, kind: "CheckpointAccess", resource }];
                const grant = grantCheckpoint(resource);
                return grant === undefined ? [] : [{ checkpoint: grant, kind: "CheckpointPermissionGrant", resource }];
            });
            if (!managers.some((manager) => manager.kind === "CheckpointAccess")) return args.notApplicable("the stack has no CheckpointAccess with a known checkpoint");
            for (const found of competingManagers(managers)) {
                // Named the same way whatever order the program registered them in: each CheckpointAccess, then each grant, by name.
                const group = found.sort((a, b) => compare(a.kind, b.kind) || compare(a.resource.name, b.resource.name) || compare(a.resource.urn, b.resource.urn));
                const accesses = group.filter((manager) => manager.kind === "CheckpointAccess");
                const grants = group.length - accesses.length;
                const why = [
                    grants > 0
                        ? "a CheckpointAccess revokes every project outside its projectIds, which a CheckpointPermissionGrant grants again, " +
                          "and deleting a grant revokes a project the CheckpointAccess keeps"
                        : undefined,
                    accesses.length > 1 ? "two CheckpointAccess each revoke the projects the other lists" : undefined,
                ].filter((reason) => reason !== undefined);
                reportViolation(
                    `Checkpoint ${group[0]!.checkpoint} has more than one manager in the stack: ` +
                        `${group.map(({ kind, resource }) => `${kind} ${resource.name} (${resource.urn})`).join(", ")}. ` +
                        `They would fight, each up undoing the other: ${why.join("; ")} ` +
                        "(as Terraform warns of google_*_iam_policy beside google_*_iam_member). " +
                        "List every project in one CheckpointAccess and remove the others, or manage the checkpoint with grants alone.",
                    accesses[0]!.resource.urn,
                );
            }
        },
    };
}

/**
 * `checkpoint-allowed-grantors`: every project's access to a recorded checkpoint was granted by someone on the list,
 * by the record's attribution (its `attribution` option): the control "every share goes through the pipeline". A
 * record without attribution is not checked.
 */
export function checkpointAllowedGrantors(options: PolicyOptions & Partial<AllowedGrantorsConfig> = {}): ResourceValidationPolicy {
    const name = policyNames.allowedGrantors;
    return {
        name,
        description: "Only allowed grantors may have shared a fine-tuned checkpoint.",
        enforcementLevel: options.enforcementLevel ?? "mandatory",
        configSchema: allowedGrantorsConfig.jsonSchema(options),
        validateResource: (args, reportViolation) => {
            const { allowedGrantors, allowUnknown } = allowedGrantorsConfig.read(options, args);
            if (allowedGrantors.length === 0) return args.notApplicable("no allowed grantors configured");
            const record = recordUnderValidation(args);
            if (record.accesses.length > 0 && record.accesses.every((access) => access.grantedBy === undefined)) {
                return args.notApplicable("the record does not attribute its access (give it attribution: true)");
            }
            for (const { grantedBy, ...access } of unapprovedGrantors(record.accesses, allowedGrantors, allowUnknown)) {
                reportViolation(
                    `Checkpoint ${access.checkpoint}: ${describeAccess(access)} was granted by ${grantedBy}, ` +
                        `not an allowed grantor (allowed: ${allowedGrantors.join(", ")}).`,
                );
            }
        },
    };
}

/**
 * `checkpoint-audit-logging`: every `SharedCheckpointRecords` in the stack found its organization's audit logging on.
 * Off, the checkpoints the organization shares cannot be found, and only its `include` is recorded: an audit that
 * passes all the other policies would cover only what someone listed. A stack policy, because `auditLogging` is the
 * component's output, which only `validateStack` is given.
 */
export function checkpointAuditLogging(options: PolicyOptions = {}): StackValidationPolicy {
    return {
        name: policyNames.auditLogging,
        description: "The organization's audit logging is on, so SharedCheckpointRecords finds every checkpoint it shares.",
        enforcementLevel: options.enforcementLevel ?? "mandatory",
        validateStack: (args, reportViolation) => {
            const components = args.resources.filter(isSharedCheckpointRecords);
            if (components.length === 0) return args.notApplicable("the stack has no SharedCheckpointRecords");
            for (const component of components) {
                if (auditLoggingOf(component) !== false) continue;
                reportViolation(
                    `SharedCheckpointRecords ${component.name}: the organization's audit logging is off, so the checkpoints it ` +
                        "shares cannot be found, and only those in `include` are recorded. An owner turns it on under Settings → Data controls.",
                    component.urn,
                );
            }
        },
    };
}

const maxRevocationsConfig = policyConfig(policyNames.maxRevocations, {
    maxRevocations: z.number().int().min(0).default(5).describe("The most projects one `up` of a CheckpointAccess may revoke access from."),
});
/** `checkpoint-max-revocations`: `maxRevocations`. */
export interface MaxRevocationsConfig extends ReturnType<typeof maxRevocationsConfig.read> {}

/**
 * `checkpoint-max-revocations`: one `up` of a `CheckpointAccess` revokes at most `maxRevocations` projects' access,
 * so a typo that empties a list cannot cut off every consumer. It reads the plan that the resource's check read live
 * (its `plan` input): a plain preview sees it, and `up` runs the policy again on its own check before revoking. A
 * plan not known yet (a set that waits on another resource, in preview) plans nothing, and is checked when `up`
 * knows it.
 */
export function checkpointMaxRevocations(options: PolicyOptions & Partial<MaxRevocationsConfig> = {}): ResourceValidationPolicy {
    const name = policyNames.maxRevocations;
    return {
        name,
        description: "One update of a CheckpointAccess revokes at most a given number of projects' access.",
        enforcementLevel: options.enforcementLevel ?? "mandatory",
        configSchema: maxRevocationsConfig.jsonSchema(options),
        validateResource: (args, reportViolation) => {
            const { maxRevocations } = maxRevocationsConfig.read(options, args);
            if (!isCheckpointAccess(args)) return args.notApplicable("only checks CheckpointAccess resources");
            const change = plannedAccessChangeOf(args) ?? args.notApplicable("the plan is not known yet (preview): `up` checks it");
            if (change.revoking.length <= maxRevocations) return;
            reportViolation(
                `Checkpoint ${change.checkpoint}: this update would revoke ${change.revoking.length} projects' access, more than ` +
                    `maxRevocations (${maxRevocations}): ${change.revoking.map(describeAccess).join(", ")}. If that is meant, raise ` +
                    "maxRevocations in the pack's config for this update.",
            );
        },
    };
}

/** All nine policies with their defaults: what the repository's policy pack serves. */
export function checkpointPolicies(): Policies {
    return [
        checkpointSingleManager(),
        checkpointAllowedProjects(),
        checkpointForbiddenProjects(),
        checkpointMaxProjects(),
        checkpointRequiredProjects(),
        checkpointNoUnmanagedAccess(),
        checkpointAllowedGrantors(),
        checkpointAuditLogging(),
        checkpointMaxRevocations(),
    ];
}
