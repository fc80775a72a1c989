/**
 * The plugin's Node.js SDK as an npm tarball, the way `pulumi package pack-sdk` packs one: compiled by its own
 * tsconfig (into bin/), its package.json beside the output, and `npm pack` of that folder.
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
    const cli = process.env["npm_execpath"];
    const [command, ...prefix] = cli ? [process.execPath, cli] : ["npm"];
    const { stdout } = await execFileAsync(command!, [...prefix, "pack", "--json", "--ignore-scripts", "--pack-destination", outDir], { cwd: bin, timeout: 600_000 });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string }>;
    return path.join(outDir, packed!.filename);
}
