/**
 * Runs a README command in a user's project, and checks an error the way a user reads it.
 */
import { existsSync } from "node:fs";
import { expect } from "vitest";
import type { PulumiResult, PulumiRunOptions, Workspace } from "../../../tools/engine/workspace";

/**
 * Runs a `pulumi …` line from the README, with its placeholders replaced (e.g. `sk-admin-…` by the emulator's key).
 * The workspace adds only `--non-interactive --color never`, as a CI job would.
 */
export function runReadmeCommand(
    workspace: Workspace,
    command: string,
    placeholders: Readonly<Record<string, string>>,
    options?: PulumiRunOptions,
): Promise<PulumiResult> {
    const [tool, ...args] = command.split(/\s+/);
    if (tool !== "pulumi") throw new Error(`not a pulumi command: ${command}`);
    return workspace.pulumi(
        args.map((arg) => placeholders[arg] ?? arg),
        options,
    );
}

/**
 * The failure is reported once (the CLI lists every diagnostic as it comes, then again under "Diagnostics:"; the
 * summary is what counts), with `message` intact; no ANSI codes (the CLI ran with `--color never`), no Node warnings
 * about late-handled promises, and stack traces (if any) only into files that exist on disk.
 */
export function expectOneReadableError(result: PulumiResult, message: string): void {
    const output = `${result.stdout}\n${result.stderr}`;
    const summary = `${result.stdout.slice(result.stdout.indexOf("\nDiagnostics:"))}\n${result.stderr}`;
    expect(summary.split(message).length - 1, `"${message}" once in:\n${output}`).toBe(1);
    expect(output).not.toContain("\u001b[");
    expect(output).not.toContain("PromiseRejectionHandledWarning");
    for (const file of framedFiles(result)) expectOnDisk(file);
}

/** The output has stack frames, and they point only into files that exist: the package ships what its traces name. */
export function expectFramesOnDisk(result: PulumiResult): void {
    const files = framedFiles(result);
    expect(files, `stack frames in:\n${result.stdout}\n${result.stderr}`).not.toEqual([]);
    for (const file of files) expectOnDisk(file);
}

/** The files the output's stack frames point into. */
function framedFiles(result: PulumiResult): string[] {
    return [...`${result.stdout}\n${result.stderr}`.matchAll(/\(?((?:\/[^\s():]+)+\.[cm]?[jt]s):\d+:\d+\)?/g)].map(([, file]) => file!);
}

function expectOnDisk(file: string): void {
    expect(existsSync(file), `a stack frame into ${file}, which is not on disk`).toBe(true);
}
