import { checkBoolean } from "../client/arguments";
import { InvalidArgumentError } from "../client/errors";
import type { Unchecked } from "./operations";
import { isUnknown } from "./unknowns";

type Checker = (value: unknown, argument: string) => unknown;

/** A property that failed its check, and why; each surface hands these to the engine as its check failures. */
export interface CheckFailure {
    readonly property: string;
    readonly reason: string;
}

/**
 * The checked inputs and every failure (none when they are valid). Values, by the keys of `T`: the engine's unknown
 * stands in for a value not known yet (preview), and a failed check answers what it was given.
 */
export interface CheckResult<T> {
    readonly inputs: Unchecked<T>;
    readonly failures: CheckFailure[];
}

/**
 * Runs each property's check, collecting failures that name the property (the engine prints them before
 * anything is sent). A value not known yet during preview is checked later, when it is.
 */
export function checkFailures<T extends object>(news: T, checks: ReadonlyArray<readonly [keyof T & string, Checker]>): { inputs: T; failures: CheckFailure[] } {
    const failures: CheckFailure[] = [];
    for (const [property, check] of checks) {
        const value = news[property];
        if (isUnknown(value)) continue;
        try {
            check(value, property);
        } catch (error) {
            if (!(error instanceof InvalidArgumentError)) throw error;
            failures.push(checkFailure(error));
        }
    }
    return { inputs: news, failures };
}

/** The failure a rejected argument makes: the property it names, and the error's reason. */
export function checkFailure(error: InvalidArgumentError): CheckFailure {
    return { property: error.argument, reason: error.message.replace(/^Invalid argument /, "") };
}

/** An optional flag: absent for no, else a boolean. */
export function checkFlag(value: unknown, argument: string): void {
    if (value !== undefined) checkBoolean(value, argument);
}
