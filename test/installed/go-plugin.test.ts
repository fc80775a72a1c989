/**
 * The Go example (examples/go-checkpoint-access) on the plugin, end to end on the real engine and this repository's
 * Go language host, from a user's project that got the package's Go SDK by the README's `go get` through the
 * release's module proxy folder, the engine fetching the plugin's executable itself (no Node.js on PATH). See
 * ./support/plugin-language-suite.ts.
 */
import { pluginLanguageSuite } from "./support/plugin-language-suite";

pluginLanguageSuite("go");
