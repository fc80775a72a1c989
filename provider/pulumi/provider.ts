/**
 * The dynamic provider both resources share. Pulumi serializes this object into every resource's state
 * (`__provider`) and runs it in the provider process, so it is a thin shim: each method loads the real
 * implementation by package name and calls it. Nothing is captured, so the serialized text is small,
 * the same on every machine, and holds no key (test/pulumi/serialized-provider.test.ts checks all three).
 *
 * `require` resolves from the program's directory, where the package is installed as a dependency.
 */
import type * as dynamic from "@pulumi/pulumi/dynamic";

/** Also the `exports` entry in package.json. */
export const PROVIDER_RUNTIME_MODULE = "pulumi-openai-checkpoint-permissions/provider-runtime";

export const checkpointPermissionsProvider: dynamic.ResourceProvider = {
    async configure(req) {
        return require("pulumi-openai-checkpoint-permissions/provider-runtime").configure(req);
    },
    async check(olds, news) {
        return require("pulumi-openai-checkpoint-permissions/provider-runtime").check(olds, news);
    },
    async diff(id, olds, news) {
        return require("pulumi-openai-checkpoint-permissions/provider-runtime").diff(id, olds, news);
    },
    async create(inputs) {
        return require("pulumi-openai-checkpoint-permissions/provider-runtime").create(inputs);
    },
    async read(id, props) {
        return require("pulumi-openai-checkpoint-permissions/provider-runtime").read(id, props);
    },
    async update(id, olds, news) {
        return require("pulumi-openai-checkpoint-permissions/provider-runtime").update(id, olds, news);
    },
    async delete(id, props) {
        return require("pulumi-openai-checkpoint-permissions/provider-runtime").remove(id, props);
    },
};
