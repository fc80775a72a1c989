/**
 * The API reference (TypeDoc, `npm run docs`) builds without a warning: every exported symbol it reaches is
 * documented where it is defined, and no link in a TSDoc comment is broken.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, it } from "vitest";

const root = path.resolve(__dirname, "../..");

it("builds the API reference with no warning", async () => {
    const typedoc = path.join(root, "node_modules", "typedoc", "bin", "typedoc");
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [typedoc, "--emit", "none", "--treatWarningsAsErrors"], { cwd: root });
    expect(stdout + stderr).not.toMatch(/\[(warning|error)\]/);
}, 120_000);
