/**
 * The YAML programs users copy (the README's blocks and the YAML examples) against the plugin's schema: every type,
 * function and property they name exists, required inputs are given, and the plugin folder they point at is the one
 * the npm package ships. (The examples also run on the engine: test/e2e/yaml-plugin.test.ts,
 * test/e2e/organization-audit.test.ts, test/e2e/organization-enforce.test.ts.)
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { packageSchema } from "../../provider/plugin/schema";
import { readmeBlocks } from "../support/readme";

const root = path.resolve(__dirname, "../..");
const schema = packageSchema("0.0.0-test");
const packageJson = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { name: string; files: string[] };
const PROVIDER_TYPE = `pulumi:providers:${schema.name}`;

interface YamlResource {
    type: string;
    properties?: Record<string, unknown>;
}
interface YamlProgram {
    plugins?: { providers?: Array<{ name: string; path: string }> };
    resources?: Record<string, YamlResource>;
    variables?: Record<string, { "fn::invoke"?: { function: string; arguments: Record<string, unknown> } }>;
}

const programs: Array<{ name: string; program: YamlProgram }> = [
    ...["Which one? Dynamic resources or the plugin", "The plugin: YAML, Python and Go"].flatMap((section) =>
        readmeBlocks(section, "yaml").map((block, i) => ({ name: `README "${section}" yaml block ${i + 1}`, program: parse(block) as YamlProgram })),
    ),
    // The section's other block is a CI workflow.
    ...readmeBlocks("Enforce access", "yaml").map((block) => ({ name: `README "Enforce access" program`, program: parse(block) as YamlProgram })),
    ...readmeBlocks("Audit the whole organization", "yaml")
        .filter((block) => block.includes("resources:"))
        .map((block) => ({ name: `README "Audit the whole organization" program`, program: parse(block) as YamlProgram })),
    ...["examples/yaml-checkpoint-access", "examples/organization-audit/yaml", "examples/organization-enforce/yaml"].map((dir) => ({
        name: dir,
        program: parse(readFileSync(path.join(root, dir, "Pulumi.yaml"), "utf8")) as YamlProgram,
    })),
];

/** A schema member's input names and required inputs. */
function inputsOf(type: string): { names: string[]; required: string[] } {
    if (type === PROVIDER_TYPE) return { names: Object.keys(schema.provider.inputProperties), required: [] };
    const resource = (schema.resources as Record<string, { inputProperties: object; requiredInputs: string[] }>)[type];
    if (!resource) throw new Error(`${type} is not a resource of the schema`);
    return { names: Object.keys(resource.inputProperties), required: resource.requiredInputs };
}

describe.each(programs)("$name", ({ program }) => {
    it("names only resources of the schema, with inputs it has and every required one", () => {
        const resources = Object.entries(program.resources ?? {});
        expect(resources.length).toBeGreaterThan(0);
        for (const [name, resource] of resources) {
            const { names, required } = inputsOf(resource.type);
            const given = Object.keys(resource.properties ?? {});
            expect(names, `${name}: ${given.join(", ")}`).toEqual(expect.arrayContaining(given));
            expect(given, name).toEqual(expect.arrayContaining(required));
        }
    });
});

/** Every `fn::invoke` of the programs, by program and variable. */
const invokes = programs.flatMap(({ name, program }) =>
    Object.entries(program.variables ?? {}).flatMap(([variable, value]) => (value["fn::invoke"] ? [{ name: `${name}, ${variable}`, invoke: value["fn::invoke"] }] : [])),
);

describe("the invokes programs show", () => {
    it("are in the README and the example", () => {
        expect(invokes.map(({ name }) => name)).toEqual(
            expect.arrayContaining([expect.stringMatching(/^README /), expect.stringMatching(/^examples\/yaml-checkpoint-access, /)]),
        );
    });

    it.each(invokes)("$name: a function of the schema, with arguments it has and every required one", ({ invoke }) => {
        const fn = (schema.functions as Record<string, { inputs: { properties: object; required: string[] } }>)[invoke.function];
        expect(fn, invoke.function).toBeDefined();
        const given = Object.keys(invoke.arguments);
        expect(Object.keys(fn!.inputs.properties)).toEqual(expect.arrayContaining(given));
        expect(given).toEqual(expect.arrayContaining(fn!.inputs.required));
    });
});

describe("where programs get the plugin", () => {
    it("the README's programs name no plugin folder: users install the released executable; the package still ships the folder for development", () => {
        const named = programs.filter((p) => p.name.startsWith("README")).flatMap((p) => p.program.plugins?.providers ?? []);
        expect(named).toEqual([]);
        expect(packageJson.files).toEqual(expect.arrayContaining(["plugin/PulumiPlugin.yaml", "plugin/index.js", "dist/provider"]));
    });
});
