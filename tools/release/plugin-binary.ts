/**
 * The plugin as one executable per platform, which needs no Node.js on the user's machine: esbuild bundles the
 * plugin's entry (provider/plugin/executable.ts) with @pulumi/pulumi and every other dependency into one script;
 * Node.js writes it into a single-executable-application blob; postject injects the blob into each platform's
 * official Node.js binary (./node-binaries.ts). Each goes into the archive the engine downloads,
 * `pulumi-resource-openai-checkpoints-v<version>-<os>-<arch>.tar.gz`, the executable at its root.
 *
 * The blob carries no code cache or snapshot: those are only valid on the platform that made them, and the same
 * blob goes into every binary.
 */
import { execFile } from "node:child_process";
import { chmod, copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { build, type Plugin } from "esbuild";
import { inject } from "postject";
import { create } from "tar";
import { PLUGIN_BINARY, pluginArchiveName } from "../../provider/plugin/package-identity";
import { REPO_ROOT } from "../engine/engine";
import { NODE_VERSION, nodeBinary, type Platform } from "./node-binaries";

const execFileAsync = promisify(execFile);

/** The fuse Node.js looks for to know a blob was injected (Node.js' documentation of single executable applications). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

/**
 * @pulumi/pulumi loads TypeScript through its typescript-shim when its closure modules load, from node_modules or a
 * vendored copy found by path: neither exists in a single executable. The plugin never calls it, so the shim is
 * replaced by a module whose every use throws, saying why.
 */
const withoutTypeScript: Plugin = {
    name: "without-typescript",
    setup(build) {
        build.onResolve({ filter: /[\\/]typescript-shim(\.js)?$/ }, (args) => ({ path: args.path, namespace: "without-typescript" }));
        build.onLoad({ filter: /.*/, namespace: "without-typescript" }, () => ({
            contents:
                'module.exports = new Proxy({}, { get(_, name) { throw new Error("TypeScript is not in the openai-checkpoints plugin\'s executable (asked for " + String(name) + ")"); } });',
            loader: "js",
        }));
    },
};

/** Bundles the plugin and writes the blob every platform's executable gets; returns the blob's path. */
export async function pluginBlob(workDir: string): Promise<string> {
    if (process.version !== `v${NODE_VERSION}`) {
        throw new Error(`npm run release must run on Node.js ${NODE_VERSION} (the binaries' version), not ${process.version}: run it through npm`);
    }
    const bundle = path.join(workDir, "plugin.js");
    await build({
        entryPoints: [path.join(REPO_ROOT, "provider", "plugin", "executable.ts")],
        outfile: bundle,
        bundle: true,
        platform: "node",
        target: `node${NODE_VERSION.split(".")[0]}`,
        format: "cjs",
        minify: true,
        // Names stay: the engine's log and error messages show the provider's classes and functions.
        keepNames: true,
        logLevel: "warning",
        // configure.ts resolves @pulumi/pulumi from its folder by default; the executable hands it the bundled parts
        // instead (provider/plugin/executable.ts), so that default never runs here.
        logOverride: { "require-resolve-not-external": "silent" },
        // @pulumi/pulumi's closure serializer (and its TypeScript-based analyzer) reach for TypeScript only when a
        // program serializes a function or a component is analysed from source; a provider does neither.
        external: ["typescript"],
        plugins: [withoutTypeScript],
    });
    const blob = path.join(workDir, "plugin.blob");
    const config = path.join(workDir, "sea-config.json");
    await writeFile(config, JSON.stringify({ main: bundle, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false, useSnapshot: false }));
    await execFileAsync(process.execPath, ["--experimental-sea-config", config], { cwd: workDir });
    return blob;
}

/** The platform's executable with the blob injected, archived into `outDir`; returns the archive's path. */
export async function pluginArchive(platform: Platform, blob: string, version: string, workDir: string, outDir: string): Promise<string> {
    const dir = path.join(workDir, `${platform.os}-${platform.arch}`);
    await mkdir(dir, { recursive: true });
    const executable = path.join(dir, platform.os === "windows" ? `${PLUGIN_BINARY}.exe` : PLUGIN_BINARY);
    await copyFile(await nodeBinary(platform), executable);
    await chmod(executable, 0o755);
    await inject(executable, "NODE_SEA_BLOB", await readFile(blob), {
        sentinelFuse: SEA_FUSE,
        ...(platform.os === "darwin" ? { machoSegmentName: "NODE_SEA" } : {}),
    });
    const archive = path.join(outDir, pluginArchiveName(version, platform.os, platform.arch));
    await create({ gzip: { level: 9 }, file: archive, cwd: dir, portable: true }, [path.basename(executable)]);
    return archive;
}
