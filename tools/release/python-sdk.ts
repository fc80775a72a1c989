/**
 * The Python SDK as a wheel and an sdist, built by PyPA's `build` in a virtual environment of pinned tools from
 * PyPI, cached outside the repository (no build isolation: the pinned setuptools builds it, nothing is fetched per
 * build).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { cacheRoot } from "../engine/engine";

const execFileAsync = promisify(execFile);

export const PYTHON_BUILD_TOOLS = ["build==1.6.1", "setuptools==84.2.1", "wheel==0.48.0"];

async function buildEnvironment(): Promise<string> {
    const venv = path.join(path.dirname(cacheRoot()), `python-build-${PYTHON_BUILD_TOOLS.join("-").replace(/[^\w.-]/g, "_")}`);
    if (existsSync(path.join(venv, ".complete"))) return venv;
    const building = `${venv}.tmp-${process.pid}`;
    await rm(building, { recursive: true, force: true });
    try {
        await execFileAsync("python3", ["-m", "venv", building]);
        await execFileAsync(path.join(building, "bin", "pip"), ["install", "--quiet", ...PYTHON_BUILD_TOOLS], { timeout: 600_000 });
        await writeFile(path.join(building, ".complete"), "");
        await rm(venv, { recursive: true, force: true });
        await rename(building, venv);
    } finally {
        await rm(building, { recursive: true, force: true });
    }
    return venv;
}

/** Builds the wheel and the sdist of the SDK in `sdkDir` into `outDir`; returns their paths. */
export async function pythonDistributions(sdkDir: string, outDir: string): Promise<string[]> {
    const venv = await buildEnvironment();
    const before = new Set(existsSync(outDir) ? await readdir(outDir) : []);
    await execFileAsync(path.join(venv, "bin", "python"), ["-m", "build", "--no-isolation", "--wheel", "--sdist", "--outdir", outDir, sdkDir], {
        cwd: sdkDir,
        timeout: 600_000,
        maxBuffer: 16 * 1024 * 1024,
    });
    return (await readdir(outDir)).filter((file) => !before.has(file)).map((file) => path.join(outDir, file));
}
