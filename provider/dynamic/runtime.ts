/**
 * The dynamic providers' implementation, loaded in the provider process by package name
 * (`pulumi-openai-checkpoint-permissions/provider-runtime`) from the small serialized shims in ./provider.ts.
 * Keeping the implementation here, not in the serialized text, keeps state small, keeps the key out of it, and
 * lets a package upgrade fix a bug in stacks that already exist.
 *
 * One provider per resource ({@link recordProvider}, {@link grantProvider}). Shims that earlier versions put in
 * state serve both resources through one provider: {@link resourceProvider} and the module's own functions, which
 * tell the two apart by their properties.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { GrantInputs, GrantState, ObservedPermissionsInputs, ObservedPermissionsState } from "../resources/types";
import type { CheckpointPermissionsClient } from "../client";
import type { ConfigLookup } from "../resources/settings";
import { checkGrant, createGrant, deleteGrant, diffGrant, readGrant } from "../resources/grant";
import { checkObserved, diffObserved, readObserved, recordObserved, type ObservedDiff } from "../resources/observed";

/** The stack config the engine configured the provider with, for the client when one is first needed. */
let config: ConfigLookup = () => undefined;
let clientModule: Promise<typeof import("../resources/client")> | undefined;

export async function configure(req: dynamic.ConfigureRequest): Promise<void> {
    config = (key) => req.config.get(key);
    (await clientModule)?.configureClient(config);
}

/**
 * The provider process's client, loaded on first use: checks and diffs, all that a preview with no changes runs,
 * never call the API, and the HTTP client's modules (undici, zod) take 0.15 s to load.
 */
async function providerClient(): Promise<CheckpointPermissionsClient> {
    clientModule ??= import("../resources/client").then((module) => {
        module.configureClient(config);
        return module;
    });
    return (await clientModule).providerClient();
}

/**
 * A dynamic provider of one resource, typed as the engine calls it: `Inputs` are the checked inputs (what every
 * method but `check` is given as `news`); `check` is given the inputs last stored as `olds`, the other methods the
 * outputs. Both come from state, which an earlier version may have written in another shape (or which is empty
 * for a resource being created).
 */
interface ProviderOf<Inputs, Outputs> {
    configure(req: dynamic.ConfigureRequest): Promise<void>;
    check(olds: Partial<Inputs>, news: Inputs): Promise<dynamic.CheckResult<Inputs>>;
    diff(id: string, olds: Partial<Outputs>, news: Inputs): Promise<dynamic.DiffResult>;
    create(inputs: Inputs): Promise<dynamic.CreateResult<Outputs>>;
    read(id: string, props?: Partial<Outputs>): Promise<{ id?: string; props?: Outputs; inputs?: Inputs }>;
    update(id: string, olds: Outputs, news: Inputs): Promise<dynamic.UpdateResult<Outputs>>;
    delete(id: string, props: Outputs): Promise<void>;
}

/** `CheckpointPermissions`: nothing to create or delete in OpenAI; the work is in check, diff and refresh. */
export const recordProvider: ProviderOf<ObservedPermissionsInputs, ObservedPermissionsState> = {
    configure,
    async check(olds, news) {
        return checkObserved(olds, news);
    },
    async diff(_id, olds, news) {
        return recordDiff(diffObserved(olds, news));
    },
    // A record's id is its checkpoint.
    async create(inputs) {
        return { id: inputs.checkpoint, outs: recordObserved(inputs) };
    },
    // Refresh: the live listing becomes the inputs; the projects the stack's grants manage are kept from the state.
    async read(id, props) {
        const live = await readObserved(await providerClient(), props?.checkpoint ?? id, props?.managedProjects);
        return live ? { id, props: live.state, inputs: live.inputs } : {};
    },
    async update(_id, _olds, news) {
        return { outs: recordObserved(news) };
    },
    // Forgetting a record revokes nothing.
    async delete() {},
};

/** `CheckpointPermissionGrant`: one project's access; its id is its permission's id. */
export const grantProvider: ProviderOf<GrantInputs, GrantState> = {
    configure,
    async check(_olds, news) {
        return checkGrant(news);
    },
    async diff(_id, olds, news) {
        return { ...diffGrant(olds, news), deleteBeforeReplace: false };
    },
    async create(inputs) {
        const state = await createGrant(await providerClient(), inputs);
        return { id: state.permissionId, outs: state };
    },
    // Refresh; a grant revoked outside Pulumi reads as gone (no id). Without its inputs (an import) there is nothing to read.
    async read(id, props) {
        const { checkpoint, projectId } = props ?? {};
        if (checkpoint === undefined || projectId === undefined) return {};
        const live = await readGrant(await providerClient(), { checkpoint, projectId }, id, props?.adopted ?? false);
        if (!live) return {};
        return { id: live.permissionId, props: live, inputs: { checkpoint, projectId } };
    },
    // Never called with a change: every grant input replaces.
    async update(_id, olds, news) {
        return { outs: { ...olds, ...news } };
    },
    async delete(id, props) {
        await deleteGrant(await providerClient(), props.checkpoint, id);
    },
};

/**
 * A dynamic provider cannot return a detailed diff. Left unknown, a change is diffed by the engine itself, from
 * the old and new inputs, and shown as only what changed: the lines of the projects added, removed or granted again.
 */
function recordDiff({ changes, replaces }: ObservedDiff): dynamic.DiffResult {
    return changes ? { replaces, deleteBeforeReplace: false } : { changes: false, replaces, deleteBeforeReplace: false };
}

/** Property bags as shims of earlier versions hand them over, for either resource. */
type Props = object;

/** The provider of the resource `props` belong to: only a grant has a `projectId`. */
function providerOf(props: Props): ProviderOf<any, any> {
    return Object.hasOwn(props, "projectId") ? grantProvider : recordProvider;
}

// The provider that earlier versions' shims take on (`resourceProvider`), or call function by function.
export const check = (olds: Props, news: Props) => providerOf(news).check(olds, news);
export const diff = (id: string, olds: Props, news: Props) => providerOf(news).diff(id, olds, news);
export const create = (inputs: Props) => providerOf(inputs).create(inputs);
export const read = (id: string, props: Props) => providerOf(props).read(id, props);
export const update = (id: string, olds: Props, news: Props) => providerOf(news).update(id, olds, news);
export const remove = (id: string, props: Props) => providerOf(props).delete(id, props);
export const resourceProvider: dynamic.ResourceProvider = { configure, check, diff, create, read, update, delete: remove };
