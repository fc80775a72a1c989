/**
 * The native provider: an `@pulumi/pulumi/provider` Provider for package `openai-checkpoints`. It only translates:
 * the engine's calls into the operations of ../resources (the same ones the dynamic provider runs), and their
 * results back into the engine's shapes.
 *
 * One object per provider instance, with its own client: two explicit providers are two organizations.
 *
 * Ids: a grant is `<checkpoint>/<permission id>` (what `pulumi import` takes); a record is its checkpoint.
 *
 * Every answer has the shape the package schema declares (./schema.ts; test/support/schema-conformance.ts checks
 * it), because each SDK decodes it by that declaration: no absent value sent as a key, no property the schema does
 * not name. A value that came secret goes back secret, and no message repeats it.
 */
import type * as provider from "@pulumi/pulumi/provider";
import { InvalidArgumentError } from "../client/errors";
import { checkCheckpoint, checkPermissionId, checkProjectId } from "../client/arguments";
import { ConfiguredClient } from "../resources/client";
import { checkFailure, type CheckFailure } from "../resources/check";
import { checkGrant, createGrant, deleteGrant, diffGrant, importGrant, readGrant } from "../resources/grant";
import { checkPermissionsQuery, readCheckpointPermissions } from "../resources/listing";
import { checkObserved, checkRecordArgs, diffObserved, isKnownList, readObserved } from "../resources/observed";
import type { GrantInputs, GrantState, ObservedPermissionsInputs } from "../resources/types";
import { isUnknown, UNKNOWN_STRING } from "../resources/unknowns";
import { GET_PERMISSIONS_TOKEN, GRANT_TOKEN, PLUGIN_CONFIG_KEYS, RECORD_TOKEN, packageSchema } from "./schema";
import { redactSecrets, unwrapSecrets, urnType, wrapSecrets, type Unwrapped } from "./wire";

/** The provider's settings as the engine configures them (secrets already unwrapped). */
export interface PluginSettings {
    readonly adminKey?: unknown;
    readonly baseUrl?: unknown;
}

export class CheckpointPermissionsProvider implements provider.Provider {
    readonly version: string;
    readonly schema: string;
    #client = new ConfiguredClient(() => undefined, PLUGIN_CONFIG_KEYS);

    constructor(version: string) {
        this.version = version;
        this.schema = JSON.stringify(packageSchema(version));
    }

