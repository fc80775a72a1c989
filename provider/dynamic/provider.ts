/**
 * The dynamic providers of the two resources. Pulumi serializes a resource's provider into its state
 * (`__provider`, in the inputs and again in the outputs) and runs it in the provider process, so each is a small
 * shim: the engine configures a dynamic provider before it calls anything else, and `configure` loads the real
 * implementation by package name and takes on the methods of the resource's provider there. One serialized
 * function instead of one per method keeps `__provider` near the size of a trivial provider's; nothing is captured
 * but the package version and the provider's name, so the text is the same on every machine and holds no key
 * (test/dynamic/serialized-provider.test.ts checks all three).
 *
 * `require` resolves from the Pulumi project, where the package is installed as a dependency. When it is
 * not there (removed, moved, or a fresh checkout without `npm install`), every call fails with a message
 * that names the package, the version that deployed the stack, and the `npm install` that brings it back.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

/** This package, and the version of it that serializes the shim: the one a stack's resources are deployed with. */
const PACKAGE = "pulumi-openai-checkpoint-permissions";
const { version }: { version: string } = require(`${PACKAGE}/package.json`);

/** The providers ./runtime.ts exports, one per resource. */
type ProviderName = "recordProvider" | "grantProvider" | "accessProvider";

/**
 * A shim that loads the implementation and takes on the methods of the provider `name`. The module name (package.json
 * `exports`) is what every shim in state loads, so it stays exported under that name. When it cannot be loaded, this and every
 * later call fail with the fix: never a delete that silently does nothing. Taking on the provider's methods includes
 * its `configure`, which this one then calls. The body is serialized as written, into every resource's state: keep
 * comments out of it, and keep it short.
 */
function shim(name: ProviderName): dynamic.ResourceProvider {
    const configure = async function (this: dynamic.ResourceProvider, req: dynamic.ConfigureRequest): Promise<void> {
        let runtime: typeof import("./runtime");
        try {
            runtime = require(`${PACKAGE}/provider-runtime`);
        } catch (error) {
            const fail = () => Promise.reject(new Error(`Cannot load ${PACKAGE}@${version}, which deployed these resources (${String(error).split("\n")[0]}): run \`npm install ${PACKAGE}@${version}\` in the Pulumi project`));
            Object.assign(this, { check: fail, diff: fail, create: fail, read: fail, update: fail, delete: fail });
            return fail();
        }
        return Object.assign(this, runtime[name]).configure!(req);
    };
    // The engine configures a dynamic provider before it calls anything else, so to everything but the serializer
    // this is a complete provider; a `create` of its own would only add 0.3 KB to every resource's state.
    return { configure } as dynamic.ResourceProvider;
}

/** `CheckpointPermissions`'s provider. */
export const checkpointPermissionsProvider = shim("recordProvider");
/** `CheckpointPermissionGrant`'s provider. */
export const checkpointPermissionGrantProvider = shim("grantProvider");
/** `CheckpointAccess`'s provider. */
export const checkpointAccessProvider = shim("accessProvider");
