/**
 * The native provider: an `@pulumi/pulumi/provider` Provider for package `openai-checkpoints`. It only translates:
 * the engine's calls into the operations of ../resources (the same ones the dynamic provider runs), and their
 * results back into the engine's shapes.
 *
 * One object per provider instance, with its own client: two explicit providers are two organizations.
 *
 * Ids: a grant is `<checkpoint>/<permission id>` (what `pulumi import` takes); a record and an access are their
 * checkpoint.
 *
 * The component `SharedCheckpointRecords` is constructed here (the engine's Construct), with this provider's client
 * and the plugin's record: its records go back through the engine, to this provider.
 *
 * Every answer has the shape the package schema declares (./schema.ts; test/support/schema-conformance.ts checks
 * it), because each SDK decodes it by that declaration: no absent value sent as a key, no property the schema does
 * not name. A value that came secret goes back secret, and no message repeats it.
 */
import * as pulumi from "@pulumi/pulumi";
import type * as provider from "@pulumi/pulumi/provider";
import { SharedCheckpointRecordsComponent, type RecordingSurface } from "../components/shared-checkpoint-records";
import { InvalidArgumentError } from "../client/errors";
import { checkFailure, type CheckFailure } from "../resources/check";
import { grantOperations, type GrantOutputs } from "../resources/grant";
import { HandedListings } from "../resources/handed-listings";
import { checkPermissionsQuery, listPermissions, readCheckpointPermissions, type PermissionLister } from "../resources/listing";
import { checkSharedCheckpointsQuery, readSharedCheckpoints } from "../resources/discovery";
import type { CheckpointPermissionsClient, ClientLogger } from "../client";
import { accessOperations, type AccessOutputs } from "../resources/access";
import { PartialStateError, type ClientSource, type ResourceOperations } from "../resources/operations";
import { recordOperations, type RecordOutputs } from "../resources/record";
import { configuredClient } from "../resources/settings";
import { isUnknown } from "../resources/unknowns";
import { pluginCheckpointAccessType, pluginCheckpointPermissionGrantType, pluginCheckpointPermissionsType, sharedCheckpointRecordsType } from "../resources/tokens";
import { declaredProperties, GET_PERMISSIONS_TOKEN, GET_SHARED_CHECKPOINTS_TOKEN, PLUGIN_CONFIG_KEYS, packageSchema } from "./schema";
import type { ProviderReference } from "./configure";
import type { EngineLog } from "./engine-log";
import { isChildOf, redactSecrets, unwrapSecrets, urnType, wrapSecrets, type Unwrapped } from "./wire";

/** The provider's settings as the engine configures them (secrets already unwrapped). */
export interface PluginSettings {
    readonly adminKey?: unknown;
    readonly baseUrl?: unknown;
}

/** A resource as this surface serves it: its operations, and its id in both directions. */
interface PluginResource {
    readonly operations: ResourceOperations<object, object, object>;
    /** The resource's id, from its outputs. */
    id(outputs: object): string;
    /** What an id alone says of the outputs: a read without state is an import. */
    fromId(id: string): object;
    /**
     * The engine finds what changed in place from the inputs (as the dynamic provider's answers always let it), so
     * a preview shows only that: for an access, the plan's lines, not its whole set.
     */
    readonly engineFindsChanges?: true;
}

/**
 * The table from type token to resource. A grant's id is `<checkpoint>/<permission id>` (what `pulumi import`
 * takes); a record's is its checkpoint. A record's outputs keep its access text: YAML, Python and Go programs have
 * no listing of their own to derive it from, so the plugin pays for the second copy in state.
 */
const resources: Readonly<Record<string, PluginResource>> = {
    [pluginCheckpointPermissionGrantType]: {
        operations: grantOperations,
        id: (outputs: GrantOutputs) => `${outputs.checkpoint}/${outputs.permissionId}`,
        fromId: parseGrantId,
    },
    [pluginCheckpointPermissionsType]: {
        operations: recordOperations,
        id: (outputs: RecordOutputs) => outputs.checkpoint,
        fromId: (checkpoint) => ({ checkpoint }),
    },
    // Import takes the checkpoint and adopts its live set.
    [pluginCheckpointAccessType]: {
        operations: accessOperations,
        id: (outputs: AccessOutputs) => outputs.checkpoint,
        fromId: (checkpoint) => ({ checkpoint }),
        engineFindsChanges: true,
    },
};

