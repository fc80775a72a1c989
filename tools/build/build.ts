/**
 * `npm run build` (and `prepack`, and the tests' global setup): compiles the package into a fresh dist/, then the
 * policy pack's JavaScript against it. dist/ is built aside and swapped in whole, so a file deleted from the
 * sources never reaches a packed tarball, and a program running from dist/ meanwhile never sees it half-written.
 */
import { execFileSync } from "node:child_process";
import { renameSync, rmSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");
const DIST = path.join(ROOT, "dist");

export function buildPackage(): void {
    const fresh = `${DIST}.${process.pid}`;
    const old = `${DIST}.${process.pid}.old`;
    tsc("tsconfig.build.json", "--outDir", fresh);
    rmSync(old, { recursive: true, force: true });
    try {
        renameSync(DIST, old);
    } catch {
        // No dist/ yet.
    }
    renameSync(fresh, DIST);
    rmSync(old, { recursive: true, force: true });
    // After dist/: the pack compiles against the package's declarations there.
    tsc("policy-pack/tsconfig.json");
}

function tsc(project: string, ...args: string[]): void {
    const compiler = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
    execFileSync(process.execPath, [compiler, "-p", path.join(ROOT, project), ...args], { cwd: ROOT, stdio: "inherit" });
}

if (require.main === module) buildPackage();
