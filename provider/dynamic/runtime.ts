/**
 * The dynamic providers' implementation, loaded in the provider process by package name
 * (`pulumi-openai-checkpoint-permissions/provider-runtime`) from the small serialized shims in ./provider.ts.
 * Keeping the implementation here, not in the serialized text, keeps state small, keeps the key out of it, and
 * lets a package upgrade fix a bug in stacks that already exist.
 *
 * Each resource's provider maps the engine's calls onto the resource's operations (../resources) and translates
 * only what a dynamic provider speaks: its ids and its diff answer.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { grantOperations } from "../resources/grant";
import { accessOperations } from "../resources/access";
import { PartialStateError, type ResourceOperations } from "../resources/operations";
import { recordOperations } from "../resources/record";
import { configuredClient } from "../resources/settings";

/** The stack config the engine configured the provider with, for the client when one is first needed. */
let client = configuredClient(() => undefined);

async function configure(req: dynamic.ConfigureRequest): Promise<void> {
    client = configuredClient((key) => req.config.get(key));
}

/**
 * A dynamic provider over a resource's operations. `id` is the resource's id from its outputs; `fromId` what an id
 * alone says of them (a read without state: dynamic resources cannot be imported, so there is no such read).
 */
function dynamicProvider<Args, Inputs, Outputs>(operations: ResourceOperations<Args, Inputs, Outputs>, id: (outputs: Outputs) => string): dynamic.ResourceProvider {
    return {
        configure,
        check: (olds, news) => operations.check(olds ?? {}, news, () => client()),
        diff: async (_id, olds, news) => diffAnswer(operations.diff(olds, news)),
        async create(inputs) {
            const outputs = await operations.create(inputs, () => client()).catch((error: unknown) => {
                throw partialFailure(error, id, inputs);
            });
            return { id: id(outputs), outs: outputs };
        },
        async read(_id, props) {
            if (props === undefined) return {};
            const live = await operations.read(props, () => client());
            return live ? { id: id(live.outputs), props: live.outputs, inputs: live.inputs } : {};
        },
        async update(resourceId, olds, news) {
            const outputs = await operations.update(olds, news, () => client()).catch((error: unknown) => {
                throw partialFailure(error, () => resourceId, news);
            });
            return { outs: outputs };
        },
        delete: (_id, props) => operations.delete(props, () => client()),
    };
}

/**
 * A create or update that did part of its work: the error that carries the state of what was done. The Node SDK's
 * dynamic provider sends an error's `id`, `properties` and `reasons` as the protocol's `ErrorResourceInitFailed`,
 * so the engine records them as the resource's outputs; it does not add the serialized provider to them, as it
 * does to every answer it makes itself, so it is added here from the inputs (a refresh or delete of that state
 * needs it). What the SDK cannot do: say which of the inputs were applied, so the engine keeps the new inputs whole.
 */
function partialFailure<Outputs>(error: unknown, id: (outputs: Outputs) => string, inputs: { __provider?: unknown }): unknown {
    if (!(error instanceof PartialStateError)) return error;
    const outputs = error.outputs as Outputs;
    return Object.assign(error, { id: id(outputs), properties: { ...outputs, __provider: inputs.__provider }, reasons: [error.message] });
}

/**
 * A dynamic provider cannot return a detailed diff. A change in place is left unknown, so the engine diffs the old
 * and new inputs itself and shows only what changed: for a record, the lines of the projects added, removed or
 * granted again. A replace is said as one.
 */
function diffAnswer({ changes, replaces }: { changes: boolean; replaces: string[] }): dynamic.DiffResult {
    if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: false };
    return changes ? { replaces, deleteBeforeReplace: false } : { changes: false, replaces, deleteBeforeReplace: false };
}

/** `CheckpointPermissions`: its id is its checkpoint. */
export const recordProvider = dynamicProvider(recordOperations, (outputs) => outputs.checkpoint);

/** `CheckpointPermissionGrant`: its id is its permission's id. */
export const grantProvider = dynamicProvider(grantOperations, (outputs) => outputs.permissionId);

/** `CheckpointAccess`: its id is its checkpoint. */
export const accessProvider = dynamicProvider(accessOperations, (outputs) => outputs.checkpoint);
