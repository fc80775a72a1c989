/**
 * The plugin's schema as a contract, checked: every value the plugin answers (and every value the engine keeps in
 * state for a resource of the package) must have the shape `packageSchema()` declares, because each SDK decodes it
 * by that declaration (Python asserts the type, Go fails the program, YAML carries it on).
 *
 * Pulumi's type specs are not JSON Schema (secrets and unknowns are wire-format wrappers around any type), so this
 * walks them directly and names the first mismatch of each property: where, what was declared, what came.
 *
 * - Each key must be declared; a required one must be present (not for a failed check, which the engine reports
 *   instead of using its inputs).
 * - Types: `string`, `integer`, `number`, `boolean`, `array` (items), `object` (additionalProperties), `$ref` to a
 *   type of the schema (its properties, all declared, the required ones present).
 * - Secrets: any value may arrive secret (the wire format's signature object, or in an export `plaintext`, which
 *   holds the value as JSON); a property declared `secret` must.
 * - Unknowns (the engine's sentinel strings) only where the engine sends them: in answers to a preview's check.
 */
import { packageSchema } from "../../provider/plugin/schema";

const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";
const UNKNOWN_SENTINELS = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

interface TypeSpec {
    readonly type?: string;
    readonly $ref?: string;
    readonly items?: TypeSpec;
    readonly additionalProperties?: TypeSpec;
}
interface PropertySpec extends TypeSpec {
    readonly secret?: boolean;
}
interface ObjectSpec {
    readonly properties: Readonly<Record<string, PropertySpec>>;
    readonly required: readonly string[];
}

/** What a value is, as the schema names it: a resource's inputs or outputs, a function's result or the provider's. */
export type Contract =
    | { readonly resource: string; readonly part: "inputs" | "outputs" }
    | { readonly function: string; readonly part: "inputs" | "outputs" }
    | { readonly provider: true };

export interface ConformanceOptions {
    /** Unknown values may appear (a check during preview). */
    readonly unknowns?: boolean;
    /** The answer of a check that failed: required properties may be missing. */
    readonly failedCheck?: boolean;
}

const schema = packageSchema("0.0.0-conformance");
type Schema = typeof schema;
const types = schema.types as Readonly<Record<string, ObjectSpec & { type: string }>>;

/**
 * The object spec a contract names. A resource's inputs, as the engine keeps and diffs them (and as a preview hands
 * them to the SDKs in place of outputs), may carry its outputs' properties as well as its input properties.
 */
function objectSpec(contract: Contract): ObjectSpec {
    if ("provider" in contract) return { properties: schema.provider.inputProperties, required: [] };
    if ("resource" in contract) {
        const resource = (schema.resources as Schema["resources"] & Record<string, unknown>)[contract.resource] as
            | { inputProperties: Record<string, PropertySpec>; requiredInputs: string[]; properties: Record<string, PropertySpec>; required: string[] }
            | undefined;
        if (!resource) throw new Error(`the schema has no resource ${contract.resource}`);
        return contract.part === "inputs"
            ? { properties: { ...resource.properties, ...resource.inputProperties }, required: resource.requiredInputs }
            : { properties: resource.properties, required: resource.required };
    }
    const fn = (schema.functions as Record<string, { inputs: { properties: Record<string, PropertySpec>; required: string[] }; outputs: { properties: Record<string, PropertySpec>; required: string[] } }>)[
        contract.function
    ];
    if (!fn) throw new Error(`the schema has no function ${contract.function}`);
    return fn[contract.part];
}

/** Every way `value` breaks the contract, each naming the property path, the declared type and what came; [] if none. */
export function conformanceErrors(contract: Contract, value: unknown, options: ConformanceOptions = {}): string[] {
    const errors: string[] = [];
    checkObject(objectSpec(contract), value, "", options, errors);
    return errors;
}

/** Throws, listing every mismatch, when `value` breaks the contract. */
export function assertConforms(contract: Contract, value: unknown, options: ConformanceOptions = {}): void {
    const errors = conformanceErrors(contract, value, options);
    if (errors.length > 0) throw new Error(`${describeContract(contract)} breaks the schema:\n  ${errors.join("\n  ")}`);
}

/** The resources of a `pulumi stack export --show-secrets`, as the e2e harness reads it. */
export interface ExportedState {
    readonly deployment: { readonly resources?: ReadonlyArray<{ urn: string; type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }> };
}

