/**
 * The dynamic provider's implementation, loaded in the provider process by package name
 * (`pulumi-openai-checkpoint-permissions/provider-runtime`) from the small serialized shim in
 * ./provider.ts. Keeping the implementation here, not in the serialized text, keeps state small, keeps
 * the key out of it, and lets a package upgrade fix a bug in stacks that already exist.
 *
 * One provider serves both resources; the `kind` property says which one a call is about.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";
import type { GrantInputs, GrantState, ObservedPermissionsState } from "../resources/types";
import { configureClient } from "../resources/client";
import { checkGrant, createGrant, deleteGrant, diffGrant, readGrant, updateGrant } from "../resources/grant";
import { checkObserved, createObserved, deleteObserved, diffObserved, readObserved, updateObserved } from "../resources/observed";

/** Property bags as the engine hands them over; `kind` says which resource they belong to. */
type Props = object;

export async function configure(req: dynamic.ConfigureRequest): Promise<void> {
    configureClient((key) => req.config.get(key));
}

export async function check(olds: Props, news: Props): Promise<dynamic.CheckResult> {
    return isGrant(news) ? checkGrant(news as unknown as GrantInputs) : checkObserved(news as unknown as ObservedPermissionsState);
}

export async function diff(id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
    return isGrant(news)
        ? diffGrant(olds as unknown as GrantState, news as unknown as GrantInputs)
        : diffObserved(olds as unknown as ObservedPermissionsState, news as unknown as ObservedPermissionsState);
}

export async function create(inputs: Props): Promise<dynamic.CreateResult> {
    return isGrant(inputs) ? createGrant(inputs as unknown as GrantInputs) : createObserved(inputs as unknown as ObservedPermissionsState);
}

export async function read(id: string, props: Props): Promise<dynamic.ReadResult> {
    return isGrant(props) ? readGrant(id, props as unknown as Partial<GrantState>) : readObserved(id, props as unknown as Partial<ObservedPermissionsState>);
}

export async function update(id: string, olds: Props, news: Props): Promise<dynamic.UpdateResult> {
    return isGrant(news)
        ? updateGrant(olds as unknown as GrantState, news as unknown as GrantInputs)
        : updateObserved(news as unknown as ObservedPermissionsState);
}

export async function remove(id: string, props: Props): Promise<void> {
    return isGrant(props) ? deleteGrant(id, props as unknown as GrantState) : deleteObserved();
}

function isGrant(props: Props): boolean {
    return (props as { kind?: unknown }).kind === "CheckpointPermissionGrant";
}
