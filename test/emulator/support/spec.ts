/**
 * Validates emulator responses against the schemas of the OpenAPI contract kept in provider/api, so the
 * emulator cannot drift from what OpenAI documents.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";

/** The repository's copy of the contract (its header names the source and commit it was extracted from). */
export const SPEC_PATH = path.resolve(__dirname, "../../../provider/api/checkpoint-permissions.openapi.yaml");

export type SchemaName =
    | "ListFineTuningCheckpointPermissionResponse"
    | "DeleteFineTuningCheckpointPermissionResponse"
    | "ErrorResponse";

/** Rewrites the spec's `#/components/schemas/X` references to `#/$defs/X` in a standalone schema. */
function rewriteRefs(node: unknown): unknown {
    if (Array.isArray(node)) return node.map(rewriteRefs);
    if (node === null || typeof node !== "object") return node;
    return Object.fromEntries(
        Object.entries(node).map(([key, value]) => [
            key,
            key === "$ref" && typeof value === "string" ? value.replace("#/components/schemas/", "#/$defs/") : rewriteRefs(value),
        ]),
    );
}

function buildValidator(): (name: SchemaName, value: unknown) => string | undefined {
    const spec = parse(readFileSync(SPEC_PATH, "utf8")) as { components: { schemas: Record<string, unknown> } };
    // Strict mode stays on; only the spec's vendor annotations and its `unixtime` format are taught to it.
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajv.addKeyword({ keyword: "x-stainless-const" });
    ajv.addKeyword({ keyword: "x-oaiMeta" });
    ajv.addFormat("unixtime", { type: "number", validate: (value: number) => Number.isInteger(value) && value >= 0 });
    ajv.addSchema({ $id: "spec", $defs: rewriteRefs(spec.components.schemas) });
    return (name, value) => {
        const validate = ajv.getSchema(`spec#/$defs/${name}`);
        if (!validate) throw new Error(`No schema ${name} in ${SPEC_PATH}`);
        return validate(value) ? undefined : ajv.errorsText(validate.errors);
    };
}

let validator: ReturnType<typeof buildValidator> | undefined;

/** Undefined when `value` fits the named schema, else the validator's description of what is wrong. */
export function schemaErrors(name: SchemaName, value: unknown): string | undefined {
    validator ??= buildValidator();
    return validator(name, value);
}

/** Throws unless `value` fits the named schema. */
export function assertSchema(name: SchemaName, value: unknown): void {
    const errors = schemaErrors(name, value);
    if (errors !== undefined) throw new Error(`Response does not fit ${name}: ${errors}\n${JSON.stringify(value)}`);
}