/** Checks the inputs and outputs of every resource of the package in an exported stack; throws naming each mismatch. */
export function assertStateConforms(state: ExportedState): void {
    const errors: string[] = [];
    for (const resource of state.deployment.resources ?? []) {
        const parts: Array<[Contract, Record<string, unknown> | undefined]> = [];
        if (resource.type === `pulumi:providers:${schema.name}`) {
            parts.push([{ provider: true }, withoutEngineKeys(resource.inputs)]);
        } else if (Object.hasOwn(schema.resources, resource.type)) {
            parts.push([{ resource: resource.type, part: "inputs" }, resource.inputs], [{ resource: resource.type, part: "outputs" }, resource.outputs]);
        }
        for (const [contract, value] of parts) {
            const found = conformanceErrors(contract, value ?? {});
            errors.push(...found.map((error) => `${resource.urn} ${"part" in contract ? contract.part : "inputs"}${error}`));
        }
    }
    if (errors.length > 0) throw new Error(`the stack's state breaks the plugin's schema:\n  ${errors.join("\n  ")}`);
}

/**
 * A provider resource's state also holds the engine's own keys: the plugin's version and where to download it, and
 * `__internal`, which the engine adds when an SDK names the version (Python's and Go's do, from pulumi-plugin.json).
 */
function withoutEngineKeys(inputs: Record<string, unknown> | undefined): Record<string, unknown> {
    const { version: _version, pluginDownloadURL: _url, __internal: _internal, ...rest } = inputs ?? {};
    return rest;
}

function describeContract(contract: Contract): string {
    if ("provider" in contract) return "the provider's configuration";
    return "resource" in contract ? `${contract.resource} ${contract.part}` : `${contract.function} ${contract.part}`;
}

function checkObject(spec: ObjectSpec, value: unknown, at: string, options: ConformanceOptions, errors: string[]): void {
    if (!isObject(value)) {
        errors.push(`${at || "(the whole value)"}: expected an object, got ${describe(value)}`);
        return;
    }
    for (const [key, item] of Object.entries(value)) {
        const property = spec.properties[key];
        if (!property) errors.push(`${at}.${key}: not declared by the schema (got ${describe(item)})`);
        else checkValue(property, item, `${at}.${key}`, options, errors, property.secret === true);
    }
    if (options.failedCheck) return;
    for (const key of spec.required) {
        if (!Object.hasOwn(value, key) || value[key] === undefined || value[key] === null) errors.push(`${at}.${key}: required, but missing`);
    }
}

function checkValue(spec: TypeSpec, value: unknown, at: string, options: ConformanceOptions, errors: string[], mustBeSecret = false): void {
    const secret = secretValue(value);
    if (secret.isSecret) return checkValue(spec, secret.value, at, options, errors);
    if (mustBeSecret) errors.push(`${at}: declared secret, but sent in clear`);
    if (value === null || value === undefined) return; // absent: `required` says whether it may be
    if (typeof value === "string" && UNKNOWN_SENTINELS.has(value)) {
        if (!options.unknowns) errors.push(`${at}: an unknown value, where the engine sends none`);
        return;
    }
    if (spec.$ref !== undefined) {
        const type = types[spec.$ref.replace(/^#\/types\//, "")];
        if (!type) errors.push(`${at}: the schema's $ref ${spec.$ref} names no type`);
        else checkObject(type, value, at, options, errors);
        return;
    }
    switch (spec.type) {
        case "string":
        case "boolean":
            if (typeof value !== spec.type) errors.push(`${at}: expected ${spec.type}, got ${describe(value)}`);
            return;
        case "number":
            if (typeof value !== "number" || !Number.isFinite(value)) errors.push(`${at}: expected number, got ${describe(value)}`);
            return;
        case "integer":
            if (typeof value !== "number" || !Number.isInteger(value)) errors.push(`${at}: expected integer, got ${describe(value)}`);
            return;
        case "array":
            if (!Array.isArray(value)) errors.push(`${at}: expected array, got ${describe(value)}`);
            else value.forEach((item, i) => checkValue(spec.items ?? {}, item, `${at}[${i}]`, options, errors));
            return;
        case "object":
            if (!isObject(value)) errors.push(`${at}: expected object, got ${describe(value)}`);
            else for (const [key, item] of Object.entries(value)) checkValue(spec.additionalProperties ?? {}, item, `${at}.${key}`, options, errors);
            return;
        case undefined:
            return; // any
        default:
            errors.push(`${at}: the schema declares an unknown type ${spec.type}`);
    }
}

/** A secret as the plugin's wire format carries it (`value`), or as an export with `--show-secrets` does (`plaintext`, JSON). */
function secretValue(value: unknown): { isSecret: false } | { isSecret: true; value: unknown } {
    if (!isObject(value) || value[SIGNATURE_KEY] !== SECRET_SIGNATURE) return { isSecret: false };
    if (Object.hasOwn(value, "value")) return { isSecret: true, value: value["value"] };
    if (typeof value["plaintext"] === "string") return { isSecret: true, value: JSON.parse(value["plaintext"]) as unknown };
    return { isSecret: true, value: undefined }; // ciphertext: the type cannot be seen
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
    const type = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    const text = JSON.stringify(value) ?? String(value);
    return `${type} ${text.length > 80 ? `${text.slice(0, 77)}...` : text}`;
}
