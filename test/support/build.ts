/**
 * Vitest global setup: builds the package once per run, as `npm run build` does. Programs, policy packs and the
 * serialized provider load the package by name (the repository links itself into node_modules), which resolves to
 * the compiled dist/, exactly as for a user who installed it.
 */
import { buildPackage } from "../../tools/build/build";

export default function build(): void {
    buildPackage();
}
