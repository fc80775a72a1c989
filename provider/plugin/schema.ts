/**
 * The Pulumi package schema of the plugin, package `openai-checkpoints`: the one source of truth for what every
 * language sees (the plugin serves it as `GetSchema`; Pulumi YAML type-checks programs against it; the SDKs are
 * generated from it by `npm run sdk`).
 *
 * The name is not `openai`: other packages already use that one.
 */
import { pluginCheckpointAccessType, pluginCheckpointPermissionGrantType, pluginCheckpointPermissionsType, sharedCheckpointRecordsType } from "../resources/tokens";
import { ADMIN_KEY_ENV, BASE_URL_ENV, type ConfigKeys } from "../resources/settings";

export const PACKAGE_NAME = "openai-checkpoints";
export const GET_PERMISSIONS_TOKEN = `${PACKAGE_NAME}:index:getCheckpointPermissions`;
export const GET_SHARED_CHECKPOINTS_TOKEN = `${PACKAGE_NAME}:index:getSharedCheckpoints`;
/** The Go SDK's module path: not fetched from anywhere, users point it at sdk/go of the npm package (README). */
const GO_MODULE = "github.com/pulumi-openai-checkpoint-permissions/sdk/go";
const PERMISSION_TOKEN = `${PACKAGE_NAME}:index:CheckpointPermission`;
const GRANTOR_TOKEN = `${PACKAGE_NAME}:index:Grantor`;
const SHARED_CHECKPOINT_TOKEN = `${PACKAGE_NAME}:index:SharedCheckpoint`;

/** The plugin's settings: stack config of the default provider, or an explicit provider's arguments. */
export const PLUGIN_CONFIG_KEYS: ConfigKeys = {
    adminKey: `${PACKAGE_NAME}:adminKey`,
    baseUrl: `${PACKAGE_NAME}:baseUrl`,
    elsewhere: "pass `adminKey` to an explicit provider",
};

/** The subset of Pulumi's package schema this package uses: a type, and a property (a described type). */
interface TypeSpec {
    type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
    $ref?: string;
    items?: TypeSpec;
    additionalProperties?: TypeSpec;
}
interface PropertySpec extends TypeSpec {
    description: string;
    secret?: boolean;
}
type Properties = Record<string, PropertySpec>;

const checkpoint: PropertySpec = {
    type: "string",
    description: "The fine-tuned model checkpoint, e.g. `ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100`.",
};
const string = (description: string): PropertySpec => ({ type: "string", description });

const settings: Properties = {
    adminKey: {
        type: "string",
        secret: true,
        description: `An organization admin key (\`sk-admin-…\`). Default: the \`${ADMIN_KEY_ENV}\` environment variable.`,
    },
    baseUrl: string(`The API's base URL. Default: the \`${BASE_URL_ENV}\` environment variable, else \`https://api.openai.com/v1\`.`),
};

const grantProperties: Properties = {
    checkpoint: { ...checkpoint, description: "The fine-tuned model checkpoint to share." },
    projectId: string("The project to grant access to, `proj_…`."),
};

const recordInputs: Properties = {
    checkpoint: { ...checkpoint, description: "The fine-tuned model checkpoint whose permissions to record." },
    managedProjects: {
        type: "array",
        items: { type: "string" },
        description:
            "The projects whose access grants of this stack manage (the grants' `projectId`). When one of those grants " +
            "is removed, its access leaves the record in the same `up` that revokes it.",
    },
    attribution: {
        type: "boolean",
        description:
            "Record who granted each project's access, from the organization's audit log: a line reads " +
            "`proj_… cp_… by mallory@acme.com (dashboard)`, so drift names the grantor too.",
    },
};

const accessInputs: Properties = {
    checkpoint: { ...checkpoint, description: "The fine-tuned model checkpoint whose access this declares." },
    projectIds: {
        type: "array",
        items: { type: "string" },
        description:
            "Every project that may use the checkpoint, in any order, each once: create and update grant the missing and " +
            "revoke every other project's access. `[]` revokes all; it must be written, a missing list is an error.",
    },
    attribution: {
        type: "boolean",
        description: "Name who granted each access that `up` revokes, from the organization's audit log: `- proj_… cp_… by mallory@acme.com (dashboard)`.",
    },
    revokeOnDelete: {
        type: "boolean",
        description: "Revoke the set's access when the resource is deleted. Default: a delete leaves access as it is.",
    },
};

const permissionsResult: Properties = {
    id: string("`checkpoint`, or `checkpoint?projectId=…` when filtered."),
    checkpoint,
    projectId: string("The project filter, when one was given."),
    order: string("`descending` (newest first) or `ascending`."),
    permissions: { type: "array", items: { $ref: `#/types/${PERMISSION_TOKEN}` }, description: "Every permission, in `order`." },
    projectIds: { type: "array", items: { type: "string" }, description: "The projects with access, sorted and unique." },
    permissionsByProject: {
        type: "object",
        additionalProperties: { $ref: `#/types/${PERMISSION_TOKEN}` },
        description: "Each project's permission, by project id.",
    },
    permissionCount: { type: "integer", description: "How many permissions there are." },
};

