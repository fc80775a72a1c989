/**
 * Builds validation arguments the way @pulumi/policy's analyzer server does (props wrapped in its
 * unknown-checking proxy, config without `enforcementLevel`, `notApplicable` that throws) and runs a policy's
 * `validateResource` with a violation collector; `stackArgs` builds what `validateStack` is given, and `validateStack` runs
 * a stack policy with it. No engine, no CLI.
 */
import type {
    PolicyResource,
    PolicyResourceOptions,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import * as proxyModule from "@pulumi/policy/proxy";
import { encodeAccess } from "../../provider/resources/access-text";
import {
    checkpointAccessType,
    checkpointPermissionGrantType,
    checkpointPermissionsType,
    pluginCheckpointAccessType,
    pluginCheckpointPermissionGrantType,
    pluginCheckpointPermissionsType,
    sharedCheckpointRecordsType,
} from "../../provider/policy";

/** @pulumi/policy's internals the server uses on every resource; not in its typings. */
const proxy = proxyModule as unknown as {
    unknownCheckingProxy<T extends object>(props: T): T;
    unknownStringValue: string;
    unknownNumberValue: string;
    unknownBooleanValue: string;
    unknownArrayValue: string;
    unknownObjectValue: string;
    unknownAssetValue: string;
    unknownArchiveValue: string;
};

/** The engine's sentinels for unknown values, as @pulumi/policy knows them. */
export const unknownValues = {
    string: proxy.unknownStringValue,
    number: proxy.unknownNumberValue,
    boolean: proxy.unknownBooleanValue,
    array: proxy.unknownArrayValue,
    object: proxy.unknownObjectValue,
    asset: proxy.unknownAssetValue,
    archive: proxy.unknownArchiveValue,
};
export const unknownString = unknownValues.string;

export const checkpointA = "ft:gpt-4o-mini-2024-07-18:acme-corp::AbC123:ckpt-step-100";
export const checkpointB = "ft:gpt-4o-mini-2024-07-18:acme-corp::XyZ789";

type Props = Record<string, unknown>;

/** What the dynamic provider stores next to the properties; the policies must ignore it. */
const providerProp = { __provider: "exports.handler = __f0;\nfunction __f0() { return {}; }" };

/** A `CheckpointPermissions` as the engine hands it to a policy: its inputs, the listing as access text. */
export function permissionsProps(
    checkpoint: string,
    permissions: ReadonlyArray<{ id: string; projectId: string }>,
    managedProjects: readonly string[] = [],
): Props {
    return {
        ...providerProp,
        checkpoint,
        access: encodeAccess(Object.fromEntries(permissions.map((p) => [p.projectId, p.id]))),
        managedProjects: [...managedProjects],
        revoking: {},
    };
}

export function grantProps(checkpoint: string, projectId: string, outputs: { permissionId?: string } = {}): Props {
    return { ...providerProp, checkpoint, projectId, ...outputs };
}

/** A `CheckpointAccess`'s props: its inputs, which its outputs keep. */
export function accessProps(checkpoint: string, projectIds: readonly string[] | string, options: { attribution?: boolean; revokeOnDelete?: boolean } = {}): Props {
    return { ...providerProp, checkpoint, projectIds: typeof projectIds === "string" ? projectIds : [...projectIds], ...options };
}

/** The same props as the native plugin's resources have them: no `kind`, no serialized provider. */
export function pluginProps(props: Props): Props {
    const { kind: _kind, __provider: _provider, ...rest } = props;
    return rest;
}

const noOptions: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
};

class NotApplicable extends Error {
    constructor(readonly reason: string | undefined) {
        super(`not applicable: ${reason}`);
    }
}

function throwNotApplicable(reason?: string): never {
    throw new NotApplicable(reason);
}

export interface TestResource {
    readonly type: string;
    readonly props: Props;
    readonly name?: string;
    /** Hand the props over as they are, not through @pulumi/policy's proxy (for raw sentinel strings). */
    readonly raw?: boolean;
    /** The name of its parent among the stack's resources (`validateStack` gives each resource its parent). */
    readonly parent?: string;
}

