/**
 * The provider process's one client: configured once from the stack config that the engine hands the
 * dynamic provider's `configure` hook, else from the environment. The key lives only in this process's
 * memory; it is never returned, logged or written to state.
 */
import { CheckpointPermissionsClient } from "../client";
import { resolveClientOptions, type ConfigLookup } from "./settings";

let config: ConfigLookup = () => undefined;
let client: CheckpointPermissionsClient | undefined;

/** Called by the engine (through the dynamic provider's `configure`) before any other method. */
export function configureClient(lookup: ConfigLookup): void {
    config = lookup;
    client = undefined;
}

export function providerClient(): CheckpointPermissionsClient {
    client ??= new CheckpointPermissionsClient(resolveClientOptions(config));
    return client;
}
