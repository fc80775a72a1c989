/** Runs a tool of the tests (pip, go, python) to its end, bounded in time and output. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const execFileAsync = promisify(execFile);

export interface RunResult {
    readonly code: number;
    /** stdout, then stderr (and why it failed, when it did). */
    readonly output: string;
}

export interface RunOptions {
    readonly cwd: string;
    /** On top of the tests' own environment. */
    readonly env?: NodeJS.ProcessEnv;
    /** Default 5 minutes; then the command is killed and counts as failed. */
    readonly timeoutMs?: number;
}

/** The command's exit code and output, failed or not. */
export async function runCommand(command: string, args: readonly string[], options: RunOptions): Promise<RunResult> {
    try {
        const { stdout, stderr } = await execFileAsync(command, args, {
            cwd: options.cwd,
            env: { ...process.env, ...options.env },
            timeout: options.timeoutMs ?? 300_000,
            maxBuffer: 16 * 1024 * 1024,
        });
        return { code: 0, output: stdout + stderr };
    } catch (error) {
        const failed = error as { code?: number; stdout?: string; stderr?: string; message: string };
        return { code: typeof failed.code === "number" ? failed.code : -1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}${failed.message}` };
    }
}

/** The command's output; throws with it, naming the command and folder, when it fails. */
export async function runOrThrow(command: string, args: readonly string[], options: RunOptions): Promise<string> {
    const { code, output } = await runCommand(command, args, options);
    if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed (${code}) in ${options.cwd}:\n${output}`);
    return output;
}
