/**
 * `getCheckpointPermissions`: reads a checkpoint's permissions during `pulumi preview` and `pulumi up`,
 * shaped like the functions Pulumi's code generator writes.
 *
 * Dynamic providers cannot serve invokes, so the read happens in the program process, over the same
 * client the provider uses. Identical calls in one program run share one listing; the next run lists again
 * (./program-run.ts).
 */
import * as pulumi from "@pulumi/pulumi";
import type { CheckpointPermissionsClient } from "../client";
import type { PermissionOrder } from "../api/types";
import {
    checkPermissionsQuery,
    readCheckpointPermissions,
    type GetCheckpointPermissionsArgs,
    type GetCheckpointPermissionsResult,
    type PermissionLister,
    type PermissionsQuery,
} from "../resources/listing";
import { clientForProgram } from "./program-client";
import { programLister } from "./program-listings";
import { programFailure, settledFailure } from "./program-errors";
import { perProgramRun } from "./program-run";

export type { GetCheckpointPermissionsArgs, GetCheckpointPermissionsResult };

/** Arguments for {@link getCheckpointPermissionsOutput}: the same, as Inputs. */
export interface GetCheckpointPermissionsOutputArgs {
    checkpoint: pulumi.Input<string>;
    projectId?: pulumi.Input<string>;
    order?: pulumi.Input<PermissionOrder>;
    attribution?: pulumi.Input<boolean>;
}

/** Listings of this program run, by request; a failed read is forgotten so a later call tries again. */
const programListings = perProgramRun(() => new Map<string, Promise<GetCheckpointPermissionsResult>>());

/**
 * Reads a checkpoint's permissions.
 *
 * ```ts
 * const shared = await getCheckpointPermissions({ checkpoint: "ft:gpt-4o-mini-2024-07-18:acme::AbC123" });
 * ```
 */
export function getCheckpointPermissions(args: GetCheckpointPermissionsArgs, opts?: pulumi.InvokeOptions): Promise<GetCheckpointPermissionsResult> {
    return readPermissions(args, opts, { shareListing: true });
}

function readPermissions(
    args: GetCheckpointPermissionsArgs,
    opts: pulumi.InvokeOptions | undefined,
    { shareListing }: { shareListing: boolean },
): Promise<GetCheckpointPermissionsResult> {
    let request: PermissionsQuery;
    let client: CheckpointPermissionsClient;
    try {
        request = checkPermissionsQuery(args);
    } catch (error) {
        return Promise.reject(programFailure(error, undefined));
    }
    try {
        client = clientForProgram();
    } catch (error) {
        // No key: the same failure for every read of the run.
        return Promise.reject(settledFailure(undefined) ?? programFailure(error, undefined));
    }
    const settled = settledFailure(client.baseUrl, request.checkpoint);
    if (settled) return Promise.reject(settled);
    if (!shareListing) return list(client, request, opts?.parent, undefined);
    const key = JSON.stringify([client.baseUrl, request.checkpoint, request.projectId ?? null, request.order, request.attribution]);
    const listings = programListings();
    let listing = listings.get(key);
    if (!listing) {
        listing = list(client, request, opts?.parent, programLister(client));
        listings.set(key, listing);
        listing.catch(() => listings.delete(key));
    }
    return listing;
}

/**
 * Reads a checkpoint's permissions from Inputs. During a preview an unknown input gives an unknown
 * result; a secret input gives a secret result; `dependsOn` resources are ready before the read, which
 * is then a fresh one (a listing taken earlier in the run would predate them).
 */
export function getCheckpointPermissionsOutput(
    args: GetCheckpointPermissionsOutputArgs,
    opts?: pulumi.InvokeOutputOptions,
): pulumi.Output<GetCheckpointPermissionsResult> {
    // Plain arguments and nothing to wait for (every record without grants in its dependsOn): read at once, without
    // the Outputs that waiting takes (a stack of many records pays for each).
    if (isPlain(args) && !hasDependencies(opts?.dependsOn)) return pulumi.output(readPermissions(args, opts, { shareListing: true }));
    return pulumi
        .all([pulumi.output(args), dependenciesReady(opts?.dependsOn)])
        .apply(([plain]) => readPermissions(plain as GetCheckpointPermissionsArgs, opts, { shareListing: !hasDependencies(opts?.dependsOn) }));
}

/** Reads with the run's whole listing of the checkpoint where `lister` is given (a read that waited lists afresh). */
function list(client: CheckpointPermissionsClient, request: PermissionsQuery, parent: pulumi.Resource | undefined, lister: PermissionLister | undefined): Promise<GetCheckpointPermissionsResult> {
    return readCheckpointPermissions(client, request, (level, message) => void pulumi.log[level](message, parent), lister).catch((error: unknown) => {
        throw programFailure(error, client.baseUrl, request.checkpoint);
    });
}

function isPlain(args: GetCheckpointPermissionsOutputArgs): args is GetCheckpointPermissionsArgs {
    return Object.values(args).every((value) => value === undefined || typeof value === "string" || typeof value === "boolean");
}

function hasDependencies(dependsOn: unknown): boolean {
    return dependsOn !== undefined && dependsOn !== null && !(Array.isArray(dependsOn) && dependsOn.length === 0);
}

/**
 * Resolves once every `dependsOn` resource is ready: a custom resource when it has an id, a component
 * when it has a URN. Unwrapped by hand: `pulumi.output()` would turn a resource into a plain object.
 */
function dependenciesReady(dependsOn: unknown): pulumi.Output<unknown> {
    if (dependsOn === undefined || dependsOn === null) return pulumi.output(undefined);
    if (Array.isArray(dependsOn)) return pulumi.all(dependsOn.map(dependenciesReady));
    if (pulumi.CustomResource.isInstance(dependsOn)) return dependsOn.id;
    if (pulumi.Resource.isInstance(dependsOn)) return dependsOn.urn;
    if (pulumi.Output.isInstance(dependsOn)) return (dependsOn as pulumi.Output<unknown>).apply(dependenciesReady);
    return pulumi.output(Promise.resolve(dependsOn).then(dependenciesReady));
}
