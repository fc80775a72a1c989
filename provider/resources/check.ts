import type * as dynamic from "@pulumi/pulumi/dynamic";
import { InvalidArgumentError } from "../client/errors";
import { isUnknown } from "./unknowns";

type Checker = (value: unknown, argument: string) => unknown;

/**
 * Runs each property's check, collecting failures that name the property (the engine prints them before
 * anything is sent). A value not known yet during preview is checked later, when it is.
 */
export function checkFailures<T extends object>(news: T, checks: ReadonlyArray<readonly [keyof T & string, Checker]>): dynamic.CheckResult<T> {
    const failures: dynamic.CheckFailure[] = [];
    for (const [property, check] of checks) {
        const value = news[property];
        if (isUnknown(value)) continue;
        try {
            check(value, property);
        } catch (error) {
            if (!(error instanceof InvalidArgumentError)) throw error;
            failures.push({ property, reason: error.message.replace(/^Invalid argument /, "") });
        }
    }
    return { inputs: news, failures };
}
