/**
 * The Go example (examples/go-checkpoint-access) on the plugin, end to end on the real engine and this repository's
 * Go language host, from a user's project that installed the packed tarball and added the package's Go SDK by the
 * README's `go mod edit`. See ./support/plugin-language-suite.ts.
 */
import { pluginLanguageSuite } from "./support/plugin-language-suite";

pluginLanguageSuite("go");
