/**
 * Every command the README gives a user to type (its `sh` blocks) is run by a test, the way the README shows it. This
 * test keeps the list: a command added to the README without a test that runs it fails here, and so does a test
 * that no longer reads the command it claims to.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, it } from "vitest";
import { readmeSections, shellCommands } from "../support/readme";

const root = path.resolve(__dirname, "../..");

/** Each README command, and the test that runs it: that test reads the command from the README section named. */
const RUN_BY: Readonly<Record<string, { section: string; test: string }>> = {
    "npm ci && npm run demo": { section: "Getting started", test: "test/e2e/demo.test.ts" },
    "npm ci && npm test": { section: "Getting started", test: ".ci/run" },
    "pulumi preview --policy-pack node_modules/pulumi-openai-checkpoint-permissions/policy-pack --policy-pack-config policy-config.json": {
        section: "Policies: who may use a checkpoint",
        test: "test/installed/scenario.test.ts",
    },
    // The loop of "Enforce access": the enforce stack's config, the audit's preview, the enforce stack's preview and up.
    ...Object.fromEntries(
        [
            "pulumi config set --path 'checkpoints.support.checkpoint' ft:gpt-4o-mini-2024-07-18:acme::Support:ckpt-step-100",
            "pulumi config set --path 'checkpoints.support.projectIds[0]' proj_support",
            "pulumi preview --diff --expect-no-changes",
            "pulumi preview --diff",
            "pulumi up --yes",
        ].map((command) => [command, { section: "Enforce access", test: "test/e2e/organization-enforce.test.ts" }]),
    ),
    "npx openai-checkpoint-emulator --port 0 --seed seed.json": { section: "The emulator, for your own tests", test: "test/installed/support/user-project.ts" },
    // Read by the plugin scenario's module, for the installed tier's Python, Go and YAML tests on the release
    // (test/installed/support/plugin-language-suite.ts, test/installed/yaml-release.test.ts) and the YAML suite's
    // import (test/e2e/yaml-plugin-suite.ts).
    "pip install pulumi_openai_checkpoints-0.1.0-py3-none-any.whl": { section: "The plugin: YAML, Python and Go", test: "test/support/plugin-scenario.ts" },
    "GOPROXY=file:///path/to/release/goproxy,https://proxy.golang.org,direct GONOSUMDB=github.com/pulumi-openai-checkpoint-permissions go get github.com/pulumi-openai-checkpoint-permissions/pulumi-openai-checkpoints/sdk@v0.1.0":
        { section: "The plugin: YAML, Python and Go", test: "test/support/plugin-scenario.ts" },
    "pulumi plugin install resource openai-checkpoints 0.1.0 --file pulumi-resource-openai-checkpoints-v0.1.0-linux-amd64.tar.gz":
        { section: "The plugin: YAML, Python and Go", test: "test/support/plugin-scenario.ts" },
    "pulumi import openai-checkpoints:index:CheckpointPermissionGrant importedAccess ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100/cp_0123456789abcdefghijklmn":
        { section: "The plugin: YAML, Python and Go", test: "test/support/plugin-scenario.ts" },
};

it("runs every command of the README's sh blocks in a test", () => {
    const commands = readmeSections().flatMap(({ heading, blocks }) => blocks.sh.flatMap((block) => shellCommands(block).map((command) => ({ heading, command }))));
    expect(commands.map((c) => c.command).sort()).toEqual(Object.keys(RUN_BY).sort());
    for (const { heading, command } of commands) {
        const { section, test } = RUN_BY[command]!;
        expect(heading, command).toBe(section);
        expect(existsSync(path.join(root, test)), test).toBe(true);
    }
});

it("CI runs the README's test command as it is written", () => {
    const ci = readFileSync(path.join(root, ".ci", "run"), "utf8");
    expect(ci).toMatch(/^npm ci$/m);
    expect(ci).toMatch(/^npm test$/m);
});

it("each test that runs a README command reads it from its section", () => {
    for (const { section, test } of Object.values(RUN_BY)) {
        if (test === ".ci/run") continue;
        expect(readFileSync(path.join(root, test), "utf8"), test).toContain(JSON.stringify(section));
    }
});
