/**
 * The release's npm tarballs: the plugin's Node.js SDK, the way `pulumi package pack-sdk` packs one (compiled by its
 * own tsconfig into bin/, its package.json beside the output, and `npm pack` of that folder); and this package itself,
 * the TypeScript surface, which is not on the npm registry yet, so users install it from the release.
 */
import { execFile } from "node:child_process";
import { copyFile, symlink } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../engine/engine";

const execFileAsync = promisify(execFile);

/** Compiles the SDK in `sdkDir` (a generated copy: bin/ and node_modules are written into it) and packs it into `outDir`. */
export async function nodejsTarball(sdkDir: string, outDir: string): Promise<string> {
    // Compiled against the repository's @pulumi/pulumi and TypeScript, as a user's `npm install` would provide them.
    await symlink(path.join(REPO_ROOT, "node_modules"), path.join(sdkDir, "node_modules"), "dir");
    const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
    await execFileAsync(process.execPath, [tsc, "-p", path.join(sdkDir, "tsconfig.json")], { cwd: sdkDir, timeout: 600_000 });
    const bin = path.join(sdkDir, "bin");
    for (const file of ["package.json", "README.md"]) await copyFile(path.join(sdkDir, file), path.join(bin, file));
    return npmPack(bin, outDir, ["--ignore-scripts"]);
}

/** This package as `npm pack` makes it (its `prepack` builds dist/), into `outDir`. */
export function packageTarball(outDir: string): Promise<string> {
    return npmPack(REPO_ROOT, outDir);
}

/** `npm pack` of the folder `cwd` into `outDir`, with the npm that runs this script; the tarball's path. */
async function npmPack(cwd: string, outDir: string, flags: readonly string[] = []): Promise<string> {
    const cli = process.env["npm_execpath"];
    const [command, ...prefix] = cli ? [process.execPath, cli] : ["npm"];
    const { stdout } = await execFileAsync(command!, [...prefix, "pack", "--json", ...flags, "--pack-destination", outDir], { cwd, timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
    const packed = (JSON.parse(stdout) as Array<{ filename: string }>).at(-1);
    return path.join(outDir, packed!.filename);
}
