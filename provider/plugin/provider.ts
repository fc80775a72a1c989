/**
 * The native provider: an `@pulumi/pulumi/provider` Provider for package `openai-checkpoints`. It only translates:
 * the engine's calls into the operations of ../resources (the same ones the dynamic provider runs), and their
 * results back into the engine's shapes.
 *
 * One object per provider instance, with its own client: two explicit providers are two organizations.
 *
 * Ids: a grant is `<checkpoint>/<permission id>` (what `pulumi import` takes); a record is its checkpoint.
 */
import type * as provider from "@pulumi/pulumi/provider";
import { InvalidArgumentError } from "../client/errors";
import { checkCheckpoint } from "../client/arguments";
import { ConfiguredClient } from "../resources/client";
import { checkFailure, checkFailures } from "../resources/check";
import { checkGrant, createGrant, deleteGrant, diffGrant, importGrant, readGrant } from "../resources/grant";
import { checkPermissionsQuery, readCheckpointPermissions } from "../resources/listing";
import { checkObserved, diffObserved, readObserved, recordObserved } from "../resources/observed";
import { type GrantInputs, type GrantState, type ObservedPermissionsInputs, type ObservedPermissionsState, type ProjectSet } from "../resources/types";
import { isUnknown, UNKNOWN_STRING } from "../resources/unknowns";
import { GET_PERMISSIONS_TOKEN, GRANT_TOKEN, PLUGIN_CONFIG_KEYS, RECORD_TOKEN, packageSchema } from "./schema";
import { unwrapSecrets, urnType, wrapSecrets } from "./wire";

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
        let query;
        try {
            query = checkPermissionsQuery(unwrapSecrets(inputs).values);
        } catch (error) {
            if (error instanceof InvalidArgumentError) return { failures: [checkFailure(error)] };
            throw error;
        }
        return { outputs: await readCheckpointPermissions(this.#client.get(), query) };
    }

    async check(urn: string, olds: unknown, news: unknown): Promise<provider.CheckResult> {
        const { values, secretKeys } = unwrapSecrets(news);
        switch (resourceType(urn)) {
            case GRANT_TOKEN: {
                const { inputs, failures } = checkGrant(grantArgs(values));
                return { inputs: wrapSecrets(inputs, secretKeys), failures };
            }
            case RECORD_TOKEN: {
                const { inputs, failures } = await this.checkRecord(unwrapSecrets(olds).values, values);
                return { inputs: wrapSecrets(inputs, secretKeys), failures };
            }
        }
    }

    async diff(id: string, urn: string, olds: unknown, news: unknown): Promise<provider.DiffResult> {
        const [old, next] = [unwrapSecrets(olds).values, unwrapSecrets(news).values];
        switch (resourceType(urn)) {
            case GRANT_TOKEN:
                return diffGrant(grantArgs(old), grantArgs(next));
            case RECORD_TOKEN:
                return diffObserved(old, next as unknown as ObservedPermissionsInputs);
        }
    }

    async create(urn: string, inputs: unknown): Promise<provider.CreateResult> {
        const { values, secretKeys } = unwrapSecrets(inputs);
        switch (resourceType(urn)) {
            case GRANT_TOKEN: {
                const state = await createGrant(this.#client.get(), grantArgs(values));
                return { id: grantId(state), outs: wrapSecrets(state, secretKeys) };
            }
            case RECORD_TOKEN: {
                const recorded = values as unknown as ObservedPermissionsInputs;
                return { id: recorded.checkpoint, outs: wrapSecrets(recordOutputs(recorded), secretKeys) };
            }
        }
    }

    /** Refresh, and `pulumi import` (an id and no properties). An empty result means the resource is gone. */
    async read(id: string, urn: string, props?: unknown): Promise<provider.ReadResult> {
        const { values, secretKeys } = unwrapSecrets(props ?? {});
        switch (resourceType(urn)) {
            case GRANT_TOKEN: {
                const state = await this.readGrant(id, values);
                if (!state) return {};
                const inputs: GrantInputs = { checkpoint: state.checkpoint, projectId: state.projectId };
                return { id: grantId(state), props: wrapSecrets(state, secretKeys), inputs: wrapSecrets(inputs, secretKeys) };
            }
            case RECORD_TOKEN: {
                const checkpoint = typeof values["checkpoint"] === "string" ? values["checkpoint"] : id;
                const managed = projectSet(values["managedProjects"]);
                const live = await readObserved(this.#client.get(), checkpoint, typeof managed === "string" ? {} : managed);
                if (!live) return {};
                return { id, props: wrapSecrets(recordOutputs(live.inputs), secretKeys), inputs: wrapSecrets(live.inputs, secretKeys) };
            }
        }
    }

    /** Nothing to update in place: every grant input replaces it, and a record's outputs follow its inputs. */
    async update(id: string, urn: string, olds: unknown, news: unknown): Promise<provider.UpdateResult> {
        const { values, secretKeys } = unwrapSecrets(news);
        switch (resourceType(urn)) {
            case GRANT_TOKEN:
                return { outs: wrapSecrets({ ...unwrapSecrets(olds).values, ...values }, secretKeys) };
            case RECORD_TOKEN:
                return { outs: wrapSecrets(recordOutputs(values as unknown as ObservedPermissionsInputs), secretKeys) };
        }
    }

    async delete(id: string, urn: string, props: unknown): Promise<void> {
        const { values } = unwrapSecrets(props);
        switch (resourceType(urn)) {
            case GRANT_TOKEN: {
                const { checkpoint, permissionId } = values as unknown as GrantState;
                return deleteGrant(this.#client.get(), checkpoint, permissionId);
            }
            case RECORD_TOKEN:
                return; // forgetting a record revokes nothing
        }
    }

    /**
     * A record's inputs from the program (`checkpoint`, `managedProjects` as a list) plus the live listing, read
     * now: what the dynamic surface reads while its program runs, the plugin reads here, so a YAML program needs
     * to give only the checkpoint. Not known yet (preview): the listing is unknown too.
     */
    private async checkRecord(olds: Record<string, unknown>, news: Record<string, unknown>) {
        const checkpoint = news["checkpoint"];
        const managedProjects = projectSet(news["managedProjects"]);
        const checked = checkFailures({ checkpoint }, [["checkpoint", checkCheckpoint]]);
        if (checked.failures.length > 0 || isUnknown(checkpoint) || isUnknown(managedProjects)) {
            return { inputs: { checkpoint, access: UNKNOWN_STRING, managedProjects }, failures: checked.failures };
        }
        // The same live read as refresh's: a checkpoint that is gone (or not visible to this key) has no record.
        const live = await readObserved(this.#client.get(), checkpoint as string, managedProjects as ProjectSet);
        if (!live) {
            return { inputs: news, failures: [{ property: "checkpoint", reason: `${String(checkpoint)} was not found with this provider's key` }] };
        }
        const { inputs, failures } = checkObserved(olds, live.inputs);
        return { inputs, failures };
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
 * A record's outputs on this surface: the shared ones, with the access text always. A YAML, Python or Go program
 * has no listing of its own to derive it from (the dynamic resource's class does), so the plugin pays for the
 * second copy in state to give programs the typed `access` output.
 */
function recordOutputs(inputs: ObservedPermissionsInputs): ObservedPermissionsState {
    return { ...recordObserved(inputs), access: inputs.access };
}

function resourceType(urn: string): typeof GRANT_TOKEN | typeof RECORD_TOKEN {
    const type = urnType(urn);
    if (type === GRANT_TOKEN || type === RECORD_TOKEN) return type;
    throw new Error(`unknown resource type ${type} (${urn})`);
}

function grantArgs(values: Record<string, unknown>): GrantInputs {
    return { checkpoint: values["checkpoint"] as string, projectId: values["projectId"] as string };
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

/** `managedProjects` as the program gives it (a list of project ids) or as recorded (a set), as a set. */
function projectSet(value: unknown): ProjectSet | string {
    if (isUnknown(value)) return value as string;
    if (value === undefined || value === null) return {};
    if (Array.isArray(value)) {
        if (value.some(isUnknown)) return UNKNOWN_STRING;
        return Object.fromEntries(value.map((projectId) => [String(projectId), true as const]));
    }
    return value as ProjectSet;
}
