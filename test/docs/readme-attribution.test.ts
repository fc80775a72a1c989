/**
 * The README's attribution snippet ("Who granted it."), run as a program: transpiled as it is written, in a mocked
 * Pulumi runtime (the narrow use setMocks is made for), reading the emulator over loopback. It says who granted
 * each permission and when, and for one without an audit-log event it says unknown and why, never `at null`.
 */
import vm from "node:vm";
import * as pulumi from "@pulumi/pulumi";
import ts from "typescript";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as packageExports from "../../provider";
import { startEmulator, type RunningEmulator } from "../../provider/emulator";
import { readmeBlocks } from "../support/readme";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme-corp::AbC123:ckpt-step-100";
let emulator: RunningEmulator;

beforeAll(async () => {
    emulator = await startEmulator({
        now: () => 1_712_000_000,
        seed: { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_early", created_at: 1_700_000_000 }] } } },
    });
    emulator.grant(CHECKPOINT, "proj_eval", { actor: { session: { email: "mallory@acme.com", ipAddress: "203.0.113.7" } } });
    process.env["OPENAI_ADMIN_KEY"] = emulator.adminKey;
    process.env["OPENAI_BASE_URL"] = emulator.baseUrl;
    await pulumi.runtime.setMocks({ newResource: (args) => ({ id: args.name, state: args.inputs }), call: () => ({}) });
});
afterAll(() => emulator?.close());

it("names each grantor with when, and says unknown and why where the audit log has no event", async () => {
    const block = readmeBlocks("Reading permissions: `getCheckpointPermissions`", "ts").find((b) => b.includes("attribution: true"))!;
    const { outputText } = ts.transpileModule(block, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } });
    const module = { exports: {} as { grantors?: Promise<string[]> } };
    const require = (name: string) => {
        if (name !== "pulumi-openai-checkpoint-permissions") throw new Error(`the snippet requires ${name}`);
        return packageExports;
    };
    vm.runInThisContext(`(function (exports, require, module) {${outputText}\n})`)(module.exports, require, module);
    expect((await module.exports.grantors)!.sort()).toEqual([
        expect.stringMatching(/^proj_early: unknown \(no checkpoint\.permission\.created event in the audit log: .+\)$/),
        "proj_eval: mallory@acme.com at 2024-04-01T19:33:20.000Z",
    ]);
});
