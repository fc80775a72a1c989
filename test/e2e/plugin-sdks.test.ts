/**
 * The plugin's SDKs (sdk/): what `npm run sdk` generates from the schema with the engine's SDK generator, and each
 * type-checked together with a program that uses it, in its own language's checker: tsc, mypy (from PyPI, into a
 * cached virtual environment) and `go vet`. The same Python and Go programs run end to end in the installed tier
 * (test/installed/python-plugin.test.ts, go-plugin.test.ts), on this repository's language hosts.
 */
import { existsSync } from "node:fs";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, cacheRoot } from "../../tools/engine/engine";
import { SDK_DIR, generateSdks } from "../../tools/engine/sdk";
import { readmeBlock } from "../support/readme";
import { GO_MODULE } from "../../provider/plugin/package-identity";
import { runCommand as run } from "../support/run";
import { requireEngine } from "./harness";

/** The Python tools, pinned; the environment is cached per pin set. */
const PYTHON_TOOLS = ["mypy==2.4.1", "pulumi==3.272.0"];
const EXAMPLES = path.join(REPO_ROOT, "examples");


async function listFiles(dir: string): Promise<string[]> {
    const entries = await readdir(dir, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

let scratch: string;
beforeAll(async () => {
    await requireEngine();
    scratch = await mkdtemp(path.join(tmpdir(), "plugin-sdks-"));
});
afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("the plugin's SDKs", () => {
    it("sdk/ is what `npm run sdk` generates from the schema (regenerate after changing provider/plugin/schema.ts)", async () => {
        const fresh = path.join(scratch, "generated");
        await generateSdks(fresh);
        const [expected, actual] = await Promise.all([listFiles(fresh), listFiles(SDK_DIR)]);
        expect(actual).toEqual(expected);
        for (const file of expected) {
            const [want, have] = await Promise.all([readFile(path.join(fresh, file), "utf8"), readFile(path.join(SDK_DIR, file), "utf8")]);
            expect(have, `sdk/${file}`).toBe(want);
        }
    });

    it("the TypeScript SDK type-checks (tsc, the SDK's own tsconfig)", async () => {
        const tsc = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
        const result = await run(process.execPath, [tsc, "-p", path.join(SDK_DIR, "nodejs", "tsconfig.json"), "--noEmit"], { cwd: REPO_ROOT });
        expect(result.output).toBe("");
        expect(result.code).toBe(0);
    });

    describe("Python (mypy)", () => {
        let mypy: string;
        const program = path.join(EXAMPLES, "python-checkpoint-access", "__main__.py");
        const check = (file: string) => run(mypy, ["--strict", "--follow-imports=silent", "--cache-dir=/dev/null", file], { cwd: path.dirname(file) });

        beforeAll(async () => {
            const venv = path.join(path.dirname(cacheRoot()), `python-tools-${PYTHON_TOOLS.join("-").replace(/[^\w.-]/g, "_")}`);
            const pip = path.join(venv, "bin", "pip");
            mypy = path.join(venv, "bin", "mypy");
            if (!existsSync(mypy)) {
                const created = await run("python3", ["-m", "venv", venv], { cwd: scratch });
                if (created.code !== 0) throw new Error(`python3 -m venv failed (Python 3.9+ is needed for this test):\n${created.output}`);
                const installed = await run(pip, ["install", "--quiet", ...PYTHON_TOOLS], { cwd: scratch, timeoutMs: 600_000 });
                if (installed.code !== 0) {
                    await rm(venv, { recursive: true, force: true });
                    throw new Error(`pip install ${PYTHON_TOOLS.join(" ")} failed:\n${installed.output}`);
                }
            }
            // The SDK as the repository has it (users install the release's wheel of it: test/installed).
            const sdk = await run(pip, ["install", path.join(SDK_DIR, "python"), "--quiet", "--force-reinstall"], { cwd: scratch, timeoutMs: 600_000 });
            if (sdk.code !== 0) throw new Error(`pip install of sdk/python failed:\n${sdk.output}`);
        }, 900_000);

        it("the README's Python block type-checks against the SDK, strictly", async () => {
            const block = path.join(scratch, "readme_block.py");
            await writeFile(block, readmeBlock("Which one? Dynamic resources or the plugin", "python"));
            const result = await check(block);
            expect(result.output).toMatch(/Success: no issues found/);
            expect(result.code).toBe(0);
        });

        it("the example program type-checks against the SDK, strictly", async () => {
            const result = await check(program);
            expect(result.output).toMatch(/Success: no issues found/);
            expect(result.code).toBe(0);
        });

        it("a program that gives a grant's project as a number is rejected", async () => {
            const wrong = path.join(scratch, "wrong_python.py");
            await writeFile(wrong, (await readFile(program, "utf8")).replace("project_id=project_id)", "project_id=42)"));
            const result = await check(wrong);
            expect(result.code).not.toBe(0);
            expect(result.output).toMatch(/No overload variant of "CheckpointPermissionGrant" matches argument types "str", "str", "int"/);
        });
    });

    describe("Go (go vet)", () => {
        const goEnv = { GOWORK: "off", GOFLAGS: "-mod=mod" };
        let module: string;

        /** A copy of the example module, its SDK the repository's sdk/ (users `go get` the release's: test/installed). */
        beforeAll(async () => {
            module = path.join(scratch, "go-example");
            await cp(path.join(EXAMPLES, "go-checkpoint-access"), module, { recursive: true });
            const edited = await run("go", ["mod", "edit", `-replace=${GO_MODULE}=${SDK_DIR}`], { cwd: module, env: goEnv });
            expect(edited.output).toBe("");
            const tidy = await run("go", ["mod", "tidy"], { cwd: module, env: goEnv, timeoutMs: 600_000 });
            if (tidy.code !== 0) throw new Error(`go mod tidy failed:\n${tidy.output}`);
        }, 900_000);

        it("the example program and the SDK it imports pass go vet", async () => {
            const result = await run("go", ["vet", "./..."], { cwd: module, env: goEnv, timeoutMs: 600_000 });
            expect(result.output).toBe("");
            expect(result.code).toBe(0);
        });

        it("a program that uses a field the SDK does not have is rejected", async () => {
            const main = path.join(module, "main.go");
            await writeFile(main, (await readFile(main, "utf8")).replace("ProjectId:  pulumi.String(projectID),", "Project: pulumi.String(projectID),"));
            const result = await run("go", ["vet", "./..."], { cwd: module, env: goEnv, timeoutMs: 600_000 });
            expect(result.code).not.toBe(0);
            expect(result.output).toMatch(/unknown field Project in struct literal/);
        });
    });
});
