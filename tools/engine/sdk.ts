/**
 * `npm run sdk`: writes the plugin's SDKs (sdk/nodejs, sdk/python, sdk/go) from its schema
 * (provider/plugin/schema.ts) with the engine's SDK generator (./cmd/pulumi-sdkgen: pkg/v3's code generators, the
 * ones `pulumi package gen-sdk` runs through each language host).
 *
 * The Go SDK is a module rooted at sdk/ (sdk/go.mod, module `…/sdk`) with its package in sdk/go/openaicheckpoints,
 * as pulumi-aws lays out its own: the generator writes go.mod inside its output folder, so it is moved up one.
 *
 *     npm run sdk                 # regenerate sdk/
 *     npm run sdk -- --out DIR    # write DIR/<language> instead (the tests compare that with sdk/)
 */
import { execFile } from "node:child_process";
import { mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { packageSchema } from "../../provider/plugin/schema";
import { REPO_ROOT, findEngine, sdkGenerator } from "./engine";

const execFileAsync = promisify(execFile);

export const SDK_LANGUAGES = ["nodejs", "python", "go"] as const;
export type SdkLanguage = (typeof SDK_LANGUAGES)[number];
export const SDK_DIR = path.join(REPO_ROOT, "sdk");

/** The package version the schema and the SDKs carry: the npm package's. */
function packageVersion(): string {
    return (require(path.join(REPO_ROOT, "package.json")) as { version: string }).version;
}

export interface SdkOptions {
    /** The schema's `pluginDownloadURL` the SDKs carry, when not the published one (a release for tests). */
    readonly pluginDownloadURL?: string;
}

/**
 * Writes `<out>/<language>` for each language (and Go's module file, `<out>/go.mod`); returns the directories
 * written.
 */
export async function generateSdks(
    out: string = SDK_DIR,
    languages: readonly SdkLanguage[] = SDK_LANGUAGES,
    options: SdkOptions = {},
): Promise<string[]> {
    const engine = await findEngine();
    const generator = engine && sdkGenerator(engine);
    if (!generator) {
        throw new Error("No SDK generator: run `npm run engine` (it builds pulumi-sdkgen next to the CLI from Go modules).");
    }
    const scratch = await mkdtemp(path.join(tmpdir(), "openai-checkpoints-schema-"));
    try {
        const schemaFile = path.join(scratch, "schema.json");
        await writeFile(schemaFile, JSON.stringify(packageSchema(packageVersion(), options.pluginDownloadURL), null, 2));
        const written: string[] = [];
        for (const language of languages) {
            const dir = path.join(out, language);
            await execFileAsync(generator, ["-schema", schemaFile, "-language", language, "-out", dir], { timeout: 120_000 });
            if (language === "go") await rename(path.join(dir, "go.mod"), path.join(out, "go.mod"));
            written.push(dir);
        }
        return written;
    } finally {
        await rm(scratch, { recursive: true, force: true });
    }
}

async function main(): Promise<void> {
    const args = process.argv.slice(2);
    const outIndex = args.indexOf("--out");
    const out = outIndex >= 0 ? path.resolve(args[outIndex + 1] ?? "") : SDK_DIR;
    for (const dir of await generateSdks(out)) process.stderr.write(`wrote ${path.relative(process.cwd(), dir) || dir}\n`);
}

if (require.main === module) {
    main().catch((error: unknown) => {
        process.stderr.write(`npm run sdk: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(1);
    });
}
