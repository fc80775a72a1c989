/**
 * The registry docs (docs/_index.md, docs/installation-configuration.md), held to what the README is held to: every
 * program they show is, character for character, an example program a test runs on the engine; every command they
 * give is run by a test that reads it from its section (or is the README's, whose commands readme-commands.test.ts
 * holds to the same rule); the config they document is the config the code reads.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { PLUGIN_CONFIG_KEYS } from "../../provider/plugin/schema";
import { ADMIN_KEY_CONFIG, ADMIN_KEY_ENV, BASE_URL_CONFIG, BASE_URL_ENV } from "../../provider/resources/settings";
import { PLUGIN_SECTION } from "../support/plugin-scenario";
import { ADMIN_KEY_SECTION, INSTALLATION_DOC, MarkdownDocument, README, shellCommands } from "../support/readme";

const ROOT = path.resolve(__dirname, "../..");
const OVERVIEW = new MarkdownDocument("docs/_index.md");
const PAGES = [OVERVIEW, INSTALLATION_DOC];

/** Each example program the docs show, and a test that runs it on the engine (and names it). */
const RUN_BY: Readonly<Record<string, string>> = {
    "examples/checkpoint-access/index.ts": "test/e2e/policy.test.ts", // the root stack: Pulumi.yaml's main
    "examples/python-checkpoint-access/__main__.py": "test/installed/python-plugin.test.ts",
    "examples/go-checkpoint-access/main.go": "test/installed/go-plugin.test.ts",
    "examples/yaml-checkpoint-access/Pulumi.yaml": "test/e2e/yaml-plugin-suite.ts",
};

/**
 * Each command the docs give, by section, and how it is run: by a test that reads it from that section of the
 * docs, or as the same command of the README's plugin section (the plugin's and its SDKs' installs from a release,
 * which the release's Python, Go and YAML tests read there).
 */
const COMMANDS: ReadonlyArray<{ section: string; command: string } & ({ test: string; reads: string } | { readmeSection: string })> = [
    {
        section: "TypeScript",
        command:
            "npm install https://github.com/pulumi-openai-checkpoint-permissions/pulumi-openai-checkpoints/releases/download/v0.1.0/pulumi-openai-checkpoint-permissions-0.1.0.tgz",
        test: "test/installed/support/user-project.ts",
        reads: "TYPESCRIPT_INSTALL_SECTION",
    },
    { section: "TypeScript", command: "npm install @pulumi/policy", test: "test/installed/support/user-project.ts", reads: "TYPESCRIPT_INSTALL_SECTION" },
    { section: "Python", command: "pip install pulumi_openai_checkpoints-0.1.0-py3-none-any.whl", readmeSection: PLUGIN_SECTION },
    {
        section: "Go",
        command:
            "GOPROXY=file:///path/to/release/goproxy,https://proxy.golang.org,direct GONOSUMDB=github.com/pulumi-openai-checkpoint-permissions go get github.com/pulumi-openai-checkpoint-permissions/pulumi-openai-checkpoints/sdk@v0.1.0",
        readmeSection: PLUGIN_SECTION,
    },
    {
        section: "YAML",
        command: "pulumi plugin install resource openai-checkpoints 0.1.0 --file pulumi-resource-openai-checkpoints-v0.1.0-linux-amd64.tar.gz",
        readmeSection: PLUGIN_SECTION,
    },
    { section: ADMIN_KEY_SECTION, command: `pulumi config set --secret ${ADMIN_KEY_CONFIG} sk-admin-…`, test: "test/installed/scenario.test.ts", reads: "ADMIN_KEY_SECTION" },
    { section: ADMIN_KEY_SECTION, command: `pulumi config set --secret ${PLUGIN_CONFIG_KEYS.adminKey} sk-admin-…`, test: "test/e2e/yaml-plugin-suite.ts", reads: "ADMIN_KEY_SECTION" },
];

/** The fenced blocks of a page, with the language each is tagged with. */
function fencedBlocks(page: MarkdownDocument): Array<{ language: string; code: string; line: number }> {
    return [...page.text.matchAll(/^```(\w*)\n([^]*?)^```$/gm)].map((match) => ({
        language: match[1]!,
        code: match[2]!,
        line: page.text.slice(0, match.index).split("\n").length,
    }));
}