const includeProperty: PropertySpec = {
    type: "array",
    items: { type: "string" },
    description: "Checkpoints to confirm besides those the audit log names, e.g. ones shared before audit logging began.",
};

/** What `getSharedCheckpoints` and `SharedCheckpointRecords` say of the organization. */
const sharedCheckpointsResult: Properties = {
    checkpoints: { type: "array", items: { $ref: `#/types/${SHARED_CHECKPOINT_TOKEN}` }, description: "Every checkpoint with at least one permission now, sorted." },
    checkpointIds: { type: "array", items: { type: "string" }, description: "The same checkpoints' ids, sorted." },
    auditLogging: { type: "boolean", description: "False when the organization's audit logging is off: then only `include` was confirmed." },
};

/** The package schema for `version` (the npm package's version: the plugin and its SDKs ship together). */
export function packageSchema(version: string) {
    return {
        name: PACKAGE_NAME,
        displayName: "OpenAI checkpoint permissions",
        version,
        description: "See, manage and police who may use your OpenAI fine-tuned model checkpoints.",
        keywords: ["pulumi", "openai", "fine-tuning", "category/cloud", "kind/native"],
        license: "Apache-2.0",
        publisher: "pulumi-openai-checkpoint-permissions",
        config: { variables: settings },
        provider: {
            description: "An organization's credentials. Two providers with two keys manage two organizations from one stack.",
            inputProperties: settings,
            properties: {},
        },
        resources: {
            [pluginCheckpointPermissionGrantType]: {
                description:
                    "One project's access to one checkpoint. Create grants it (or adopts access the project already has), " +
                    "delete revokes it, refresh drops it when it was revoked outside Pulumi, and a new checkpoint or project " +
                    "replaces it. Import one granted outside Pulumi with the id `<checkpoint>/<permission id>`.",
                inputProperties: grantProperties,
                requiredInputs: ["checkpoint", "projectId"],
                properties: {
                    ...grantProperties,
                    permissionId: string("The permission's id in OpenAI, `cp_…`."),
                    createdAt: { type: "integer", description: "When access was granted, in Unix seconds." },
                    adopted: { type: "boolean", description: "True when the project already had access and Pulumi took it over (create or import)." },
                },
                required: ["checkpoint", "projectId", "permissionId", "createdAt", "adopted"],
            },
            [pluginCheckpointPermissionsType]: {
                description:
                    "A checkpoint's live permissions, recorded in state and keyed by project: a change made outside Pulumi " +
                    "shows in the next preview as a diff naming the project, and `pulumi preview --expect-no-changes` fails. " +
                    "Refresh re-reads it. Forgetting it revokes nothing.",
                inputProperties: recordInputs,
                requiredInputs: ["checkpoint"],
                properties: {
                    checkpoint: recordInputs["checkpoint"],
                    access: {
                        type: "string",
                        description:
                            "Each project with access and its permission's id, as text: one `proj_… cp_…` line per project, " +
                            "sorted by project, with `attribution` followed by ` by ` and who granted it. Text, because an " +
                            "object costs the engine per key; a preview shows the lines added and removed, so it names the projects.",
                    },
                    managedProjects: { ...recordInputs["managedProjects"], description: "The projects whose access grants of this stack manage." },
                    attribution: recordInputs["attribution"],
                },
                required: ["checkpoint", "access"],
            },
            [pluginCheckpointAccessType]: {
                description:
                    "One checkpoint and the complete set of projects that may use it: these and no others. A preview reads the " +
                    "live access and shows the plan, each project `up` grants (`+ proj_…`) and revokes (`- proj_… cp_…`, with " +
                    "`attribution` who granted it). Refresh and import (by checkpoint id) read the live set. Delete revokes " +
                    "nothing unless `revokeOnDelete`.",
                inputProperties: accessInputs,
                requiredInputs: ["checkpoint", "projectIds"],
                properties: {
                    ...accessInputs,
                    projectIds: { ...accessInputs["projectIds"], description: "The projects that may use the checkpoint, sorted." },
                    plan: {
                        type: "string",
                        description:
                            "What `up` does, read live: one line per project, sorted, `+ proj_…` for a grant and `- proj_… cp_…` " +
                            "(with `attribution`, ` by ` and who granted it) for a revoke. Empty once done.",
                    },
                    access: {
                        type: "string",
                        description: "Each project with access and its permission's id, as text: one `proj_… cp_…` line per project, sorted.",
                    },
                },
                required: ["checkpoint", "projectIds", "plan", "access"],
            },
            [sharedCheckpointRecordsType]: {
                isComponent: true,
                description:
                    "Every checkpoint the organization shares, each recorded as a `CheckpointPermissions`: the checkpoints " +
                    "its audit log names (checkpoint.permission.created) and `include`, confirmed live. A checkpoint first " +
                    "shared later is a new record in the next preview, and the policy pack checks it like the others.",
                inputProperties: {
                    include: includeProperty,
                    attribution: { ...recordInputs["attribution"], description: "Record who granted each project's access (each record's `attribution`)." },
                },
                requiredInputs: [],
                properties: sharedCheckpointsResult,
                required: ["checkpointIds", "checkpoints", "auditLogging"],
            },
        },
        functions: {
            [GET_PERMISSIONS_TOKEN]: {
                description: "Reads a checkpoint's permissions (every page).",
                inputs: {
                    properties: {
                        checkpoint,
                        projectId: string("Only this project's permission."),
                        order: string("`descending` (newest first, the API's default) or `ascending`."),
                        attribution: {
                            type: "boolean",
                            description:
                                "Also say who granted each permission and when, from the organization's audit log (`grantedBy`, " +
                                "`grantedAt`). The invokes of one provider share one listing of the log.",
                        },
                    },
                    required: ["checkpoint"],
                },
                outputs: {
                    properties: permissionsResult,
                    required: ["id", "checkpoint", "order", "permissions", "projectIds", "permissionsByProject", "permissionCount"],
                },
            },
            [GET_SHARED_CHECKPOINTS_TOKEN]: {
                description:
                    "Every checkpoint the organization shares: the checkpoints its audit log names (checkpoint.permission.created), " +
                    "and `include`, each confirmed by its live listing.",
                inputs: { properties: { include: includeProperty }, required: [] },
                outputs: {
                    properties: {
                        ...sharedCheckpointsResult,
                        candidateCount: { type: "integer", description: "How many checkpoints were confirmed by a listing." },
                    },
                    required: ["checkpoints", "checkpointIds", "auditLogging", "candidateCount"],
                },
            },
        },
        types: {
            [PERMISSION_TOKEN]: {
                type: "object",
                description: "One project's access to a checkpoint.",
                properties: {
                    id: string("The permission id, `cp_…`."),
                    projectId: string("The project with access, `proj_…`."),
                    createdAt: { type: "integer", description: "When access was granted, in Unix seconds." },
                    grantedBy: { $ref: `#/types/${GRANTOR_TOKEN}`, description: "Who granted it, with `attribution`." },
                    grantedAt: { type: "integer", description: "When, by the audit log, with `attribution`; null when unknown." },
                },
                required: ["id", "projectId", "createdAt"],
            },
            [SHARED_CHECKPOINT_TOKEN]: {
                type: "object",
                description: "A checkpoint the organization shares.",
                properties: {
                    checkpoint,
                    projectIds: { type: "array", items: { type: "string" }, description: "The projects with access, sorted." },
                    permissionCount: { type: "integer", description: "How many permissions there are." },
                },
                required: ["checkpoint", "projectIds", "permissionCount"],
            },
            [GRANTOR_TOKEN]: {
                type: "object",
                description: "Who granted a permission, from the organization's audit log.",
                properties: {
                    kind: string("`dashboard`, `user-key`, `service-account-key`, or `unknown` (then `reason` says why)."),
                    email: string("The user's email: a dashboard session's, or the owner's of a user key."),
                    userId: string("The user's id, `user-…`."),
                    serviceAccountId: string("The service account's id, for its key."),
                    apiKeyId: string("The key's tracking id, `key_…` (never the key)."),
                    ipAddress: string("Where a dashboard session came from."),
                    reason: string("Why the grantor is unknown."),
                },
                required: ["kind"],
            },
        },
        // Packable SDKs (pyproject.toml, go.mod) that carry this version, as `pulumi package gen-sdk` writes them.
        meta: { supportPack: true },
        language: {
            nodejs: { packageName: "@openai-checkpoints/pulumi", packageDescription: "OpenAI checkpoint permissions (the plugin's SDK).", respectSchemaVersion: true },
            python: { packageName: "pulumi_openai_checkpoints", respectSchemaVersion: true },
            go: { importBasePath: `${GO_MODULE}/openaicheckpoints`, modulePath: GO_MODULE, respectSchemaVersion: true },
        },
    };
}

interface DeclaredProperties {
    readonly inputs: ReadonlySet<string>;
    readonly outputs: ReadonlySet<string>;
}

/** By resource token, worked out once: every answer of the plugin is filtered by them. */
const declared = new Map<string, DeclaredProperties>();

/** The properties the schema declares for a resource: its inputs (and the outputs a preview hands back as inputs) and its outputs. */
export function declaredProperties(token: string): DeclaredProperties {
    let properties = declared.get(token);
    if (!properties) {
        const resource = (packageSchema("").resources as Record<string, { inputProperties: Properties; properties: Properties } | undefined>)[token];
        if (!resource) throw new Error(`the schema declares no resource ${token}`);
        const outputs = Object.keys(resource.properties);
        properties = { inputs: new Set([...Object.keys(resource.inputProperties), ...outputs]), outputs: new Set(outputs) };
        declared.set(token, properties);
    }
    return properties;
}