export const observation = (name: string, props: Props): TestResource => ({
    type: checkpointPermissionsType,
    name,
    props,
});
export const grant = (name: string, props: Props): TestResource => ({ type: checkpointPermissionGrantType, name, props });
/** The plugin's `CheckpointPermissions` (token `openai-checkpoints:index:CheckpointPermissions`). */
export const pluginObservation = (name: string, props: Props): TestResource => ({
    type: pluginCheckpointPermissionsType,
    name,
    props: pluginProps(props),
});
/** The plugin's `CheckpointPermissionGrant`. */
export const pluginGrant = (name: string, props: Props): TestResource => ({
    type: pluginCheckpointPermissionGrantType,
    name,
    props: pluginProps(props),
});

/** A `CheckpointAccess` (dynamic). */
export const checkpointAccess = (name: string, props: Props): TestResource => ({ type: checkpointAccessType, name, props });
/** The plugin's `CheckpointAccess` (token `openai-checkpoints:index:CheckpointAccess`). */
export const pluginCheckpointAccess = (name: string, props: Props): TestResource => ({ type: pluginCheckpointAccessType, name, props: pluginProps(props) });

/** `SharedCheckpointRecords`, as `validateStack` is given it: its outputs. */
export const sharedCheckpointRecords = (name: string, props: Props): TestResource => ({ type: sharedCheckpointRecordsType, name, props });

export function urnOf(name: string, type: string): string {
    return `urn:pulumi:dev::checkpoints::${type}::${name}`;
}

function wrap(resource: TestResource): Props {
    return resource.raw ? resource.props : proxy.unknownCheckingProxy(structuredClone(resource.props));
}

const isType = (): boolean => false;
const asType = (): undefined => undefined;

/** What a resource under validation and a resource of the stack have alike. */
function described(resource: TestResource) {
    const name = resource.name ?? "resource";
    return { type: resource.type, props: wrap(resource), urn: urnOf(name, resource.type), name, opts: noOptions, isType, asType };
}

export function resourceArgs(resource: TestResource, config: object = {}): ResourceValidationArgs {
    return {
        ...described(resource),
        stackTags: new Map(),
        getConfig: <T extends object>() => ({ ...config }) as T,
        notApplicable: throwNotApplicable,
    };
}

export function stackArgs(resources: readonly TestResource[], config: object = {}): StackValidationArgs {
    const policyResources = resources.map((resource): PolicyResource => ({ ...described(resource), dependencies: [], propertyDependencies: {} }));
    // As the analyzer server does: each resource's parent, by name here, is the resource object itself.
    resources.forEach((resource, i) => {
        if (resource.parent === undefined) return;
        const parent = policyResources.find((candidate) => candidate.name === resource.parent);
        if (!parent) throw new Error(`no parent ${resource.parent} among the test's resources`);
        policyResources[i]!.parent = parent;
    });
    return {
        resources: policyResources,
        stackTags: new Map(),
        getConfig: <T extends object>() => ({ ...config }) as T,
        notApplicable: throwNotApplicable,
    };
}

export interface Outcome {
    readonly violations: Array<{ message: string; urn?: string }>;
    /** The reason given when the policy said it is not applicable; `undefined` when it ran. */
    readonly notApplicable?: string;
    readonly messages: string[];
}

async function collect(run: (report: (message: string, urn?: string) => void) => unknown): Promise<Outcome> {
    const violations: Array<{ message: string; urn?: string }> = [];
    const report = (message: string, urn?: string) => {
        violations.push(urn === undefined ? { message } : { message, urn });
    };
    try {
        await run(report);
    } catch (error) {
        if (!(error instanceof NotApplicable)) throw error;
        return { violations, messages: violations.map((v) => v.message), notApplicable: error.reason ?? "" };
    }
    return { violations, messages: violations.map((v) => v.message) };
}

export function validateStack(policy: StackValidationPolicy, resources: readonly TestResource[], config: object = {}): Promise<Outcome> {
    const args = stackArgs(resources, config);
    return collect((report) => policy.validateStack(args, report));
}

export function validateResource(
    policy: ResourceValidationPolicy,
    resource: TestResource,
    config: object = {},
): Promise<Outcome> {
    const validations = [policy.validateResource ?? []].flat();
    if (validations.length === 0) throw new Error(`${policy.name} has no validateResource`);
    const args = resourceArgs(resource, config);
    return collect(async (report) => {
        for (const validation of validations) await validation(args, report);
    });
}