describe("the registry docs", () => {
    it.each(PAGES.map((page) => [page.file, page] as const))("%s has the registry's front matter", (_, page) => {
        const [, frontMatter] = /^---\n([^]*?)\n---\n/.exec(page.text) ?? [];
        const fields = parseYaml(frontMatter ?? "") as Record<string, unknown>;
        expect(Object.keys(fields).sort()).toEqual(["layout", "meta_desc", "title"]);
        expect(fields["layout"]).toBe("package");
        expect(typeof fields["title"] === "string" && typeof fields["meta_desc"] === "string").toBe(true);
    });

    it("shows the example in every language, each an example program a test runs", () => {
        const programs = fencedBlocks(OVERVIEW);
        expect(programs.map((b) => b.language)).toEqual(["typescript", "python", "go", "yaml"]);
        const files = Object.keys(RUN_BY);
        for (const block of programs) {
            const file = files.find((f) => readFileSync(path.join(ROOT, f), "utf8") === block.code);
            expect(file, `docs/_index.md block at line ${block.line} (${block.language}) is no example program a test runs`).toBeDefined();
            const test = RUN_BY[file!]!;
            expect(readFileSync(path.join(ROOT, test), "utf8"), `${test} runs ${file}`).toContain(path.dirname(file!).split("/").pop()!);
        }
    });

    it("gives no code but commands and the ESC environment on the installation page", () => {
        expect(fencedBlocks(INSTALLATION_DOC).map((b) => b.language)).toEqual(["sh", "sh", "sh", "sh", "sh", "sh", "yaml"]);
    });

    it("gives only commands a test runs, each from its section", () => {
        const given = INSTALLATION_DOC.sections().flatMap(({ heading, blocks }) => blocks.sh.flatMap((block) => shellCommands(block).map((command) => ({ section: heading, command }))));
        expect(given).toEqual(COMMANDS.map(({ section, command }) => ({ section, command })));
        for (const entry of COMMANDS) {
            if ("test" in entry) {
                expect(existsSync(path.join(ROOT, entry.test)), entry.test).toBe(true);
                // The section's name is a constant of the test support, which the test reads the command by.
                const source = readFileSync(path.join(ROOT, entry.test), "utf8");
                expect(source, `${entry.test} reads "${entry.section}"`).toMatch(new RegExp(`INSTALLATION_DOC\\.blocks?\\(${entry.reads}\\b`));
            } else {
                expect(README.blocks(entry.readmeSection, "sh").flatMap(shellCommands), `README "${entry.readmeSection}"`).toContain(entry.command);
            }
        }
    });

    it("documents the config keys and environment variables the code reads, and an ESC environment that supplies the key to both", () => {
        for (const name of [ADMIN_KEY_CONFIG, BASE_URL_CONFIG, PLUGIN_CONFIG_KEYS.adminKey, PLUGIN_CONFIG_KEYS.baseUrl, ADMIN_KEY_ENV, BASE_URL_ENV]) {
            expect(INSTALLATION_DOC.text).toMatch(new RegExp(`^\\|[^\\n]*\`${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\``, "m"));
        }
        const esc = parseYaml(INSTALLATION_DOC.block("Pulumi ESC", "yaml")) as {
            values: { pulumiConfig: Record<string, string>; environmentVariables: Record<string, string>; openai: { adminKey: Record<string, string> } };
        };
        expect(Object.keys(esc.values.openai.adminKey)).toEqual(["fn::secret"]);
        expect(esc.values.pulumiConfig).toEqual({ [ADMIN_KEY_CONFIG]: "${openai.adminKey}", [PLUGIN_CONFIG_KEYS.adminKey]: "${openai.adminKey}" });
        expect(esc.values.environmentVariables).toEqual({ [ADMIN_KEY_ENV]: "${openai.adminKey}" });
    });

    it("is what the README links to for installation and configuration, rather than repeating it", () => {
        for (const section of ["Installation", "Configuration"]) {
            expect(README.blocks(section, "sh"), `README "${section}" repeats commands`).toEqual([]);
        }
        expect(README.text).toContain("](docs/installation-configuration.md)");
        expect(README.text).toContain("](docs/installation-configuration.md#configuration)");
    });
});
