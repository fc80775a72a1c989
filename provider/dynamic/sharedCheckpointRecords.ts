/**
 * `SharedCheckpointRecords` for TypeScript programs: every checkpoint the organization shares, each recorded as a
 * `CheckpointPermissions` (../components/shared-checkpoint-records.ts), read with the program's client.
 *
 * ```ts
 * const organization = new SharedCheckpointRecords("acme", { attribution: true });
 * export const shared = organization.checkpointIds;
 * ```
 */
import * as pulumi from "@pulumi/pulumi";
import { InvalidArgumentError } from "../client/errors";
import { SharedCheckpointRecordsComponent, type RecordingSurface, type SharedCheckpointRecordsArgs } from "../components/shared-checkpoint-records";
import { CheckpointPermissions } from "./checkpointPermissions";
import { discoverInProgram } from "./getSharedCheckpoints";

export type { SharedCheckpointRecordsArgs };

const dynamicRecording: RecordingSurface = {
    discover: (include, parent, attribution) => discoverInProgram({ include }, parent, { attribution }),
    record: (name, args, opts) => new CheckpointPermissions(name, args, opts),
};

/** The package whose explicit provider would say which organization to read: the plugin's. */
const PLUGIN_PACKAGE = "openai-checkpoints";

export class SharedCheckpointRecords extends SharedCheckpointRecordsComponent {
    /**
     * Reads and records with the stack's `openai:` config: one organization per stack, as every dynamic resource of
     * this package. An explicit provider of the plugin (`provider`, or in `providers`) is refused rather than
     * half-honoured: the records, dynamic resources, could not use it, and would read another organization than
     * the one the option names.
     */
    constructor(name: string, args: SharedCheckpointRecordsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        const explicit = pluginProvider(opts);
        if (explicit !== undefined) {
            throw new InvalidArgumentError(
                explicit,
                "<the openai-checkpoints provider>",
                "the TypeScript SharedCheckpointRecords reads the organization of the stack's openai:adminKey and openai:baseUrl config, one per stack; " +
                    "to audit another organization, use the plugin's SharedCheckpointRecords with an explicit provider (README: Native provider plugin), or a stack of its own",
            );
        }
        super(dynamicRecording, name, args, opts);
    }
}

/** Which option names a provider of the plugin's package, if one does. */
function pluginProvider(opts: pulumi.ComponentResourceOptions | undefined): string | undefined {
    if (opts?.provider !== undefined) return "opts.provider";
    const { providers } = opts ?? {};
    if (providers === undefined) return undefined;
    const named = Array.isArray(providers) ? providers.some((p) => packageOf(p) === PLUGIN_PACKAGE) : Object.hasOwn(providers, PLUGIN_PACKAGE);
    return named ? "opts.providers" : undefined;
}

function packageOf(provider: pulumi.ProviderResource): string | undefined {
    return (provider as unknown as { getPackage?: () => string }).getPackage?.();
}
