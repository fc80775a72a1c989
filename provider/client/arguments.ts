/**
 * Checks every argument before a request goes out, so bad input fails with the argument's name and value
 * instead of a confusing 404 (or worse, a request to another path).
 */
import { InvalidArgumentError } from "./errors";
import type { EffectiveAtRange, PermissionOrder } from "../api/types";

/** The API's largest page: a listing of many permissions takes the fewest round trips at this size. */
export const MAX_PAGE_SIZE = 100;

// C0 controls, DEL and C1 controls: never part of an id, and dangerous in a URL or a log line.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// A UTF-16 surrogate not in a pair (with the u flag a pair is one code point and does not match). It has no
// UTF-8 form: encodeURIComponent throws on it and URLSearchParams sends U+FFFD, another id altogether.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * The longest checkpoint id accepted: 256 characters. A checkpoint id is
 * `ft:<base model>:<organization>:<suffix>:<job id>:ckpt-step-<step>`. Base models are named in under 40
 * characters (`gpt-4o-mini-2024-07-18` is 22), OpenAI caps the suffix at 64 (`maxLength: 64` in its OpenAPI
 * spec), the job id is 8 characters and `ckpt-step-<step>` under 25: with the separators, 143, which leaves
 * over 100 for the organization's name.
 */
export const MAX_CHECKPOINT_ID_LENGTH = 256;

/**
 * The longest project or permission id accepted: 64 characters. OpenAI's are a prefix and 24 random
 * letters and digits (`proj_abGMw1llN8IrBb6SvvY5A1iH` is 29, `cp_zc4Q7MP6XxulcVzj4MZdwsAB` 27); 64 leaves
 * room for a longer format, and keeps a pasted document from travelling in a URL.
 */
export const MAX_ID_LENGTH = 64;

/** A checkpoint id, e.g. `ft:gpt-4o-mini-2024-07-18:my-org::AbC123:ckpt-step-100`. */
export function checkCheckpoint(value: unknown, argument = "checkpoint"): string {
    const id = checkNonBlankString(value, argument, MAX_CHECKPOINT_ID_LENGTH);
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

function checkNonBlankString(value: unknown, argument: string, maxLength: number): string {
    if (typeof value !== "string") throw new InvalidArgumentError(argument, value, "must be a string");
    if (value.trim() === "") throw new InvalidArgumentError(argument, value, "must not be empty or whitespace");
    if (value.length > maxLength) throw new InvalidArgumentError(argument, value, `must be at most ${maxLength} characters, longer than any OpenAI id`);
    if (LONE_SURROGATE.test(value)) {
        throw new InvalidArgumentError(argument, value, "must be well-formed Unicode: it holds a lone surrogate (a string cut inside a character?)");
    }
    // URL parsing resolves these as path segments, whatever the encoding of the rest.
    if (value === "." || value === "..") throw new InvalidArgumentError(argument, value, "must not be . or ..");
    return value;
}

/** Project and permission ids are single tokens: no whitespace or control characters anywhere. */
function checkToken(value: unknown, argument: string, maxLength = MAX_ID_LENGTH): string {
    const id = checkNonBlankString(value, argument, maxLength);
    if (CONTROL.test(id) || /\s/.test(id)) {
        throw new InvalidArgumentError(argument, id, "must not contain whitespace or control characters");
    }
    return id;
}

/**
 * The most values one filter of the audit-log listing (`eventTypes`, `projectIds`, `resourceIds`) takes: 100.
 * Each value travels in the URL; 100 project ids make about 5 KB of query, under the 8 KB that servers and
 * proxies commonly accept. More ids than that are better listed unfiltered and picked out locally.
 */
export const MAX_FILTER_VALUES = 100;

/** The longest event type accepted: OpenAI's longest (`tenant.workspace_invite_email_settings.updated`) has 46 characters. */
const MAX_EVENT_TYPE_LENGTH = 64;

/**
 * A filter's values: a non-empty array of at most {@link MAX_FILTER_VALUES}, each checked by `check`; duplicates
 * are folded. An empty array is refused rather than read as "no filter", which would list everything.
 */
export function checkFilterValues(value: unknown, argument: string, check: (value: unknown, argument: string) => string): string[] {
    if (!Array.isArray(value)) throw new InvalidArgumentError(argument, value, "must be an array");
    if (value.length === 0) throw new InvalidArgumentError(argument, value, "must name at least one value, or be left out to filter nothing");
    if (value.length > MAX_FILTER_VALUES) {
        throw new InvalidArgumentError(argument, `${value.length} values`, `must name at most ${MAX_FILTER_VALUES}; list without it and pick them out instead`);
    }
    return [...new Set(value.map((item, i) => check(item, `${argument}[${i}]`)))];
}

/**
 * An audit-log event type, e.g. `checkpoint.permission.created`: dot-separated lowercase words. Only the form is
 * checked; OpenAI adds types, and the API itself refuses one it does not know.
 */
export function checkEventType(value: unknown, argument = "eventType"): string {
    const type = checkToken(value, argument, MAX_EVENT_TYPE_LENGTH);
    if (!/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(type)) {
        throw new InvalidArgumentError(argument, type, "must be an audit-log event type such as checkpoint.permission.created");
    }
    return type;
}

/**
 * An id the audit log names: a resource's (a permission, a project, a key…) or an event's. As long as a checkpoint
 * id at most, the longest id OpenAI has.
 */
export function checkResourceId(value: unknown, argument = "resourceId"): string {
    return checkToken(value, argument, MAX_CHECKPOINT_ID_LENGTH);
}

/**
 * Unix seconds. A value of 10^11 or more (the year 5138) is refused: it is almost surely milliseconds, what
 * `Date.now()` gives, and would silently filter everything out.
 */
export function checkUnixSeconds(value: unknown, argument: string): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
        throw new InvalidArgumentError(argument, value, "must be a whole, non-negative number of Unix seconds");
    }
    if (value >= 1e11) throw new InvalidArgumentError(argument, value, "must be Unix seconds; this looks like milliseconds (divide by 1000)");
    return value;
}