/** A function as this surface serves it: its arguments checked (before any request), then the read they make. */
interface PluginFunction {
    prepare(args: Record<string, unknown>): (client: CheckpointPermissionsClient) => Promise<object>;
}

function pluginFunction<Query>(check: (args: Record<string, unknown>) => Query, read: (client: CheckpointPermissionsClient, query: Query) => Promise<object>): PluginFunction {
    return {
        prepare(args) {
            const query = check(args);
            return (client) => read(client, query);
        },
    };
}

/** The table from function token to function. */
const functions: Readonly<Record<string, PluginFunction>> = {
    [GET_PERMISSIONS_TOKEN]: pluginFunction(checkPermissionsQuery, readCheckpointPermissions),
    [GET_SHARED_CHECKPOINTS_TOKEN]: pluginFunction(checkSharedCheckpointsQuery, readSharedCheckpoints),
};

export class CheckpointPermissionsProvider implements provider.Provider {
    readonly version: string;
    readonly schema: string;
    /** Where the client's warnings go (audit logging off, a listing that repeated itself). */
    readonly #logger: ClientLogger;
    #client: ClientSource;
    /** This provider instance as the engine named it in Configure: where the component's records go. */
    #self: ProviderReference;
    /** The component's listings, each handed to its checkpoint's record (one process is one engine operation). */
    readonly #handed = new HandedListings();

    constructor(version: string, log?: EngineLog) {
        this.version = version;
        this.schema = JSON.stringify(packageSchema(version));
        this.#logger = { debug: () => undefined, ...(log ? { warn: (message: string) => log.warn(message) } : {}) };
        this.#client = configuredClient(() => undefined, PLUGIN_CONFIG_KEYS, this.#logger);
    }

