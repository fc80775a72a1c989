/**
 * `CheckpointPermissionGrant`: one project's access to one checkpoint, managed.
 *
 * Creating a grant that already exists takes the existing permission over ("adopts" it) instead of
 * failing or duplicating it: dynamic resources cannot be `pulumi import`ed (pulumi/pulumi#16175), and a
 * stack that starts managing access someone granted by hand must not break.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { checkCheckpoint, checkProjectId } from "../client/arguments";
import { InvalidResponseError, NotFoundError } from "../client/errors";
import type { CheckpointPermission } from "../api/model";
import type { GrantInputs, GrantState } from "./types";
import { providerClient } from "./client";
import { checkFailures } from "./check";
import { isUnknown } from "./unknowns";

export async function checkGrant(news: GrantInputs): Promise<dynamic.CheckResult> {
    return checkFailures(news, [
        ["checkpoint", checkCheckpoint],
        ["projectId", checkProjectId],
    ]);
}

export async function diffGrant(olds: GrantState, news: GrantInputs): Promise<dynamic.DiffResult> {
    // Access cannot be moved to another checkpoint or project: that is a different grant.
    const replaces = (["checkpoint", "projectId"] as const).filter((key) => isUnknown(news[key]) || olds[key] !== news[key]);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
}

export async function createGrant(inputs: GrantInputs): Promise<dynamic.CreateResult> {
    const client = providerClient();
    const existing = await findGrant(inputs.checkpoint, inputs.projectId);
    if (existing) return { id: existing.id, outs: state(inputs, existing, true) };
    const created = await client.permissions.create(inputs.checkpoint, [inputs.projectId]);
    const permission = created.find((p) => p.projectId === inputs.projectId);
    if (!permission) {
        throw new InvalidResponseError(200, undefined, "data", `no permission for ${inputs.projectId} in the answer`, "POST", `${inputs.checkpoint} permissions`);
    }
    return { id: permission.id, outs: state(inputs, permission, false) };
}

/** Never called with a change (every input replaces), but an update must still return the state. */
export async function updateGrant(olds: GrantState, news: GrantInputs): Promise<dynamic.UpdateResult> {
    return { outs: { ...olds, ...news } };
}

/** `pulumi refresh`: a grant revoked outside Pulumi disappears from state; one re-granted is followed. */
export async function readGrant(id: string, props: Partial<GrantState>): Promise<dynamic.ReadResult> {
    if (props.checkpoint === undefined || props.projectId === undefined) return {};
    const inputs: GrantInputs = { kind: "CheckpointPermissionGrant", checkpoint: props.checkpoint, projectId: props.projectId };
    const live = await findGrant(inputs.checkpoint, inputs.projectId, id);
    if (!live) return {};
    const outs = state(inputs, live, props.adopted ?? false);
    return { id: live.id, props: outs, inputs };
}

export async function deleteGrant(id: string, props: GrantState): Promise<void> {
    try {
        await providerClient().permissions.delete(props.checkpoint, id);
    } catch (error) {
        // Already revoked (or the checkpoint is gone): the grant is as deleted as it can be.
        if (!(error instanceof NotFoundError)) throw error;
    }
}

/** The project's permission on the checkpoint, preferring `id` when the project somehow has several. */
async function findGrant(checkpoint: string, projectId: string, id?: string): Promise<CheckpointPermission | undefined> {
    try {
        const { permissions } = await providerClient().permissions.listAll(checkpoint, { projectId });
        const mine = permissions.filter((p) => p.projectId === projectId);
        return mine.find((p) => p.id === id) ?? mine[0];
    } catch (error) {
        if (error instanceof NotFoundError && id !== undefined) return undefined;
        throw error;
    }
}

function state(inputs: GrantInputs, permission: CheckpointPermission, adopted: boolean): GrantState {
    return {
        kind: "CheckpointPermissionGrant",
        checkpoint: inputs.checkpoint,
        projectId: inputs.projectId,
        permissionId: permission.id,
        createdAt: permission.createdAt,
        adopted,
    };
}
