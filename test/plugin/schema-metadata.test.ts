/**
 * The schema as a registry and the SDKs read it: the package's metadata, where the engine fetches the plugin, and a
 * description on every property (each SDK's doc comments and the registry's docs are made of them).
 */
import { describe, expect, it } from "vitest";
import { PLUGIN_DOWNLOAD_URL, REPOSITORY } from "../../provider/plugin/package-identity";
import { packageSchema } from "../../provider/plugin/schema";

interface Described {
    description?: unknown;
}
type Properties = Record<string, Described>;

const schema = packageSchema("1.2.3") as unknown as {
    config: { variables: Properties };
    provider: { inputProperties: Properties; properties: Properties };
    resources: Record<string, { inputProperties: Properties; properties: Properties }>;
    functions: Record<string, { inputs: { properties: Properties }; outputs: { properties: Properties } }>;
    types: Record<string, { properties: Properties }>;
};

/** Every property of the schema, named by where it is. */
function everyProperty(): Array<{ where: string; property: Described }> {
    const list = (where: string, properties: Properties) => Object.entries(properties).map(([name, property]) => ({ where: `${where}.${name}`, property }));
    return [
        ...list("config", schema.config.variables),
        ...list("provider inputs", schema.provider.inputProperties),
        ...list("provider outputs", schema.provider.properties),
        ...Object.entries(schema.resources).flatMap(([token, r]) => [...list(`${token} inputs`, r.inputProperties), ...list(`${token} outputs`, r.properties)]),
        ...Object.entries(schema.functions).flatMap(([token, f]) => [...list(`${token} args`, f.inputs.properties), ...list(`${token} result`, f.outputs.properties)]),
        ...Object.entries(schema.types).flatMap(([token, t]) => list(token, t.properties)),
    ];
}

describe("the package schema", () => {
    it("names its publisher, display name, keywords, repository, license and homepage, and where the plugin is fetched from", () => {
        expect(packageSchema("1.2.3")).toMatchObject({
            publisher: expect.any(String),
            displayName: expect.any(String),
            keywords: expect.arrayContaining(["pulumi", "openai"]),
            repository: REPOSITORY,
            license: "Apache-2.0",
            homepage: REPOSITORY,
            pluginDownloadURL: PLUGIN_DOWNLOAD_URL,
        });
        expect(packageSchema("1.2.3", "http://127.0.0.1:8080/").pluginDownloadURL).toBe("http://127.0.0.1:8080/");
    });

    it("describes every property: config, the provider's, each resource's inputs and outputs, each function's arguments and result, each type's", () => {
        const properties = everyProperty();
        expect(properties.length).toBeGreaterThan(40);
        const undescribed = properties.filter(({ property }) => typeof property.description !== "string" || property.description.trim() === "");
        expect(undescribed.map(({ where }) => where)).toEqual([]);
    });
});
