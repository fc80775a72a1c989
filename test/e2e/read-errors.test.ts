/**
 * A read that fails, on the engine, as the user reads it: examples/read-permissions records a checkpoint, and the
 * listing fails (no key, or the API, the emulator here, refuses it). What the user sees first is the failure itself
 * with its fix, printed once, not words that make it look like the package failed to serialize something.
 */
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import type { EmulatorSeed } from "../../provider/emulator";
import { REPO_ROOT } from "../../tools/engine/engine";
import { startEngineStack, type EngineStack, type PulumiResult } from "./harness";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
const seed: EmulatorSeed = { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_research" }] } } };

let stack: EngineStack | undefined;
afterEach(async () => {
    await stack?.dispose();
    stack = undefined;
});

/** A stack of the example over `checkpoint`, with the emulator's URL in its config, and its key unless another is given (null: none). */
async function exampleStack(checkpoint: string, adminKey?: string | null): Promise<EngineStack> {
    stack = await startEngineStack({ fixture: "read-errors", programDir: path.join(REPO_ROOT, "examples", "read-permissions"), seed, credentialsInConfig: true });
    await stack.pulumi(["config", "set", "--stack", stack.stackName, "--path", "checkpoints[0]", checkpoint]);
    if (adminKey === null) await stack.pulumi(["config", "rm", "--stack", stack.stackName, "openai:adminKey"]);
    else if (adminKey !== undefined) await stack.setConfig("openai:adminKey", adminKey, { secret: true });
    return stack;
}

/** The errors in the order the CLI prints them: as they come, then under "Diagnostics:". */
function errorLines(result: PulumiResult): { asTheyCome: string[]; diagnostics: string[] } {
    const errors = (text: string) => [...text.matchAll(/\berror: (.*)/g)].map(([, message]) => message!);
    const at = result.stdout.indexOf("\nDiagnostics:");
    return { asTheyCome: errors(result.stdout.slice(0, at)), diagnostics: errors(result.stdout.slice(at)) };
}

it.each([
    ["no key", null, CHECKPOINT, /^No OpenAI admin key\. /, "Run `pulumi config set --secret openai:adminKey <sk-admin-…>`"],
    ["a wrong key (401)", "sk-admin-WrongKeyThatOpenAIWouldRefuse123", CHECKPOINT, /^401 Incorrect API key provided: /, "Checkpoint permissions need an organization admin key (sk-admin-…)"],
    ["a project key (403)", "sk-proj-ProjectKeyNotAnAdminKey123456", CHECKPOINT, /^403 /, "Checkpoint permissions need an organization admin key (sk-admin-…)"],
    ["a checkpoint that is not there (404)", undefined, "ft:gpt-4o-mini-2024-07-18:acme::NoSuch1", /^404 /, "ft:gpt-4o-mini-2024-07-18:acme::NoSuch1"],
    ["a checkpoint with surrounding whitespace", undefined, ` ${CHECKPOINT} `, /^Invalid argument checkpoint: must not start or end with whitespace/, `" ${CHECKPOINT} "`],
])("%s: the preview's first error is the failure itself, with its fix, once", async (_, adminKey, checkpoint, failure, fix) => {
    const result = await (await exampleStack(checkpoint, adminKey)).preview([], { expectFailure: true });
    const { asTheyCome, diagnostics } = errorLines(result);
    expect(asTheyCome[0], result.stdout).toMatch(failure);
    expect(diagnostics, result.stdout).toEqual([expect.stringMatching(failure)]);
    expect(diagnostics[0]).toContain(fix);
    expect(result.stdout + result.stderr).not.toMatch(/serializ/i);
});
