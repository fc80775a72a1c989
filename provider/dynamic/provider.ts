/**
 * The dynamic provider both resources share. Pulumi serializes this object into every resource's state
 * (`__provider`) and runs it in the provider process, so it is a thin shim: each method loads the real
 * implementation by package name and calls it. Nothing is captured, so the serialized text is small,
 * the same on every machine, and holds no key (test/dynamic/serialized-provider.test.ts checks all three).
 *
 * `require` resolves from the program's directory, where the package is installed as a dependency.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

export const checkpointPermissionsProvider: dynamic.ResourceProvider = {
    configure: (req) => runtime().configure(req),
    check: (olds, news) => runtime().check(olds, news),
    diff: (id, olds, news) => runtime().diff(id, olds, news),
    create: (inputs) => runtime().create(inputs),
    read: (id, props) => runtime().read(id, props),
    update: (id, olds, news) => runtime().update(id, olds, news),
    delete: (id, props) => runtime().remove(id, props),
};

/**
 * Serialized with the provider (it is small and captures nothing); resolved in the provider process. The
 * module name (package.json `exports`) is a literal so the serialized text carries it, not a reference.
 */
function runtime(): typeof import("./runtime") {
    return require("pulumi-openai-checkpoint-permissions/provider-runtime");
}
