/**
 * `CheckpointPermissionGrant`: one project's access to one checkpoint, managed. The operations of both surfaces
 * (the dynamic provider and the plugin), free of either: plain inputs in, plain state out; each surface turns them
 * into its own shapes (ids, results).
 *
 * Creating a grant that already exists takes the existing permission over ("adopts" it) instead of failing or
 * duplicating it: a stack that starts managing access someone granted by hand must not break (and dynamic
 * resources cannot be `pulumi import`ed, pulumi/pulumi#16175; the plugin's can, through {@link importGrant}).
 */
import type { CheckpointPermissionsClient } from "../client";
import { checkCheckpoint, checkProjectId } from "../client/arguments";
import { InvalidResponseError, NotFoundError } from "../client/errors";
import type { CheckpointPermission } from "../api/types";
import type { GrantInputs, GrantState } from "./types";
import { checkFailures, type CheckResult } from "./check";
import { isUnknown } from "./unknowns";

/** What a change of inputs means for a grant. */
export interface GrantDiff {
    readonly changes: boolean;
    /** The inputs whose change makes it another grant (all of them): non-empty means replace. */
    readonly replaces: Array<keyof GrantInputs>;
}

/** The inputs as a program gives them: any values, or none, which the check names. */
type GrantArgs = { readonly [K in keyof GrantInputs]?: unknown };

export function checkGrant<T extends GrantArgs>(news: T): CheckResult<T> {
    return checkFailures(news, [
        ["checkpoint", checkCheckpoint],
        ["projectId", checkProjectId],
    ]);
}

/** `olds` come from state; `news` are the checked inputs, some perhaps not known yet. */
export function diffGrant(olds: GrantArgs, news: GrantArgs): GrantDiff {
    // Access cannot be moved to another checkpoint or project: that is a different grant.
    const replaces = (["checkpoint", "projectId"] as const).filter((key) => isUnknown(news[key]) || olds[key] !== news[key]);
    return { changes: replaces.length > 0, replaces };
}

/** Grants the project access, or adopts the access it already has. */
export async function createGrant(client: CheckpointPermissionsClient, args: GrantInputs): Promise<GrantState> {
    const existing = await findGrant(client, args);
    if (existing) return grantState(args, existing, true);
    const created = await client.permissions.create(args.checkpoint, [args.projectId]);
    const permission = created.find((p) => p.projectId === args.projectId);
    if (!permission) {
        throw new InvalidResponseError(200, undefined, "data", `no permission for ${args.projectId} in the answer`, "POST", `${args.checkpoint} permissions`);
    }
    return grantState(args, permission, false);
}

/**
 * `pulumi refresh`: the grant as it is live, or `undefined` when it was revoked outside Pulumi (the surface then
 * drops it from state). Access granted again outside Pulumi is followed, under its new permission id.
 */
export async function readGrant(client: CheckpointPermissionsClient, args: GrantInputs, permissionId: string, adopted: boolean): Promise<GrantState | undefined> {
    const live = await findGrant(client, args, permissionId);
    return live ? grantState(args, live, adopted) : undefined;
}

/**
 * `pulumi import`: the grant behind one permission of a checkpoint, taken over as it is (so `adopted`), or
 * `undefined` when the checkpoint has no such permission.
 */
export async function importGrant(client: CheckpointPermissionsClient, checkpoint: string, permissionId: string): Promise<GrantState | undefined> {
    checkCheckpoint(checkpoint, "checkpoint");
    let permissions: CheckpointPermission[];
    try {
        ({ permissions } = await client.permissions.listAll(checkpoint));
    } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
    }
    const permission = permissions.find((p) => p.id === permissionId);
    return permission ? grantState({ checkpoint, projectId: permission.projectId }, permission, true) : undefined;
}

/** Revokes the access. Already revoked (or the checkpoint is gone) counts as done. */
export async function deleteGrant(client: CheckpointPermissionsClient, checkpoint: string, permissionId: string): Promise<void> {
    try {
        await client.permissions.delete(checkpoint, permissionId);
    } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
    }
}

/** The project's permission on the checkpoint, preferring `id` when the project somehow has several. */
async function findGrant(client: CheckpointPermissionsClient, { checkpoint, projectId }: GrantInputs, id?: string): Promise<CheckpointPermission | undefined> {
    try {
        const { permissions } = await client.permissions.listAll(checkpoint, { projectId });
        const mine = permissions.filter((p) => p.projectId === projectId);
        return mine.find((p) => p.id === id) ?? mine[0];
    } catch (error) {
        if (error instanceof NotFoundError && id !== undefined) return undefined;
        throw error;
    }
}

function grantState({ checkpoint, projectId }: GrantInputs, permission: CheckpointPermission, adopted: boolean): GrantState {
    return {
        checkpoint,
        projectId,
        permissionId: permission.id,
        createdAt: permission.createdAt,
        adopted,
    };
}
