/**
 * The dynamic provider's implementation, loaded in the provider process by package name
 * (`pulumi-openai-checkpoint-permissions/provider-runtime`) from the small serialized shim in
 * ./provider.ts. Keeping the implementation here, not in the serialized text, keeps state small, keeps
 * the key out of it, and lets a package upgrade fix a bug in stacks that already exist.
 *
 * One provider serves both resources; the `kind` property says which one a call is about.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { GrantInputs, GrantState, ObservedPermissionsInputs, ObservedPermissionsState } from "../resources/types";
import type { CheckpointPermissionsClient } from "../client";
import type { ConfigLookup } from "../resources/settings";
import { checkGrant, createGrant, deleteGrant, diffGrant, readGrant } from "../resources/grant";
import { checkObserved, diffObserved, readObserved, recordObserved, type ObservedDiff } from "../resources/observed";

/** Property bags as the engine hands them over; `kind` says which resource they belong to. */
type Props = object;

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

export async function check(olds: Props, news: Props): Promise<dynamic.CheckResult> {
    return isGrant(news) ? checkGrant(news as unknown as GrantInputs) : checkObserved(olds as Partial<ObservedPermissionsInputs>, news as unknown as ObservedPermissionsInputs);
}

export async function diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    return isGrant(news)
        ? { ...diffGrant(olds as unknown as GrantState, news as unknown as GrantInputs), deleteBeforeReplace: false }
        : recordDiff(diffObserved(olds as Partial<ObservedPermissionsState>, news as unknown as ObservedPermissionsInputs));
}

export async function create(inputs: Props): Promise<dynamic.CreateResult> {
    return isGrant(inputs) ? createGrantResource(inputs as unknown as GrantInputs) : createRecord(inputs as unknown as ObservedPermissionsInputs);
}

export async function read(id: string, props: Props): Promise<dynamic.ReadResult> {
    return isGrant(props) ? readGrantResource(id, props as unknown as Partial<GrantState>) : readRecord(id, props as Partial<ObservedPermissionsState>);
}

export async function update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    return isGrant(news)
        ? { outs: { ...olds, ...news } } // never called with a change: every grant input replaces
        : { outs: recordObserved(news as unknown as ObservedPermissionsInputs) };
}

export async function remove(id: string, props: Props): Promise<void> {
    // Forgetting a record revokes nothing.
    if (isGrant(props)) await deleteGrant(await providerClient(), (props as unknown as GrantState).checkpoint, id);
}

/** A grant's id is its permission's id. */
async function createGrantResource(inputs: GrantInputs): Promise<dynamic.CreateResult> {
    const state = await createGrant(await providerClient(), inputs);
    return { id: state.permissionId, outs: state };
}

/** Refresh; a grant revoked outside Pulumi reads as gone (no id). Without its inputs (an import) there is nothing to read. */
async function readGrantResource(id: string, props: Partial<GrantState>): Promise<dynamic.ReadResult> {
    const { checkpoint, projectId } = props;
    if (checkpoint === undefined || projectId === undefined) return {};
    const live = await readGrant(await providerClient(), { checkpoint, projectId }, id, props.adopted ?? false);
    if (!live) return {};
    const inputs: GrantInputs = { kind: "CheckpointPermissionGrant", checkpoint, projectId };
    return { id: live.permissionId, props: live, inputs };
}

/**
 * A dynamic provider cannot return a detailed diff. Left unknown, a change is diffed by the engine itself, from
 * the old and new inputs, and shown as only what changed: the projects added, removed or granted again.
 */
function recordDiff({ changes, replaces }: ObservedDiff): dynamic.DiffResult {
    return changes ? { replaces, deleteBeforeReplace: false } : { changes: false, replaces, deleteBeforeReplace: false };
}

/** A record's id is its checkpoint; its state is small (the listing stays in the inputs). */
async function createRecord(inputs: ObservedPermissionsInputs): Promise<dynamic.CreateResult> {
    return { id: inputs.checkpoint, outs: recordObserved(inputs) };
}

/** Refresh: the live listing becomes the inputs; the projects the stack's grants manage are kept from the state. */
async function readRecord(id: string, props: Partial<ObservedPermissionsState>): Promise<dynamic.ReadResult> {
    const live = await readObserved(await providerClient(), props.checkpoint ?? id, props.managedProjects);
    return live ? { id, props: live.state, inputs: live.inputs } : {};
}

function isGrant(props: Props): boolean {
    return (props as { kind?: unknown }).kind === "CheckpointPermissionGrant";
}

/** The provider's methods, which the serialized shim (./provider.ts) takes on once it has loaded this module. */
export const resourceProvider: dynamic.ResourceProvider = { configure, check, diff, create, read, update, delete: remove };
