/**
 * Checks every argument before a request goes out, so bad input fails with the argument's name and value
 * instead of a confusing 404 (or worse, a request to another path).
 */
import { InvalidArgumentError } from "./errors";
import type { PermissionOrder } from "../api/model";

/** The API's largest page: a listing of many permissions takes the fewest round trips at this size. */
export const MAX_PAGE_SIZE = 100;

// C0 controls, DEL and C1 controls: never part of an id, and dangerous in a URL or a log line.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** A checkpoint id, e.g. `ft:gpt-4o-mini-2024-07-18:my-org::AbC123:ckpt-step-100`. */
export function checkCheckpoint(value: unknown, argument = "checkpoint"): string {
    const id = checkNonBlankString(value, argument);
    if (CONTROL.test(id)) throw new InvalidArgumentError(argument, id, "must not contain control characters");
    if (id !== id.trim()) throw new InvalidArgumentError(argument, id, "must not start or end with whitespace");
    return id;
}

/** A project id, e.g. `proj_abGMw1llN8IrBb6SvvY5A1iH`. */
export function checkProjectId(value: unknown, argument = "projectId"): string {
    return checkToken(value, argument);
}

/** A permission id, e.g. `cp_zc4Q7MP6XxulcVzj4MZdwsAB`. */
export function checkPermissionId(value: unknown, argument = "permissionId"): string {
    return checkToken(value, argument);
}

function checkNonBlankString(value: unknown, argument: string): string {
    if (typeof value !== "string") throw new InvalidArgumentError(argument, value, "must be a string");
    if (value.trim() === "") throw new InvalidArgumentError(argument, value, "must not be empty or whitespace");
    // URL parsing resolves these as path segments, whatever the encoding of the rest.
    if (value === "." || value === "..") throw new InvalidArgumentError(argument, value, "must not be . or ..");
    return value;
}

/** Project and permission ids are single tokens: no whitespace or control characters anywhere. */
function checkToken(value: unknown, argument: string): string {
    const id = checkNonBlankString(value, argument);
    if (CONTROL.test(id) || /\s/.test(id)) {
        throw new InvalidArgumentError(argument, id, "must not contain whitespace or control characters");
    }
    return id;
}

/** A list of project ids to grant: at least one; duplicates are folded, since granting twice means once. */
export function checkProjectIds(value: unknown, argument = "projectIds"): string[] {
    if (!Array.isArray(value)) throw new InvalidArgumentError(argument, value, "must be an array of project ids");
    if (value.length === 0) throw new InvalidArgumentError(argument, value, "must name at least one project");
    const ids = value.map((id, i) => checkProjectId(id, `${argument}[${i}]`));
    return [...new Set(ids)];
}

export function checkLimit(value: unknown, argument = "limit"): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
        throw new InvalidArgumentError(argument, value, `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    return value;
}

export function checkOrder(value: unknown, argument = "order"): PermissionOrder {
    if (value !== "ascending" && value !== "descending") {
        throw new InvalidArgumentError(argument, value, 'must be "ascending" or "descending"');
    }
    return value;
}

/**
 * Encodes an id for one path segment. `/`, `?`, `#` and `%` (and anything else URL-significant) are
 * percent-encoded so an id can never change the request path; `:` stays readable, as the official SDK
 * leaves it, because every fine-tuned checkpoint id is full of them.
 */
export function pathSegment(id: string): string {
    return encodeURIComponent(id).replace(/%3A/gi, ":");
}
