/**
 * Where a Node.js process of the CLI's tree spends its time during one command: V8's CPU profile (`--cpu-prof`, given
 * to every node process the CLI starts through `NODE_OPTIONS`), each sample's time filed under what was running, by
 * its function's file. The longest-running profile is the program of a TypeScript stack. V8 writes a profile when the
 * process exits on its own: a plugin, which the engine kills, writes none.
 *
 * Self time only: a sample counts for the function on top of the stack, so "this package" is its own code (with
 * undici and zod, which only it uses), not the SDK calls it makes.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

/** What a sample's time is filed under, first match wins. */
const CATEGORIES: ReadonlyArray<readonly [string, (url: string, functionName: string) => boolean]> = [
    ["waiting (idle: the engine, the API)", (_url, name) => name === "(idle)"],
    ["garbage collection", (_url, name) => name === "(garbage collector)"],
    ["this package (with undici and zod)", (url) => /pulumi-openai-checkpoint-permissions|\/dist\/provider\/|\/node_modules\/(undici|zod)\//.test(url)],
    ["ts-node's source maps (formatting the stack traces the SDK takes)", (url) => url.includes("source-map-support")],
    ["@pulumi/pulumi, gRPC and protobuf", (url) => /\/node_modules\/(@pulumi|@grpc|google-protobuf|@protobufjs)\//.test(url)],
    ["loading and compiling modules (TypeScript included)", (url, name) => url.startsWith("node:internal/modules") || /\/node_modules\/typescript\//.test(url) || name === "compileFunction" || name === "readFileUtf8"],
];
const OTHER = "everything else (Node.js itself, other modules)";

export interface CpuProfileBreakdown {
    /** The profiled process's wall time, ms. */
    readonly totalMs: number;
    /** Ms by category, largest first. */
    readonly byCategory: ReadonlyArray<readonly [string, number]>;
}

interface V8Profile {
    readonly nodes: ReadonlyArray<{ readonly id: number; readonly callFrame: { readonly url: string; readonly functionName: string } }>;
    readonly samples: readonly number[];
    readonly timeDeltas: readonly number[];
    readonly startTime: number;
    readonly endTime: number;
}

/** Runs `command` with every node process it starts profiled; the breakdown of the one that ran longest. */
export async function profiledRun(command: (env: Record<string, string>) => Promise<unknown>): Promise<CpuProfileBreakdown> {
    const dir = await mkdtemp(path.join(tmpdir(), "cpu-profile-"));
    try {
        await command({ NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}` });
        const profiles = await Promise.all(
            (await readdir(dir)).filter((file) => file.endsWith(".cpuprofile")).map(async (file) => JSON.parse(await readFile(path.join(dir, file), "utf8")) as V8Profile),
        );
        const longest = profiles.sort((a, b) => b.endTime - b.startTime - (a.endTime - a.startTime))[0];
        if (longest === undefined) throw new Error("no node process of the command wrote a CPU profile");
        return breakdown(longest);
    } finally {
        await rm(dir, { recursive: true, force: true });
    }
}

function breakdown(profile: V8Profile): CpuProfileBreakdown {
    const category = new Map(
        profile.nodes.map(({ id, callFrame: { url, functionName } }) => [id, CATEGORIES.find(([, matches]) => matches(url, functionName))?.[0] ?? OTHER]),
    );
    const ms = new Map<string, number>();
    profile.samples.forEach((node, i) => {
        const name = category.get(node) ?? OTHER;
        ms.set(name, (ms.get(name) ?? 0) + profile.timeDeltas[i]! / 1000);
    });
    return { totalMs: (profile.endTime - profile.startTime) / 1000, byCategory: [...ms].sort((a, b) => b[1] - a[1]) };
}
