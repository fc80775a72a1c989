/**
 * The plugin's Provider object with every answer checked against the package schema (test/support/schema-conformance):
 * the unit tests call the plugin through this, so each answer they see, on every path, is one every SDK can decode.
 */
import type * as provider from "@pulumi/pulumi/provider";
import type { CheckpointPermissionsProvider } from "../../provider/plugin/provider";
import { urnType } from "../../provider/plugin/wire";
import { assertConforms } from "../support/schema-conformance";

export type ConformingProvider = Pick<CheckpointPermissionsProvider, "configure" | "invoke" | "check" | "diff" | "create" | "read" | "update" | "delete">;

export function conforming(plugin: CheckpointPermissionsProvider): ConformingProvider {
    return {
        configure: (settings) => plugin.configure(settings),
        async invoke(token, inputs) {
            const result = await plugin.invoke(token, inputs);
            if (result.outputs !== undefined) assertConforms({ function: token, part: "outputs" }, result.outputs);
            return result;
        },
        async check(urn, olds, news) {
            const result = await plugin.check(urn, olds, news);
            // A preview's check may answer unknowns; a failed one need not carry every required input.
            assertConforms({ resource: urnType(urn), part: "inputs" }, result.inputs, { unknowns: true, failedCheck: (result.failures ?? []).length > 0 });
            return result;
        },
        diff: (id, urn, olds, news) => plugin.diff(id, urn, olds, news),
        async create(urn, inputs) {
            const result = await plugin.create(urn, inputs);
            assertConforms({ resource: urnType(urn), part: "outputs" }, result.outs);
            return result;
        },
        async read(id, urn, props) {
            const result: provider.ReadResult = await plugin.read(id, urn, props);
            if (result.props !== undefined) assertConforms({ resource: urnType(urn), part: "outputs" }, result.props);
            if (result.inputs !== undefined) assertConforms({ resource: urnType(urn), part: "inputs" }, result.inputs);
            return result;
        },
        async update(id, urn, olds, news) {
            const result = await plugin.update(id, urn, olds, news);
            assertConforms({ resource: urnType(urn), part: "outputs" }, result.outs);
            return result;
        },
        delete: (id, urn, props) => plugin.delete(id, urn, props),
    };
}
