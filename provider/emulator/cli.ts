#!/usr/bin/env node
/**
 * Runs the emulator in the foreground:
 *
 *     openai-checkpoint-emulator --port <n> [options]     (in this repository: npm run emulator -- --port <n>)
 *
 * `--help` (`-h`) prints every option (cli-args.ts) and exits 0. Once listening, the first line is
 * `OpenAI emulator listening on http://<host>:<port>/v1`, so a parent process can wait for it and read the port
 * (useful with `--port 0`); the lines after it give the emulator's admin key and the `pulumi config set` commands
 * that point a stack at it. Bad flags or an unusable seed exit 2; a port that cannot be bound exits 1;
 * SIGINT/SIGTERM close the server and exit 0.
 */
import { CLI_HELP, CLI_USAGE, helpRequested, parseCliArgs, startLines, type CliOptions } from "./cli-args";
import { generateSeed } from "./generated-seed";

function fail(message: string): void {
    process.stderr.write(`emulator: ${message}\n`);
}

async function main(): Promise<number> {
    const argv = process.argv.slice(2);
    if (helpRequested(argv)) {
        process.stdout.write(`${CLI_HELP}\n`);
        return 0;
    }
    let options: CliOptions;
    try {
        options = parseCliArgs(argv);
    } catch (error) {
        fail(`${(error as Error).message}\n${CLI_USAGE}`);
        return 2;
    }

    // Loaded only once the flags are known good, so a typo is reported without loading zod and the server.
    const { loadSeedFile } = await import("./seed");
    const { startEmulator } = await import("./server");

    // The generator's options were checked with the flags: only a seed file can fail here.
    let seed = options.generate === undefined ? undefined : generateSeed(options.generate);
    try {
        if (options.seedFile !== undefined) seed = await loadSeedFile(options.seedFile);
    } catch (error) {
        fail(`Invalid --seed file: ${(error as Error).message}`);
        return 2;
    }

    let emulator;
    try {
        emulator = await startEmulator({
            host: options.host,
            port: options.port,
            ...(options.adminKey === undefined ? {} : { adminKey: options.adminKey }),
            ...(seed === undefined ? {} : { seed }),
            ...options.conditions,
        });
    } catch (error) {
        fail(`cannot listen on ${options.host}:${options.port}: ${(error as Error).message}`);
        return 1;
    }
    const running = emulator;
    // Handlers go in before the line is printed: a parent that signals as soon as it reads the line must
    // not find the process still without them (and killed by the default action).
    const stopped = new Promise<void>((resolve) => {
        const stop = (): void => {
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
            void running.close().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
    });
    process.stdout.write(startLines(emulator.baseUrl, emulator.adminKey).join("\n") + "\n");
    await stopped;
    return 0;
}

main().then(
    (status) => {
        process.exitCode = status;
    },
    (error: unknown) => {
        fail(error instanceof Error ? error.message : String(error));
        process.exitCode = 1;
    },
);
