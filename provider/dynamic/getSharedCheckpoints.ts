/**
 * `getSharedCheckpoints`: every checkpoint the organization shares, found from its audit log and confirmed live
 * (../resources/discovery.ts), read in the program during preview and update alike, as `getCheckpointPermissions` is.
 * Record each one (`CheckpointPermissions`) and the pack polices the whole organization.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    checkSharedCheckpointsQuery,
    readSharedCheckpoints,
    type DiscoveryOptions,
    type GetSharedCheckpointsArgs,
    type GetSharedCheckpointsResult,
} from "../resources/discovery";
import { clientForProgram } from "./program-client";
import { programLister } from "./program-listings";
import { programFailure } from "./program-errors";

export type { GetSharedCheckpointsArgs, GetSharedCheckpointsResult };

/** Arguments for {@link getSharedCheckpointsOutput}: the same, as Inputs. */
export interface GetSharedCheckpointsOutputArgs {
    include?: pulumi.Input<pulumi.Input<string>[]>;
}

/**
 * Every checkpoint the organization shares: those the audit log names, and `include`, each confirmed by its live
 * listing.
 *
 * ```ts
 * const { checkpointIds } = await getSharedCheckpoints();
 * ```
 */
export function getSharedCheckpoints(args: GetSharedCheckpointsArgs = {}, opts?: pulumi.InvokeOptions): Promise<GetSharedCheckpointsResult> {
    return discoverInProgram(args, opts?.parent, {});
}

/**
 * The read behind `getSharedCheckpoints` and the component's: with the run's client, its listings shared with the
 * run's later reads of each checkpoint (./program-listings.ts), and, for records that attribute, its events too.
 * @internal The component's (./sharedCheckpointRecords.ts).
 */
export async function discoverInProgram(args: GetSharedCheckpointsArgs, parent: pulumi.Resource | undefined, options: DiscoveryOptions): Promise<GetSharedCheckpointsResult> {
    let client;
    try {
        const query = checkSharedCheckpointsQuery(args);
        client = clientForProgram();
        return await readSharedCheckpoints(client, query, (level, message) => void pulumi.log[level](message, parent), programLister(client), options);
    } catch (error) {
        throw programFailure(error, client?.baseUrl);
    }
}

/** The same from Inputs: unknown during a preview if its inputs are. */
export function getSharedCheckpointsOutput(args: GetSharedCheckpointsOutputArgs = {}, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetSharedCheckpointsResult> {
    return pulumi.output(args).apply((plain) => getSharedCheckpoints({ ...(plain.include === undefined ? {} : { include: plain.include }) }, opts));
}
