/**
 * Every TypeScript block in README.md compiles against the package, so the documentation cannot drift from the
 * code. Each block is its own module, type-checked in memory with the repository's compiler options (where
 * `pulumi-openai-checkpoint-permissions` maps to the sources).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");
const readme = readFileSync(path.join(root, "README.md"), "utf8");
const blocks = [...readme.matchAll(/```ts\n([^]*?)```/g)].map((match, i) => ({
    file: path.join(root, "test", "docs", `readme-block-${i + 1}.ts`),
    line: readme.slice(0, match.index).split("\n").length + 1,
    code: match[1]!,
}));

function diagnostics(): Map<string, string[]> {
    const configPath = path.join(root, "tsconfig.json");
    const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root);
    const options = { ...parsed.options, noEmit: true };
    const host = ts.createCompilerHost(options);
    const virtual = new Map(blocks.map((b) => [b.file, b.code]));
    const { getSourceFile, fileExists, readFile } = host;
    host.fileExists = (file) => virtual.has(file) || fileExists.call(host, file);
    host.readFile = (file) => virtual.get(file) ?? readFile.call(host, file);
    host.getSourceFile = (file, language, ...rest) => {
        const code = virtual.get(file);
        return code === undefined ? getSourceFile.call(host, file, language, ...rest) : ts.createSourceFile(file, code, language);
    };
    const program = ts.createProgram({ rootNames: [...virtual.keys()], options, host });
    const byFile = new Map<string, string[]>(blocks.map((b) => [b.file, []]));
    for (const d of ts.getPreEmitDiagnostics(program)) {
        const file = d.file?.fileName;
        if (file && byFile.has(file)) {
            const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
            byFile.get(file)!.push(`line ${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
        }
    }
    return byFile;
}

describe("README.md", () => {
    it("has TypeScript examples", () => {
        expect(blocks.length).toBeGreaterThanOrEqual(6);
    });

    // One whole-program type-check of the package: about 20 s on a busy 2-core machine, past the unit default.
    it("type-checks every TypeScript block against the package", { timeout: 90_000 }, () => {
        const errors = diagnostics();
        const report = blocks.flatMap((b) => errors.get(b.file)!.map((e) => `README.md block at line ${b.line}, ${e}`));
        expect(report).toEqual([]);
    });
});
