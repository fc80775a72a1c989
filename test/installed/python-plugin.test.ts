/**
 * The Python example (examples/python-checkpoint-access) on the plugin, end to end on the real engine and this
 * repository's Python language host, from a user's project that installed Pulumi's Python SDK from PyPI and the
 * release's wheel by the README's command, the engine fetching the plugin's executable itself (no Node.js on PATH);
 * then the README's Python block as a program. See ./support/plugin-language-suite.ts.
 */
import { pluginLanguageSuite } from "./support/plugin-language-suite";

pluginLanguageSuite("python");
