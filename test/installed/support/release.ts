/**
 * The release as users install it: `npm run release -- --download-url <the tests' server>` built once per test run
 * into the folder ./release-server.ts serves (the first test file that needs it builds it; the files run one after
 * another), and the environment of a user who has only the Pulumi engine: the CLI and its language hosts on PATH,
 * the language's own tools, and no Node.js.
 */
import { existsSync } from "node:fs";
import { mkdtemp, symlink } from "node:fs/promises";
import path from "node:path";
import { inject } from "vitest";
import { pluginArchiveName } from "../../../provider/plugin/package-identity";
import { CHECKSUMS_FILE, buildRelease } from "../../../tools/release/release";
import { requireEngine } from "../../e2e/harness";
import { runOrThrow } from "../../support/run";
import { PACKAGE_VERSION } from "./user-project";

export interface Release {
    readonly dir: string;
    /** The URL its SDKs fetch the plugin from. */
    readonly url: string;
    readonly version: string;
    /** This machine's plugin archive (linux-amd64). */
    readonly pluginArchive: string;
}

/** The release, built on first use. */
export async function testRelease(): Promise<Release> {
    const { dir, url } = inject("releaseServer");
    if (!existsSync(path.join(dir, CHECKSUMS_FILE))) {
        await buildRelease({ out: dir, downloadUrl: url });
    }
    return { dir, url, version: PACKAGE_VERSION, pluginArchive: path.join(dir, pluginArchiveName(PACKAGE_VERSION, "linux", "amd64")) };
}

/**
 * PATH for a user who has the engine and `tools` (e.g. python3, go) and nothing else of this machine's: a folder of
 * links to those tools (made in `parent`, which the test removes), after the engine's bin folder. Throws when a
 * `node` would still be found on it.
 */
export async function engineOnlyPath(tools: readonly string[], parent: string): Promise<string> {
    const engine = await requireEngine();
    const bin = await mkdtemp(path.join(parent, ".user-tools-"));
    for (const tool of tools) {
        const found = (await runOrThrow("sh", ["-c", `command -v ${tool}`], { cwd: bin })).trim();
        // The real file: pyenv's shims need pyenv; the interpreter itself does not.
        const real = tool.startsWith("python")
            ? (await runOrThrow(found, ["-c", "import sys; print(sys.executable)"], { cwd: bin })).trim()
            : found;
        await symlink(real, path.join(bin, tool));
    }
    const value = [engine.binDir, bin].join(path.delimiter);
    for (const dir of value.split(path.delimiter)) {
        if (existsSync(path.join(dir, "node"))) throw new Error(`${dir} on the user's PATH holds a node`);
    }
    return value;
}
