/**
 * The plugin's entry: serves {@link CheckpointPermissionsProvider} to the engine. The plugin directory shipped in
 * the npm package (`plugin/`, with PulumiPlugin.yaml) calls this; the engine starts it through the Node.js language
 * host's RunPlugin, with the engine's address as the last argument.
 */
import { main } from "@pulumi/pulumi/provider";
import { handleConfigure } from "./configure";
import { engineLog } from "./engine-log";
import { CheckpointPermissionsProvider } from "./provider";

export { CheckpointPermissionsProvider, parseGrantId, type PluginSettings } from "./provider";
export { PACKAGE_NAME, GET_PERMISSIONS_TOKEN, PLUGIN_CONFIG_KEYS, packageSchema } from "./schema";

/** The package's version, which is the plugin's and its schema's. */
export function packageVersion(): string {
    return (require("pulumi-openai-checkpoint-permissions/package.json") as { version: string }).version;
}

/**
 * Serves the plugin until the engine goes away. Rejects, and the entry exits, when the @pulumi/pulumi it runs on
 * would not hand Configure to the provider.
 */
export async function serve(args: string[] = process.argv.slice(2)): Promise<void> {
    const plugin = new CheckpointPermissionsProvider(packageVersion(), engineLog(args));
    const configure = handleConfigure((settings, self) => plugin.configure(settings, self));
    await main(plugin, args);
    configure.assertServed();
}