    /**
     * The engine's Configure: the default provider's stack config, or an explicit provider's arguments. Missing
     * settings fall back to the environment when the client is first needed.
     */
    configure(settings: PluginSettings): void {
        const byKey: Record<string, unknown> = { [PLUGIN_CONFIG_KEYS.adminKey]: settings.adminKey, [PLUGIN_CONFIG_KEYS.baseUrl]: settings.baseUrl };
        this.#client = new ConfiguredClient((key) => {
            const value = byKey[key];
            return typeof value === "string" && !isUnknown(value) ? value : undefined;
        }, PLUGIN_CONFIG_KEYS);
    }

    async invoke(token: string, inputs: unknown): Promise<provider.InvokeResult> {
        if (token !== GET_PERMISSIONS_TOKEN) throw new Error(`unknown function ${token}`);
        const args = unwrapSecrets(inputs);
        return withSecretsRedacted(args, async () => {
            let query;
            try {
                query = checkPermissionsQuery(args.values);
            } catch (error) {
                if (error instanceof InvalidArgumentError) return { failures: redactFailures([checkFailure(error)], args) };
                throw error;
            }
            return { outputs: await readCheckpointPermissions(this.#client.get(), query) };
        });
    }

    async check(urn: string, olds: unknown, news: unknown): Promise<provider.CheckResult> {
        const args = unwrapSecrets(news);
        return withSecretsRedacted(args, async () => {
            const { inputs, failures } =
                resourceType(urn) === GRANT_TOKEN ? checkGrant(grantArgs(args.values)) : await this.checkRecord(unwrapSecrets(olds).values, args.values);
            return { inputs: wrapSecrets(withoutFailed(inputs, failures), args.secretKeys), failures: redactFailures(failures, args) };
        });
    }

    async diff(id: string, urn: string, olds: unknown, news: unknown): Promise<provider.DiffResult> {
        const [old, next] = [unwrapSecrets(olds).values, unwrapSecrets(news).values];
        if (resourceType(urn) === GRANT_TOKEN) return diffGrant(old, grantArgs(next));
        return diffObserved(old, { checkpoint: next["checkpoint"], access: next["access"], managedProjects: next["managedProjects"] ?? [] });
    }

    async create(urn: string, inputs: unknown): Promise<provider.CreateResult> {
        const args = unwrapSecrets(inputs);
        return withSecretsRedacted(args, async () => {
            if (resourceType(urn) === RECORD_TOKEN) return { id: recordCheckpoint(args.values), outs: wrapSecrets(args.values, args.secretKeys) };
            const state = await createGrant(this.#client.get(), grantInputs(args.values));
            return { id: grantId(state), outs: wrapSecrets(state, args.secretKeys) };
        });
    }

    /** Refresh, and `pulumi import` (an id and no properties). An empty result means the resource is gone. */
    async read(id: string, urn: string, props?: unknown): Promise<provider.ReadResult> {
        const state = unwrapSecrets(props ?? {});
        return withSecretsRedacted(state, async () => {
            const { values, secretKeys } = state;
            if (resourceType(urn) === GRANT_TOKEN) {
                const grant = await this.readGrant(id, values);
                if (!grant) return {};
                const inputs: GrantInputs = { checkpoint: grant.checkpoint, projectId: grant.projectId };
                return { id: grantId(grant), props: wrapSecrets(grant, secretKeys), inputs: wrapSecrets(inputs, secretKeys) };
            }
            const checkpoint = typeof values["checkpoint"] === "string" ? values["checkpoint"] : id;
            // An import has no state: the program's managedProjects are taken without a change (diffObserved).
            const managedProjects = isKnownList(values["managedProjects"]) ? values["managedProjects"] : undefined;
            const live = await readObserved(this.#client.get(), checkpoint, managedProjects);
            if (!live) return {};
            const recorded = wrapSecrets(recordState(live.inputs, managedProjects !== undefined), secretKeys);
            return { id, props: recorded, inputs: recorded };
        });
    }

    /** Nothing to update in place: every grant input replaces it, and a record's outputs are its checked inputs. */
    async update(id: string, urn: string, olds: unknown, news: unknown): Promise<provider.UpdateResult> {
        const { values, secretKeys } = unwrapSecrets(news);
        if (resourceType(urn) === RECORD_TOKEN) return { outs: wrapSecrets(values, secretKeys) };
        return { outs: wrapSecrets({ ...unwrapSecrets(olds).values, ...values }, secretKeys) };
    }

    async delete(id: string, urn: string, props: unknown): Promise<void> {
        const state = unwrapSecrets(props);
        if (resourceType(urn) === RECORD_TOKEN) return; // forgetting a record revokes nothing
        return withSecretsRedacted(state, () => {
            const checkpoint = checkCheckpoint(state.values["checkpoint"], "checkpoint");
            return deleteGrant(this.#client.get(), checkpoint, checkPermissionId(state.values["permissionId"], "permissionId"));
        });
    }

    /**
     * A record's inputs from the program (`checkpoint`, `managedProjects`) plus the live listing, read now: what the
     * dynamic surface reads while its program runs, the plugin reads here, so a YAML program needs to give only the
     * checkpoint. Bad inputs fail before any request. Inputs not known yet (preview): the listing is unknown too.
     */
    private async checkRecord(olds: Record<string, unknown>, news: Record<string, unknown>): Promise<{ inputs: object; failures: CheckFailure[] }> {
        const { checkpoint, managedProjects } = news;
        const given = { checkpoint, managedProjects };
        const failures = checkRecordArgs(given);
        if (failures.length > 0) return { inputs: given, failures };
        if (typeof checkpoint !== "string" || isUnknown(checkpoint) || (managedProjects !== undefined && !isKnownList(managedProjects))) {
            return { inputs: { ...given, access: UNKNOWN_STRING }, failures };
        }
        // The same live read as refresh's: a checkpoint that is gone (or not visible to this key) has no record.
        const live = await readObserved(this.#client.get(), checkpoint, managedProjects ?? []);
        if (!live) return { inputs: given, failures: [{ property: "checkpoint", reason: `${checkpoint} was not found with this provider's key` }] };
        const checked = checkObserved(olds, live.inputs);
        return { inputs: recordState(checked.inputs, true), failures: checked.failures };
    }

    private async readGrant(id: string, props: Record<string, unknown>): Promise<GrantState | undefined> {
        const client = this.#client.get();
        const { checkpoint, projectId, permissionId, adopted } = props;
        if (typeof checkpoint === "string" && typeof projectId === "string" && typeof permissionId === "string") {
            return readGrant(client, { checkpoint, projectId }, permissionId, adopted === true);
        }
        const imported = parseGrantId(id);
        return importGrant(client, imported.checkpoint, imported.permissionId);
    }
}

/**
 * A record's state on this surface, inputs and outputs alike: what the schema declares. A YAML, Python or Go program
 * has no listing of its own to derive the access from (the dynamic resource's class does), so the plugin keeps the
 * access text as an output too. `revoking` has done its work in the check: the access it names is already left out.
 * An imported record has no managed projects until the program gives them.
 */
function recordState(inputs: ObservedPermissionsInputs, withManagedProjects: boolean): { checkpoint: string; access: string; managedProjects?: string[] } {
    const { checkpoint, access, managedProjects } = inputs;
    return withManagedProjects ? { checkpoint, access, managedProjects } : { checkpoint, access };
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

/**
 * A failed check's inputs less the properties that failed: the engine reports the failures and uses none of the
 * inputs, but the answer still has the schema's shape (a value of another type would not).
 */
function withoutFailed(inputs: object, failures: readonly CheckFailure[]): Record<string, unknown> {
    const failed = new Set(failures.map(({ property }) => /^[^.[\s]*/.exec(property)![0]));
    return Object.fromEntries(Object.entries(inputs).filter(([key]) => !failed.has(key)));
}

function redactFailures(failures: readonly CheckFailure[], { secretTexts }: Unwrapped): CheckFailure[] {
    return failures.map(({ property, reason }) => ({ property, reason: redactSecrets(reason, secretTexts) }));
}

function resourceType(urn: string): typeof GRANT_TOKEN | typeof RECORD_TOKEN {
    const type = urnType(urn);
    if (type === GRANT_TOKEN || type === RECORD_TOKEN) return type;
    throw new Error(`unknown resource type ${type} (${urn})`);
}

/** A grant's inputs as the program gave them, for its check: absent ones stay absent (the check names them). */
function grantArgs(values: Record<string, unknown>): { checkpoint?: unknown; projectId?: unknown } {
    return { checkpoint: values["checkpoint"], projectId: values["projectId"] };
}

/** A grant's checked inputs, as the engine hands them to create. */
function grantInputs(values: Record<string, unknown>): GrantInputs {
    return { checkpoint: checkCheckpoint(values["checkpoint"], "checkpoint"), projectId: checkProjectId(values["projectId"], "projectId") };
}

function recordCheckpoint(values: Record<string, unknown>): string {
    return checkCheckpoint(values["checkpoint"], "checkpoint");
}

function grantId(state: GrantState): string {
    return `${state.checkpoint}/${state.permissionId}`;
}

/** `<checkpoint>/<permission id>`: permission ids have no `/`, so the last one splits them. */
export function parseGrantId(id: string): { checkpoint: string; permissionId: string } {
    const slash = id.lastIndexOf("/");
    if (slash <= 0 || slash === id.length - 1) {
        throw new InvalidArgumentError("id", id, "must be `<checkpoint>/<permission id>`, e.g. `ft:gpt-4o-mini-2024-07-18:acme::AbC123/cp_…`");
    }
    return { checkpoint: id.slice(0, slash), permissionId: id.slice(slash + 1) };
}
