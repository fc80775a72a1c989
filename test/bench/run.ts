/**
 * `npm run bench [name…]`: runs every `test/bench/*.bench.ts` in turn, or only those whose file name
 * contains one of the names. Each exports `default async function run(): Promise<void>` and prints its own
 * table. Figures, never assertions: no test depends on speed.
 */
import { readdirSync } from "node:fs";
import { basename, join } from "node:path";

const SUFFIX = ".bench.ts";

interface BenchModule {
    default?: unknown;
}

/** The module's `run`, however the loader wrapped the default export (CommonJS interop nests it once). */
function runOf(module: BenchModule): (() => Promise<void>) | undefined {
    const exported = module.default;
    if (typeof exported === "function") return async () => void (await exported());
    if (typeof exported === "object" && exported !== null && "default" in exported) return runOf(exported);
    return undefined;
}

async function main(filters: readonly string[]): Promise<number> {
    const all = readdirSync(__dirname).filter((file) => file.endsWith(SUFFIX)).sort();
    const chosen = filters.length === 0 ? all : all.filter((file) => filters.some((filter) => file.includes(filter)));
    if (chosen.length === 0) {
        console.error(`No benchmark matches ${filters.map((f) => JSON.stringify(f)).join(", ")}; there are: ${all.map((f) => basename(f, SUFFIX)).join(", ")}`);
        return 2;
    }
    let failed = 0;
    for (const file of chosen) {
        console.log(`\n## ${basename(file, SUFFIX)}\n`);
        const run = runOf((await import(join(__dirname, file))) as BenchModule);
        try {
            if (!run) throw new Error(`${file} has no default export run(): Promise<void>`);
            await run();
        } catch (error) {
            failed++;
            console.error(`${file} failed:`, error);
        }
    }
    return failed === 0 ? 0 : 1;
}

main(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
});
