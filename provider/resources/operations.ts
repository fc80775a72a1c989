/**
 * The shape of a resource's operations, defined once per resource (./grant.ts, ./record.ts) over plain values and a
 * client, and run by both surfaces. A surface maps the engine's calls onto them and translates only its wire format:
 * secrets, ids, unknowns and what its diff answer means to the engine.
 *
 * `args` and `olds` come from the engine as they are (any values, or none): checking them is the point.
 */
import type { CheckpointPermissionsClient } from "../client";
import type { CheckResult } from "./check";
import type { PermissionLister } from "./listing";

/**
 * The client, on first use: a check or a diff (all a preview with no changes runs) rarely needs one, and the HTTP
 * client's modules take a tenth of a second to load.
 */
export type ClientSource = () => Promise<CheckpointPermissionsClient>;

/** Any values, by the keys of `T`: what the engine hands over before a check. */
export type Unchecked<T> = { readonly [K in keyof T]?: unknown };

/**
 * What a change of inputs means for a resource. A surface may leave a change in place for the engine to find in the
 * inputs (so its display names only what changed); then inputs that read the same are no change, which a resource
 * that says `changes` must rule out (./access.ts `unlikeLast`).
 */
export interface ResourceDiff {
    readonly changes: boolean;
    /** The inputs whose change makes it another resource: non-empty means replace. */
    readonly replaces: string[];
}

/** A resource as it is live, or as it was created: the inputs that describe it and the outputs to keep. */
export interface ResourceState<Inputs, Outputs> {
    readonly inputs: Inputs;
    readonly outputs: Outputs;
}

export interface ResourceOperations<Args, Inputs, Outputs> {
    /**
     * Checks what a program gives against the inputs last recorded (`{}` for a new resource), naming bad values.
     * `lister`: where a check that reads a checkpoint's listing gets it, when the surface has one of this run to
     * hand on (the plugin's component, ./handed-listings.ts); by default the client lists.
     */
    check(olds: Unchecked<Inputs>, args: Unchecked<Args>, client: ClientSource, lister?: PermissionLister): Promise<CheckResult<Inputs>>;
    /** `olds` are the outputs last recorded: the engine hands a diff those, not the old inputs. */
    diff(olds: Unchecked<Outputs>, news: Unchecked<Inputs>): ResourceDiff;
    create(inputs: Inputs, client: ClientSource): Promise<Outputs>;
    /**
     * Refresh (the outputs last recorded), or import (only what the surface's id holds). `undefined`: the resource
     * is gone, and the surface drops it from state.
     */
    read(known: Unchecked<Outputs>, client: ClientSource): Promise<ResourceState<Inputs, Outputs> | undefined>;
    update(olds: Outputs, news: Inputs, client: ClientSource): Promise<Outputs>;
    delete(olds: Outputs, client: ClientSource): Promise<void>;
}

/**
 * A create or update that did part of its work, then failed: `outputs` are what was done, which each surface records
 * as the resource's state (the engine's partial failure), so the next `up` finishes the work and nothing done is
 * forgotten.
 */
export class PartialStateError<Outputs extends object = object> extends Error {
    readonly outputs: Outputs;
    // `{ cause }`, not the ES2022 lib's `ErrorOptions`: the declarations are read by users' tsconfigs, whose lib may be older.
    constructor(message: string, outputs: Outputs, options?: { cause?: unknown }) {
        super(message, options);
        this.name = "PartialStateError";
        this.outputs = outputs;
    }
}
