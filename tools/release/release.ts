/**
 * `npm run release [-- --download-url <url>] [--out <dir>]`: everything a user installs, into release/ (or <dir>):
 *
 * - `pulumi-resource-openai-checkpoints-v<version>-<os>-<arch>.tar.gz` per platform (./plugin-binary.ts);
 * - the Python SDK's wheel and sdist (./python-sdk.ts);
 * - `goproxy/`, the Go SDK as a Go module proxy directory (./go-module.ts);
 * - the plugin's Node.js SDK as an npm tarball, and this package's own (the TypeScript surface) (./nodejs-sdk.ts);
 * - `SHA256SUMS` of all of them.
 *
 * The version is package.json's. The SDKs are generated afresh from the schema, with `--download-url` as the
 * `pluginDownloadURL` they carry (the engine fetches the plugin from there) when given.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { PLUGIN_DOWNLOAD_URL } from "../../provider/plugin/package-identity";
import { REPO_ROOT } from "../engine/engine";
import { generateSdks } from "../engine/sdk";
import { goProxyModule } from "./go-module";
import { PLATFORMS } from "./node-binaries";
import { nodejsTarball, packageTarball } from "./nodejs-sdk";
import { pluginArchive, pluginBlob } from "./plugin-binary";
import { pythonDistributions } from "./python-sdk";

export const RELEASE_DIR = path.join(REPO_ROOT, "release");
export const CHECKSUMS_FILE = "SHA256SUMS";

export interface ReleaseOptions {
    readonly out?: string;
    /** The SDKs' `pluginDownloadURL`; default the published one (provider/plugin/package-identity.ts). */
    readonly downloadUrl?: string;
    /** Progress lines; default none. */
    readonly log?: (line: string) => void;
}

function packageVersion(): string {
    return (require(path.join(REPO_ROOT, "package.json")) as { version: string }).version;
}

/** The commit's time: the Go module version's, so the same commit makes the same proxy files. */
function commitTime(): Date {
    try {
        return new Date(execFileSync("git", ["log", "-1", "--format=%cI"], { cwd: REPO_ROOT, encoding: "utf8" }).trim());
    } catch {
        return new Date(0);
    }
}

/** Builds every artifact into `out` (emptied first); returns the files written, relative to it. */
export async function buildRelease(options: ReleaseOptions = {}): Promise<string[]> {
    const out = path.resolve(options.out ?? RELEASE_DIR);
    const log = options.log ?? (() => {});
    const version = packageVersion();
    await rm(out, { recursive: true, force: true });
    await mkdir(out, { recursive: true });
    const work = await mkdtemp(path.join(tmpdir(), "openai-checkpoints-release-"));
    try {
        const sdks = path.join(work, "sdk");
        log(`SDKs (pluginDownloadURL ${options.downloadUrl ?? PLUGIN_DOWNLOAD_URL})`);
        await generateSdks(sdks, undefined, { pluginDownloadURL: options.downloadUrl });

        log("the plugin's bundle");
        const blob = await pluginBlob(work);
        for (const platform of PLATFORMS) {
            log(`the plugin for ${platform.os}-${platform.arch}`);
            await pluginArchive(platform, blob, version, work, out);
        }
        log("the Python SDK");
        await pythonDistributions(path.join(sdks, "python"), out);
        log("the Go SDK");
        await goProxyModule(sdks, version, commitTime(), path.join(out, "goproxy"));
        log("the Node.js SDK");
        await nodejsTarball(path.join(sdks, "nodejs"), out);
        log("the package (TypeScript)");
        await packageTarball(out);

        const files = (await readdir(out, { recursive: true, withFileTypes: true }))
            .filter((entry) => entry.isFile())
            .map((entry) => path.relative(out, path.join(entry.parentPath, entry.name)))
            .sort();
        const sums = await Promise.all(files.map(async (file) => `${await sha256(path.join(out, file))}  ${file}\n`));
        await writeFile(path.join(out, CHECKSUMS_FILE), sums.join(""));
        return [...files, CHECKSUMS_FILE];
    } finally {
        await rm(work, { recursive: true, force: true });
    }
}

function sha256(file: string): Promise<string> {
    return new Promise((resolve, reject) => {
        const hash = createHash("sha256");
        createReadStream(file)
            .on("data", (chunk) => hash.update(chunk))
            .on("end", () => resolve(hash.digest("hex")))
            .on("error", reject);
    });
}

async function main(): Promise<void> {
    const { values } = parseArgs({ options: { "download-url": { type: "string" }, out: { type: "string" } } });
    const downloadUrl = values["download-url"];
    if (downloadUrl !== undefined && !/^(https?|github|gitlab):\/\/\S+$/.test(downloadUrl)) {
        throw new Error(`--download-url must be an http(s)://, github:// or gitlab:// URL, got "${downloadUrl}"`);
    }
    const out = values.out ?? RELEASE_DIR;
    const log = (line: string) => process.stderr.write(`${line}\n`);
    for (const file of await buildRelease({ out, downloadUrl, log })) log(`wrote ${path.relative(process.cwd(), path.join(out, file))}`);
}

if (require.main === module) {
    main().catch((error: unknown) => {
        process.stderr.write(`npm run release: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    });
}
