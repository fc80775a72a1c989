/**
 * Validates emulator responses against the schemas of the OpenAPI contracts kept in provider/api, so the
 * emulator cannot drift from what OpenAI documents.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020";
import { parse } from "yaml";

/** The repository's copies of the contracts (each header names the source and commit it was extracted from). */
export const SPEC_PATHS = ["checkpoint-permissions", "organization-admin"].map((name) => path.resolve(__dirname, `../../../provider/api/${name}.openapi.yaml`));

export type SchemaName =
    | "ListFineTuningCheckpointPermissionResponse"
    | "DeleteFineTuningCheckpointPermissionResponse"
    | "ListAuditLogsResponse"
    | "AuditLog"
    | "ProjectListResponse"
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
    // Strict mode stays on; only the specs' vendor annotations, their `example`s and the `unixtime` format are taught to it.
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajv.addKeyword({ keyword: "x-stainless-const" });
    ajv.addKeyword({ keyword: "x-oaiMeta" });
    ajv.addKeyword({ keyword: "example" });
    ajv.addFormat("unixtime", { type: "number", validate: (value: number) => Number.isInteger(value) && value >= 0 });
    // Each contract is its own schema, so the two copies of the spec's Error shapes do not collide.
    const specs = SPEC_PATHS.map((file, index) => {
        const spec = parse(readFileSync(file, "utf8")) as { components: { schemas: Record<string, unknown> } };
        ajv.addSchema({ $id: `spec${index}`, $defs: rewriteRefs(spec.components.schemas) });
        return { id: `spec${index}`, names: new Set(Object.keys(spec.components.schemas)) };
    });
    return (name, value) => {
        const spec = specs.find((candidate) => candidate.names.has(name));
        const validate = spec && ajv.getSchema(`${spec.id}#/$defs/${name}`);
        if (!validate) throw new Error(`No schema ${name} in ${SPEC_PATHS.join(" or ")}`);
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
