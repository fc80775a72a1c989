/**
 * `CheckpointPermissions`: a record of what was read. The listing is taken during the program run and
 * arrives as inputs, so there is nothing to create or delete in OpenAI; the provider's work is to say
 * what changed (drift shows as a diff) and to re-read live on `pulumi refresh`.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { NotFoundError } from "../client/errors";
import { checkCheckpoint } from "../client/arguments";
import { summarize, type ObservedPermissionsState } from "./types";
import { providerClient } from "./client";
import { checkFailures } from "./check";

export async function checkObserved(news: ObservedPermissionsState): Promise<dynamic.CheckResult> {
    return checkFailures(news, [["checkpoint", checkCheckpoint]]);
}

export async function diffObserved(olds: ObservedPermissionsState, news: ObservedPermissionsState): Promise<dynamic.DiffResult> {
    // Another checkpoint is another record. A listing not known yet (during preview) is a change: not a new record.
    const replaces = olds.checkpoint === news.checkpoint ? [] : ["checkpoint"];
    const changed = replaces.length > 0 || !sameJson(olds.permissions, news.permissions);
    return { changes: changed, replaces, deleteBeforeReplace: false };
}

export async function createObserved(inputs: ObservedPermissionsState): Promise<dynamic.CreateResult> {
    return { id: inputs.checkpoint, outs: recorded(inputs) };
}

export async function updateObserved(news: ObservedPermissionsState): Promise<dynamic.UpdateResult> {
    return { outs: recorded(news) };
}

/** `pulumi refresh`: the live listing becomes both the state and the inputs the next diff compares with. */
export async function readObserved(id: string, props: Partial<ObservedPermissionsState>): Promise<dynamic.ReadResult> {
    const checkpoint = props.checkpoint ?? id;
    try {
        const listing = await providerClient().permissions.listAll(checkpoint);
        const live = recorded({ kind: "CheckpointPermissions", checkpoint, ...summarize(listing.permissions) });
        return { id, props: live, inputs: live };
    } catch (error) {
        // The checkpoint is gone (or no longer visible): so is the record of its permissions.
        if (error instanceof NotFoundError) return {};
        throw error;
    }
}

/** Forgetting a record revokes nothing. */
export async function deleteObserved(): Promise<void> {}

function recorded(state: ObservedPermissionsState): ObservedPermissionsState {
    return {
        kind: "CheckpointPermissions",
        checkpoint: state.checkpoint,
        permissions: state.permissions,
        projectIds: state.projectIds,
        permissionCount: state.permissionCount,
    };
}

function sameJson(a: unknown, b: unknown): boolean {
    return JSON.stringify(a) === JSON.stringify(b);
}
