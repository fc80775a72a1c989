/**
 * Vitest global setup: builds the package once per run. Programs, policy packs and the serialized
 * provider load the package by name (the repository links itself into node_modules), which resolves to
 * the compiled dist/, exactly as for a user who installed it.
 */
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";

export default function build(): void {
    const root = resolve(__dirname, "../..");
    execFileSync(process.execPath, [resolve(root, "node_modules/typescript/bin/tsc"), "-p", resolve(root, "tsconfig.build.json")], {
        cwd: root,
        stdio: "inherit",
    });
}
