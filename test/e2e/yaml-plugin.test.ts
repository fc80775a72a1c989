/** The YAML example on the repository's plugin directory (plugin/, running the built dist/). */
import { REPOSITORY_PLUGIN_DIR, yamlPluginSuite } from "./yaml-plugin-suite";

yamlPluginSuite({ label: "repository", pluginDir: () => REPOSITORY_PLUGIN_DIR });