const RANGE_BOUNDS = ["gt", "gte", "lt", "lte"] as const;

/** A range of `effective_at` times: an object with any of `gt`, `gte`, `lt`, `lte`, each Unix seconds. */
export function checkEffectiveAt(value: unknown, argument = "effectiveAt"): EffectiveAtRange {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new InvalidArgumentError(argument, value, "must be an object with any of gt, gte, lt, lte (Unix seconds)");
    }
    const unknown = Object.keys(value).find((key) => !(RANGE_BOUNDS as readonly string[]).includes(key));
    if (unknown !== undefined) throw new InvalidArgumentError(`${argument}.${unknown}`, (value as Record<string, unknown>)[unknown], "is not a bound: use gt, gte, lt or lte");
    const range: Record<string, number> = {};
    for (const bound of RANGE_BOUNDS) {
        const seconds = (value as Record<string, unknown>)[bound];
        if (seconds !== undefined) range[bound] = checkUnixSeconds(seconds, `${argument}.${bound}`);
    }
    return range;
}

/** A list of project ids to grant: at least one; duplicates are folded, since granting twice means once. */
export function checkProjectIds(value: unknown, argument = "projectIds"): string[] {
    if (!Array.isArray(value)) throw new InvalidArgumentError(argument, value, "must be an array of project ids");
    if (value.length === 0) throw new InvalidArgumentError(argument, value, "must name at least one project");
    const ids = value.map((id, i) => checkProjectId(id, `${argument}[${i}]`));
    return [...new Set(ids)];
}

export function checkPositiveInteger(argument: string, value: unknown): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw new InvalidArgumentError(argument, value, "must be a positive integer");
    return value;
}

export function checkNonNegativeInteger(argument: string, value: unknown): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0) throw new InvalidArgumentError(argument, value, "must be a non-negative integer");
    return value;
}

export function checkLimit(value: unknown, argument = "limit"): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_PAGE_SIZE) {
        throw new InvalidArgumentError(argument, value, `must be an integer from 1 to ${MAX_PAGE_SIZE}`);
    }
    return value;
}

export function checkBoolean(value: unknown, argument: string): boolean {
    if (typeof value !== "boolean") throw new InvalidArgumentError(argument, value, "must be true or false");
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
