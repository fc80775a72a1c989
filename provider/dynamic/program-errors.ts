/**
 * How a program reports this package's failures. Pulumi prints an unhandled error once per error object, with its
 * stack, colored; a `RunError` it prints as its message alone. Every message of this package already says what
 * failed and how to fix it, so the program's reads fail as RunErrors.
 *
 * A failure that cannot change within a run (no key, a refused key, a checkpoint that does not exist, a bad
 * argument) would be met by every read in the program and printed by each. It is kept for the run instead
 * (./program-run.ts), and later reads fail with the same object, which Pulumi prints once. The next run tries again:
 * the key may have been fixed.
 */
import { AuthenticationError, InvalidArgumentError, MissingAdminKeyError, NotFoundError, OpenAIError, PermissionDeniedError } from "../client/errors";
import { perProgramRun } from "./program-run";

/** Settled failures of this run: by base URL for the credentials, by base URL and checkpoint for a 404. */
const settledFailures = perProgramRun(() => new Map<string, Error>());

/** The failure a read of `checkpoint` at `baseUrl` is bound to meet, if one was already met in this run. */
export function settledFailure(baseUrl: string | undefined, checkpoint?: string): Error | undefined {
    const settled = settledFailures();
    return settled.get(scope(baseUrl)) ?? (checkpoint === undefined ? undefined : settled.get(scope(baseUrl, checkpoint)));
}

/** Marks a failure of this package as one Pulumi prints by its message, and keeps it if it is settled. */
export function programFailure(error: unknown, baseUrl: string | undefined, checkpoint?: string): unknown {
    if (!(error instanceof OpenAIError)) return error;
    expectLateHandling();
    // The brand `pulumi.RunError.isInstance` looks for: the error keeps its own class, which callers match with
    // `instanceof`, and any copy of the SDK in the program recognises it.
    Object.defineProperty(error, "__pulumiRunError", { value: true });
    keepMessage(error);
    const key = settledScope(error, baseUrl, checkpoint);
    if (key === undefined) return error;
    // Reads that were already in flight meet the same failure: they fail with the first one met.
    const settled = settledFailures();
    const first = settled.get(key) ?? error;
    settled.set(key, first);
    return first;
}

function settledScope(error: OpenAIError, baseUrl: string | undefined, checkpoint: string | undefined): string | undefined {
    if (error instanceof MissingAdminKeyError || error instanceof AuthenticationError || error instanceof PermissionDeniedError) return scope(baseUrl);
    if (error instanceof NotFoundError && checkpoint !== undefined) return scope(baseUrl, checkpoint);
    // The same bad argument given to two reads (a record and a read of the same checkpoint) fails both the same way.
    if (error instanceof InvalidArgumentError) return JSON.stringify(["invalid argument", error.message]);
    return undefined;
}

/**
 * A read's failure reaches Pulumi first through a resource input built on the read (a record's `access`), and the
 * SDK's serializer writes `error serializing property "access": ` in front of the error's message, on the same error
 * object, before it is printed. Users then read the API's answer as a serialization bug of this package, and meet
 * the fix last. The message stays as this package wrote it: the write is ignored.
 */
function keepMessage(error: Error): void {
    const { message } = error;
    Object.defineProperty(error, "message", { get: () => message, set: () => undefined, configurable: true, enumerable: false });
}

/**
 * Pulumi reports an unhandled rejection at once, then walks the stack's outputs one after another; an output that
 * carries the same failure is only reached later. Node would warn about each such rejection "handled
 * asynchronously": noise around a failure already reported. A `rejectionHandled` listener is how Node lets a program
 * say late handling is expected; it is added once this package has failed, and does nothing else.
 */
function expectLateHandling(): void {
    if (!process.listeners("rejectionHandled").includes(ignore)) process.on("rejectionHandled", ignore);
}

function ignore(): void {}

function scope(baseUrl: string | undefined, checkpoint?: string): string {
    return JSON.stringify([baseUrl ?? null, checkpoint ?? null]);
}
