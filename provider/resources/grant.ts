/**
 * `CheckpointPermissionGrant`: one project's access to one checkpoint, managed. Its operations, for both surfaces.
 *
 * Creating a grant that already exists takes the existing permission over ("adopts" it) instead of failing or
 * duplicating it: a stack that starts managing access someone granted by hand must not break (and dynamic
 * resources cannot be `pulumi import`ed, pulumi/pulumi#16175; the plugin's can, by an id that names the permission).
 */
import type { CheckpointPermissionsClient } from "../client";
import { checkCheckpoint, checkPermissionId, checkProjectId } from "../client/arguments";
import { InvalidResponseError, NotFoundError } from "../client/errors";
import { checkFailures } from "./check";
import type { ResourceOperations } from "./operations";
import { listIfPresent } from "./listing";
import type { CheckpointPermission } from "./types";
import { isUnknown } from "./unknowns";

/** What a program gives a grant. */
export interface GrantInputs {
    checkpoint: string;
    projectId: string;
}

/** A grant's outputs. */
export interface GrantOutputs extends GrantInputs {
    /** The permission id, `cp_…`. */
    permissionId: string;
    /** When access was granted, in Unix seconds. */
    createdAt: number;
    /** True when the project already had access and the existing permission was taken over (create or import). */
    adopted: boolean;
}

export const grantOperations: ResourceOperations<GrantInputs, GrantInputs, GrantOutputs> = {
    async check(_olds, args) {
        const { checkpoint, projectId } = args;
        return checkFailures({ checkpoint, projectId } as GrantInputs, [
            ["checkpoint", checkCheckpoint],
            ["projectId", checkProjectId],
        ]);
    },

    // Access cannot be moved to another checkpoint or project: that is another grant.
    diff(olds, news) {
        const replaces = (["checkpoint", "projectId"] as const).filter((key) => isUnknown(news[key]) || olds[key] !== news[key]);
        return { changes: replaces.length > 0, replaces };
    },

    /** Grants the project access, or adopts the access it already has. */
    async create(inputs, client) {
        const existing = await findPermission(await client(), inputs);
        if (existing) return grantOutputs(inputs, existing, true);
        const created = await (await client()).permissions.create(inputs.checkpoint, [inputs.projectId]);
        const permission = created.find((p) => p.projectId === inputs.projectId);
        if (!permission) {
            throw new InvalidResponseError(200, undefined, "data", `no permission for ${inputs.projectId} in the answer`, "POST", `${inputs.checkpoint} permissions`);
        }
        return grantOutputs(inputs, permission, false);
    },

    /**
     * Refresh follows the grant live: gone when it was revoked outside Pulumi, under its new permission id when it
     * was granted again. Import (a checkpoint and a permission id, no project) takes the permission over as it is.
     */
    async read(known, client) {
        const checkpoint = checkCheckpoint(known.checkpoint, "checkpoint");
        const permissionId = checkPermissionId(known.permissionId, "permissionId");
        if (known.projectId === undefined) return importPermission(await client(), checkpoint, permissionId);
        const inputs = { checkpoint, projectId: checkProjectId(known.projectId, "projectId") };
        const live = await findPermission(await client(), inputs, permissionId);
        return live ? { inputs, outputs: grantOutputs(inputs, live, known.adopted === true) } : undefined;
    },

    // Never called with a change: every input replaces.
    async update(olds, news) {
        return { ...olds, ...news };
    },

    /** Revokes the access. Already revoked (or the checkpoint is gone) counts as done. */
    async delete(olds, client) {
        try {
            await (await client()).permissions.delete(olds.checkpoint, olds.permissionId);
        } catch (error) {
            if (!(error instanceof NotFoundError)) throw error;
        }
    },
};

/** The project's permission on the checkpoint, preferring `id` when the project somehow has several. */
async function findPermission(client: CheckpointPermissionsClient, { checkpoint, projectId }: GrantInputs, id?: string): Promise<CheckpointPermission | undefined> {
    try {
        const { permissions } = await client.permissions.listAll(checkpoint, { projectId });
        const mine = permissions.filter((p) => p.projectId === projectId);
        return mine.find((p) => p.id === id) ?? mine[0];
    } catch (error) {
        if (error instanceof NotFoundError && id !== undefined) return undefined;
        throw error;
    }
}

/** `pulumi import`: the grant behind one permission of a checkpoint, adopted; none when there is no such permission. */
async function importPermission(client: CheckpointPermissionsClient, checkpoint: string, permissionId: string) {
    const permission = (await listIfPresent(client, checkpoint))?.find((p) => p.id === permissionId);
    if (!permission) return undefined;
    const inputs = { checkpoint, projectId: permission.projectId };
    return { inputs, outputs: grantOutputs(inputs, permission, true) };
}

function grantOutputs({ checkpoint, projectId }: GrantInputs, permission: CheckpointPermission, adopted: boolean): GrantOutputs {
    return { checkpoint, projectId, permissionId: permission.id, createdAt: permission.createdAt, adopted };
}