    /**
     * The engine's Configure: the default provider's stack config, or an explicit provider's arguments. Missing
     * settings fall back to the environment when the client is first needed.
     */
    configure(settings: PluginSettings, self?: ProviderReference): void {
        this.#self = self;
        const byKey: Record<string, unknown> = { [PLUGIN_CONFIG_KEYS.adminKey]: settings.adminKey, [PLUGIN_CONFIG_KEYS.baseUrl]: settings.baseUrl };
        this.#client = configuredClient(
            (key) => {
                const value = byKey[key];
                return typeof value === "string" && !isUnknown(value) ? value : undefined;
            },
            PLUGIN_CONFIG_KEYS,
            this.#logger,
        );
    }

    async invoke(token: string, inputs: unknown): Promise<provider.InvokeResult> {
        const fn = functions[token];
        if (!fn) throw new Error(`unknown function ${token}`);
        const args = unwrapSecrets(inputs);
        return withSecretsRedacted(args, async () => {
            let read;
            try {
                read = fn.prepare(args.values);
            } catch (error) {
                if (error instanceof InvalidArgumentError) return { failures: redactFailures([checkFailure(error)], args) };
                throw error;
            }
            return { outputs: await read(await this.#client()) };
        });
    }

    async construct(name: string, type: string, inputs: pulumi.Inputs, options: pulumi.ComponentResourceOptions): Promise<provider.ConstructResult> {
        if (type !== sharedCheckpointRecordsType) throw new Error(`unknown component type ${type}`);
        const component = new SharedCheckpointRecordsComponent(this.#recording(), name, inputs, options);
        const { checkpointIds, checkpoints, auditLogging } = component;
        return { urn: component.urn, state: { checkpointIds, checkpoints, auditLogging } };
    }

    /**
     * How the component reads with this provider's client, and records with the plugin's record, on this provider
     * instance: the engine sends a Construct no reference to the provider constructing, and a record left to the
     * default provider would start another plugin process (a program that names no version constructs on
     * `default`, a record that names one runs on `default_<version>`), where the run's listings and audit-log
     * events are not. Without a reference (an engine that does not say), the record names this plugin's version.
     */
    #recording(): RecordingSurface {
        const placement: pulumi.CustomResourceOptions =
            this.#self === undefined ? { version: this.version } : { provider: new pulumi.DependencyProviderResource(this.#self) };
        const client = this.#client;
        const handed = this.#handed;
        return {
            async discover(include, parent, attribution) {
                const query = checkSharedCheckpointsQuery({ include });
                const read = await client();
                return readSharedCheckpoints(read, query, (level, message) => void pulumi.log[level](message, parent), handed.keeping(read), { attribution });
            },
            record: (name, { checkpoint, attribution }, opts) =>
                // Only what the schema declares: `attribution` absent, not false, as a YAML record would send it.
                new PluginRecord(name, { checkpoint, ...(attribution === false ? {} : { attribution }) }, { ...opts, ...placement }),
        };
    }

    async check(urn: string, olds: unknown, news: unknown): Promise<provider.CheckResult> {
        const { operations, declared } = this.resource(urn);
        const args = unwrapSecrets(news);
        return withSecretsRedacted(args, async () => {
            const { inputs, failures } = await operations.check(unwrapSecrets(olds).values, args.values, this.#client, this.#listerFor(urn));
            // A failed check's inputs are not used by the engine, but still have the schema's shape: less what failed.
            const answered = failures.length === 0 ? inputs : withoutFailed(inputs, failures);
            return { inputs: wrapSecrets(declared(answered, "inputs"), args.secretKeys), failures: redactFailures(failures, args) };
        });
    }

    /** A record the component registered takes the listing its discovery read; any other resource lists for itself. */
    #listerFor(urn: string): PermissionLister | undefined {
        if (!isChildOf(urn, sharedCheckpointRecordsType)) return undefined;
        return async (checkpoint, progress) => {
            const kept = this.#handed.take(checkpoint);
            // A kept listing that failed is listed again, as a record outside the component would.
            const listing = kept === undefined ? undefined : await kept.catch(() => undefined);
            return listing ?? listPermissions(await this.#client(), checkpoint, progress);
        };
    }

    async diff(id: string, urn: string, olds: unknown, news: unknown): Promise<provider.DiffResult> {
        const resource = this.resource(urn);
        const diff = resource.operations.diff(unwrapSecrets(olds).values, unwrapSecrets(news).values);
        // A change in place left unknown: the engine then diffs the inputs itself and shows only the properties that
        // changed. Said as a change, the engine shows every property (this SDK's answer cannot name them).
        return resource.engineFindsChanges && diff.changes && diff.replaces.length === 0 ? { replaces: [] } : diff;
    }

    async create(urn: string, inputs: unknown): Promise<provider.CreateResult> {
        const resource = this.resource(urn);
        const args = unwrapSecrets(inputs);
        return withSecretsRedacted(args, async () => {
            const outputs = await resource.operations.create(args.values, this.#client).catch((error: unknown) => {
                throw partialFailure(error, (done) => resource.id(done), (done) => wrapSecrets(resource.declared(done, "outputs"), args.secretKeys));
            });
            return { id: resource.id(outputs), outs: wrapSecrets(resource.declared(outputs, "outputs"), args.secretKeys) };
        });
    }

    /** Refresh, and `pulumi import` (an id and no properties). An empty result means the resource is gone. */
    async read(id: string, urn: string, props?: unknown): Promise<provider.ReadResult> {
        const resource = this.resource(urn);
        const state = unwrapSecrets(props ?? {});
        return withSecretsRedacted(state, async () => {
            const known = Object.keys(state.values).length > 0 ? state.values : resource.fromId(id);
            const live = await resource.operations.read(known, this.#client);
            if (!live) return {};
            return {
                id: resource.id(live.outputs),
                props: wrapSecrets(resource.declared(live.outputs, "outputs"), state.secretKeys),
                inputs: wrapSecrets(resource.declared(live.inputs, "inputs"), state.secretKeys),
            };
        });
    }

    async update(id: string, urn: string, olds: unknown, news: unknown): Promise<provider.UpdateResult> {
        const resource = this.resource(urn);
        const args = unwrapSecrets(news);
        return withSecretsRedacted(args, async () => {
            const outputs = await resource.operations.update(unwrapSecrets(olds).values, args.values, this.#client).catch((error: unknown) => {
                throw partialFailure(error, () => id, (done) => wrapSecrets(resource.declared(done, "outputs"), args.secretKeys));
            });
            return { outs: wrapSecrets(resource.declared(outputs, "outputs"), args.secretKeys) };
        });
    }

    async delete(id: string, urn: string, props: unknown): Promise<void> {
        const { operations } = this.resource(urn);
        const state = unwrapSecrets(props);
        return withSecretsRedacted(state, () => operations.delete(state.values, this.#client));
    }

    /** The resource a URN names, with what the schema declares of it. */
    private resource(urn: string) {
        const type = urnType(urn);
        const resource = resources[type];
        if (!resource) throw new Error(`unknown resource type ${type} (${urn})`);
        const properties = declaredProperties(type);
        return {
            ...resource,
            /** Only what the schema declares: each SDK decodes the answer by that declaration. */
            declared(values: object, part: "inputs" | "outputs"): Record<string, unknown> {
                return Object.fromEntries(Object.entries(values).filter(([key]) => properties[part].has(key)));
            },
        };
    }
}

/** The plugin's record, registered from a component: the engine sends it to this package's provider. */
class PluginRecord extends pulumi.CustomResource {
    constructor(name: string, args: { checkpoint: string; attribution?: pulumi.Input<boolean> }, opts: pulumi.CustomResourceOptions) {
        super(pluginCheckpointPermissionsType, name, args, opts);
    }
}

/**
 * A failed check's inputs less the properties that failed: the engine reports the failures and uses none of the
 * inputs, but the answer still has the schema's shape (a value of another type would not).
 */
function withoutFailed(inputs: object, failures: readonly CheckFailure[]): Record<string, unknown> {
    const failed = new Set(failures.map(({ property }) => /^[^.[\s]*/.exec(property)![0]));
    return Object.fromEntries(Object.entries(inputs).filter(([key]) => !failed.has(key)));
}

/**
 * A create or update that did part of its work: the error the provider protocol lets carry the state of what was
 * done (`ErrorResourceInitFailed`: the SDK's server sends an error's `id`, `properties` and `reasons` as one), so the
 * engine records it and the next `up` finishes. Any other error as it is.
 */
function partialFailure(error: unknown, id: (outputs: object) => string, properties: (outputs: object) => Record<string, unknown>): unknown {
    if (!(error instanceof PartialStateError)) return error;
    return Object.assign(error, { id: id(error.outputs), properties: properties(error.outputs), reasons: [error.message] });
}

/** Runs one call of the engine's; an error it throws repeats none of the call's secrets. */
async function withSecretsRedacted<T>({ secretTexts }: Unwrapped, call: () => Promise<T>): Promise<T> {
    try {
        return await call();
    } catch (error) {
        if (secretTexts.length > 0 && error instanceof Error) {
            error.message = redactSecrets(error.message, secretTexts);
            error.stack = error.stack === undefined ? undefined : redactSecrets(error.stack, secretTexts);
        }
        throw error;
    }
}

function redactFailures(failures: readonly CheckFailure[], { secretTexts }: Unwrapped): CheckFailure[] {
    return failures.map(({ property, reason }) => ({ property, reason: redactSecrets(reason, secretTexts) }));
}

/** `<checkpoint>/<permission id>`: permission ids have no `/`, so the last one splits them. */
export function parseGrantId(id: string): { checkpoint: string; permissionId: string } {
    const slash = id.lastIndexOf("/");
    if (slash <= 0 || slash === id.length - 1) {
        throw new InvalidArgumentError("id", id, "must be `<checkpoint>/<permission id>`, e.g. `ft:gpt-4o-mini-2024-07-18:acme::AbC123/cp_…`");
    }
    return { checkpoint: id.slice(0, slash), permissionId: id.slice(slash + 1) };
}
