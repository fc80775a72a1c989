/**
 * What a TypeScript program keeps for one run, and never longer.
 *
 * A program's reads share work within a run: identical listings, the client (and so its attribution), failures that
 * cannot change. A process may outlive a run: Pulumi's Automation API runs inline programs in the caller's process,
 * one `up` or `preview` after another, and a cache kept in a module would serve the next run the first run's
 * listing, or its refused key after the key is fixed.
 *
 * The SDK gives no public handle on "this run", but each run talks to its own resource monitor: the SDK makes a new
 * monitor client for every run (`resetOptions`, which the Automation API calls per run inside a store of its own,
 * and `setMocks`). That client is the key; what a run keeps goes when it does. Outside any run (no engine, no mocks)
 * there is one process-wide scope.
 */
import * as pulumi from "@pulumi/pulumi";

/** The scope outside any run. */
const NO_RUN = {};

/** The current run's key: its resource monitor client. */
function currentRun(): object {
    return pulumi.runtime.getMonitor() ?? NO_RUN;
}

/**
 * A value kept for one program run: `make` builds it the first time a run asks, and each later run gets its own.
 *
 * ```ts
 * const listings = perProgramRun(() => new Map<string, Promise<Listing>>());
 * listings().get(key);
 * ```
 */
export function perProgramRun<T>(make: () => T): () => T {
    const values = new WeakMap<object, T>();
    return () => {
        const run = currentRun();
        let value = values.get(run);
        if (value === undefined) values.set(run, (value = make()));
        return value;
    };
}
