/**
 * `npm run bench plugin-start`: how long the plugin takes from launch to the port line the engine waits for, the
 * release's single executable (release/, from `npm run release`) beside the folder plugin on Node.js
 * (`node plugin/index.js`, the compiled dist/, as the Node.js language host runs it), alternated, medians of 9.
 * Each is given an engine address nothing listens on: neither calls the engine before printing its port. Also the
 * executable's size, packed and unpacked.
 */
import { spawn } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { extract } from "tar";
import { PLUGIN_BINARY, pluginArchiveName } from "../../provider/plugin/package-identity";
import { REPO_ROOT } from "../../tools/engine/engine";
import { RELEASE_DIR } from "../../tools/release/release";
import { median } from "./median";

const RUNS = 9;
const ENGINE_ADDRESS = "127.0.0.1:1";

/** Launches `command` and resolves with the ms until it prints its port, then ends it. */
function untilPort(command: string, args: readonly string[]): Promise<number> {
    return new Promise((resolve, reject) => {
        const start = performance.now();
        const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let output = "";
        const timer = setTimeout(() => {
            child.kill("SIGKILL");
            reject(new Error(`${command}: no port line in 60 s:\n${output}`));
        }, 60_000);
        child.stdout.on("data", (chunk: Buffer) => {
            output += chunk.toString("utf8");
            if (/^\d+\n/.test(output)) {
                const elapsed = performance.now() - start;
                clearTimeout(timer);
                child.once("exit", () => resolve(elapsed));
                child.kill("SIGKILL");
            }
        });
        child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
        child.once("error", reject);
    });
}

export default async function run(): Promise<void> {
    const version = (require(path.join(REPO_ROOT, "package.json")) as { version: string }).version;
    const archive = path.join(RELEASE_DIR, pluginArchiveName(version, "linux", "amd64"));
    if (!existsSync(archive)) throw new Error(`${path.relative(REPO_ROOT, archive)} is missing: run npm run release first`);
    const dir = await mkdtemp(path.join(tmpdir(), "plugin-start-"));
    try {
        await extract({ file: archive, cwd: dir });
        const executable = path.join(dir, PLUGIN_BINARY);
        const sides = {
            executable: () => untilPort(executable, [ENGINE_ADDRESS]),
            "node plugin/": () => untilPort(process.execPath, [path.join(REPO_ROOT, "plugin", "index.js"), ENGINE_ADDRESS]),
        };
        const samples: Record<string, number[]> = { executable: [], "node plugin/": [] };
        for (let i = 0; i < RUNS; i++) {
            for (const [name, start] of Object.entries(sides)) samples[name]!.push(await start());
        }
        const baseline = median(samples["node plugin/"]!);
        console.log("| plugin | start to port, median of 9 | ÷ node plugin/ |");
        console.log("| --- | --- | --- |");
        for (const [name, values] of Object.entries(samples)) {
            console.log(`| ${name} | ${median(values).toFixed(0)} ms (${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}) | ${(median(values) / baseline).toFixed(2)} |`);
        }
        const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
        console.log(`\nexecutable (linux-amd64): ${mb(statSync(archive).size)} packed, ${mb(statSync(executable).size)} unpacked`);
    } finally {
        await rm(dir, { recursive: true, force: true });
    }
}
