/**
 * Where the plugin and its SDKs are published, and what they are called there: the schema carries these to every
 * SDK (which tell the engine where to fetch the plugin), and `npm run release` (tools/release) names its artifacts
 * by them.
 */

/** The package's (and the plugin's) name: the plugin binary is `pulumi-resource-<name>`. */
export const PACKAGE_NAME = "openai-checkpoints";

/** The source repository; its GitHub releases hold the plugin's archives. */
export const REPOSITORY = "https://github.com/pulumi-openai-checkpoint-permissions/pulumi-openai-checkpoints";

/**
 * Where the engine fetches the plugin from when a program needs it (the schema's `pluginDownloadURL`). The
 * `github://` form: the engine finds the release `v<version>` through GitHub's API and downloads its asset
 * `pulumi-resource-openai-checkpoints-v<version>-<os>-<arch>.tar.gz` (a GITHUB_TOKEN in the environment is used for
 * private repositories and rate limits). `npm run release -- --download-url <url>` puts another in the SDKs; an
 * `http(s)://` URL is then the folder holding the archives.
 */
export const PLUGIN_DOWNLOAD_URL = "github://api.github.com/pulumi-openai-checkpoint-permissions/pulumi-openai-checkpoints";

/** The plugin's executable, as the engine looks for it in an archive. */
export const PLUGIN_BINARY = `pulumi-resource-${PACKAGE_NAME}`;

/** The archive of the plugin for one platform (the engine's naming: os linux/darwin/windows, arch amd64/arm64). */
export function pluginArchiveName(version: string, os: string, arch: string): string {
    return `${PLUGIN_BINARY}-v${version}-${os}-${arch}.tar.gz`;
}

/**
 * The Go SDK: a module rooted at the repository's sdk/ (go.mod there), its package in sdk/go/openaicheckpoints, as
 * pulumi-aws lays out its own (module `…/sdk`, import `…/sdk/go/<package>`).
 */
export const GO_MODULE = "github.com/pulumi-openai-checkpoint-permissions/pulumi-openai-checkpoints/sdk";
export const GO_PACKAGE = "openaicheckpoints";
export const GO_IMPORT_PATH = `${GO_MODULE}/go/${GO_PACKAGE}`;

/** The Python SDK's distribution and import name. */
export const PYTHON_PACKAGE = "pulumi_openai_checkpoints";
