/**
 * A provider's client, made on first use from the settings its `configure` was given (else the environment), so
 * a provider that is configured but never calls the API needs no key. The key lives only in the process's memory;
 * it is never returned, logged or written to state.
 *
 * The plugin keeps one per provider instance (two explicit providers, two organizations); the dynamic provider
 * process has one, through {@link configureClient} and {@link providerClient}.
 */
import { CheckpointPermissionsClient } from "../client";
import { resolveClientOptions, type ConfigKeys, type ConfigLookup } from "./settings";

export class ConfiguredClient {
    #client: CheckpointPermissionsClient | undefined;

    constructor(
        private readonly config: ConfigLookup = () => undefined,
        private readonly keys?: ConfigKeys,
    ) {}

    /** The client; throws the missing-key error (which says how to set it) when there is no key anywhere. */
    get(): CheckpointPermissionsClient {
        this.#client ??= new CheckpointPermissionsClient(resolveClientOptions(this.config, process.env, this.keys));
        return this.#client;
    }
}

let processClient = new ConfiguredClient();

/** Called by the engine (through the dynamic provider's `configure`) before any other method. */
export function configureClient(lookup: ConfigLookup): void {
    processClient = new ConfiguredClient(lookup);
}

/** The dynamic provider process's client. */
export function providerClient(): CheckpointPermissionsClient {
    return processClient.get();
}
