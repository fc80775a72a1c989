/**
 * `npm run engine`: makes the Pulumi CLI and its Node.js, YAML, Python and Go language hosts available to the engine
 * tests and prints where they are (see ./engine.ts for where they come from).
 *
 *     npm run engine                      # use a pulumi >= 3.221 on PATH, else build (or reuse the cached build)
 *     npm run engine -- --from-source     # ignore a pulumi on PATH (same as PULUMI_E2E_ENGINE=source)
 *     npm run engine -- --rebuild         # rebuild from source even if the cache has this build
 *
 * The last line on stdout is the bin directory; everything else goes to stderr. Exit code 1 if no engine could be
 * had (no new-enough pulumi on PATH and no Go toolchain, or the build failed).
 */
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
    DYNAMIC_PROVIDER_SHIM,
    ENGINE_MODULE_DIR,
    LANGUAGE_HOSTS,
    SDK_GENERATOR,
    STAMP_FILE,
    YAML_LANGUAGE_MODULE,
    YAML_MODULE_DIR,
    ambientEngine,
    builtEngine,
    pinnedVersion,
    pinnedYamlVersion,
    pulumiVersion,
    sourceBuildBinDir,
    type Engine,
} from "./engine";

const log = (message: string) => process.stderr.write(`${message}\n`);

function findGo(): string | undefined {
    const candidates = [
        ...(process.env["PATH"] ?? "").split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, "go")),
        process.env["GOROOT"] ? path.join(process.env["GOROOT"], "bin", "go") : "",
        "/usr/local/go/bin/go",
    ].filter(Boolean);
    return candidates.find((candidate) => existsSync(candidate));
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<void> {
    return new Promise((resolve, reject) => {
        const child = spawn(command, args, { ...options, stdio: ["ignore", "inherit", "inherit"] });
        child.on("error", reject);
        child.on("exit", (code, signal) =>
            code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} failed (${signal ?? code})`)),
        );
    });
}

async function buildFromSource(): Promise<Engine> {
    const version = pinnedVersion();
    const binDir = sourceBuildBinDir();
    const go = findGo();
    if (!go) {
        throw new Error(
            "No Pulumi engine: there is no pulumi >= 3.221 on PATH and no Go toolchain to build one " +
                "(install Go >= 1.26 or the Pulumi CLI, then run `npm run engine` again).",
        );
    }
    const buildDir = `${binDir}.tmp-${process.pid}`;
    rmSync(buildDir, { recursive: true, force: true });
    mkdirSync(buildDir, { recursive: true });

    const ldflags = `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}`;
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        GOWORK: "off",
        GOFLAGS: "-mod=readonly -buildvcs=false",
    };
    log(`Building the Pulumi CLI v${version}, the Node.js, Python, Go and YAML language hosts and the SDK generator from Go modules with ${go}`);
    log(`(the first build downloads the modules and compiles the CLI: several minutes; later runs reuse the cache)`);
    const started = Date.now();
    await run(
        go,
        [
            "build",
            "-trimpath",
            "-ldflags",
            ldflags,
            "-o",
            buildDir + path.sep,
            "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi",
            ...LANGUAGE_HOSTS.map((name) => `./cmd/${name}`),
            `./cmd/${SDK_GENERATOR}`,
        ],
        { cwd: ENGINE_MODULE_DIR, env },
    );
    // After the CLI, not beside it: two Go builds at once would only fight over the cores.
    await run(
        go,
        [
            "build",
            "-trimpath",
            "-ldflags",
            `-X ${YAML_LANGUAGE_MODULE}/pkg/version.Version=v${pinnedYamlVersion()}`,
            "-o",
            buildDir + path.sep,
            `${YAML_LANGUAGE_MODULE}/cmd/pulumi-language-yaml`,
        ],
        { cwd: YAML_MODULE_DIR, env },
    );
    const shim = path.join(buildDir, "pulumi-resource-pulumi-nodejs");
    writeFileSync(shim, DYNAMIC_PROVIDER_SHIM);
    chmodSync(shim, 0o755);

    const built = await pulumiVersion(path.join(buildDir, "pulumi"));
    if (built !== version) throw new Error(`the built pulumi reports v${built}, expected v${version}`);
    writeFileSync(path.join(buildDir, STAMP_FILE), `${new Date().toISOString()} ${go}\n`);

    rmSync(binDir, { recursive: true, force: true });
    renameSync(buildDir, binDir);
    // Builds for other versions or sources are stale (each is ~200 MB); the Go build cache stays.
    const buildRoot = path.dirname(binDir);
    for (const entry of readdirSync(path.dirname(buildRoot))) {
        const other = path.join(path.dirname(buildRoot), entry);
        if (other !== buildRoot) rmSync(other, { recursive: true, force: true });
    }
    log(`Built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return { binDir, version, source: "source" };
}

async function main(): Promise<void> {
    const args = new Set(process.argv.slice(2));
    const rebuild = args.has("--rebuild");
    if (args.has("--from-source") || rebuild) process.env["PULUMI_E2E_ENGINE"] = "source";

    let engine: Engine | undefined;
    const ambient = await ambientEngine();
    if ("binDir" in ambient) {
        engine = ambient;
    } else {
        log(`Not using a pulumi from PATH: ${ambient.reason}`);
        engine = rebuild ? undefined : builtEngine();
        if (engine) log(`Using the cached build from source`);
        engine ??= await buildFromSource();
    }
    const origin = engine.source === "path" ? "found on PATH" : "built from Go modules";
    log(`Pulumi engine v${engine.version} (${origin}); put this directory first on PATH:`);
    process.stdout.write(`${engine.binDir}\n`);
}

main().catch((error: unknown) => {
    log(`npm run engine: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
});
