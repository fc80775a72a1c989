/**
 * Validation of the list query and the create body, answering in OpenAI's style: a 400 whose `param`
 * names the offending parameter and whose message says what was expected and what came. The rules for one
 * parameter (a limit, a cursor, a flag) serve the audit-log and project listings too.
 */
import { invalidParameter, unparsableJson } from "./errors";
import type { ListOrder } from "./store";

/** The permissions listing's default page size; the organization admin listings' is 20. */
export const DEFAULT_LIMIT = 10;
export const MAX_LIMIT = 100;

export interface ListParameters {
    readonly limit: number;
    readonly order: ListOrder;
    readonly after?: string;
    readonly projectId?: string;
}

function describe(value: unknown): string {
    if (value === null) return "null";
    if (Array.isArray(value)) return "an array";
    if (typeof value === "object") return "an object";
    if (typeof value === "string") return "a string";
    if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal";
    if (typeof value === "boolean") return "a boolean";
    return typeof value;
}

/** An integer query parameter; `name` is the parameter as sent, e.g. `effective_at[gt]`. */
export function parseInteger(name: string, raw: string): number {
    if (!/^[+-]?\d+$/.test(raw)) {
        throw invalidParameter(name, `Invalid type for '${name}': expected an integer, but got '${raw}' instead.`, "invalid_type");
    }
    return Number(raw);
}

export function parseLimit(raw: string | null, defaultLimit = DEFAULT_LIMIT): number {
    if (raw === null) return defaultLimit;
    const limit = parseInteger("limit", raw);
    if (limit < 1) {
        throw invalidParameter(
            "limit",
            `Invalid 'limit': integer below minimum value. Expected a value >= 1, but got ${raw} instead.`,
            "integer_below_min_value",
        );
    }
    if (limit > MAX_LIMIT) {
        throw invalidParameter(
            "limit",
            `Invalid 'limit': integer above maximum value. Expected a value <= ${MAX_LIMIT}, but got ${raw} instead.`,
            "integer_above_max_value",
        );
    }
    return limit;
}

function parseOrder(raw: string | null): ListOrder {
    if (raw === null) return "descending";
    if (raw === "ascending" || raw === "descending") return raw;
    throw invalidParameter(
        "order",
        `Invalid value for 'order': expected one of 'ascending' or 'descending', but got '${raw}' instead.`,
        "invalid_value",
    );
}

/** A boolean query parameter: `true` or `false`, as OpenAI's SDKs send them. */
export function parseBoolean(name: string, raw: string | null): boolean | undefined {
    if (raw === null) return undefined;
    if (raw === "true" || raw === "false") return raw === "true";
    throw invalidParameter(name, `Invalid type for '${name}': expected a boolean, but got '${raw}' instead.`, "invalid_type");
}

export function parseNonEmpty(name: string, raw: string | null): string | undefined {
    if (raw === null) return undefined;
    if (raw === "") {
        throw invalidParameter(
            name,
            `Invalid '${name}': empty string. Expected a string with minimum length 1, but got an empty string instead.`,
            "empty_string",
        );
    }
    return raw;
}

/** Reads `limit`, `order`, `after`, `project_id`; unknown query parameters are ignored, as OpenAI does. */
export function parseListParameters(query: URLSearchParams): ListParameters {
    const limit = parseLimit(query.get("limit"));
    const order = parseOrder(query.get("order"));
    const after = parseNonEmpty("after", query.get("after"));
    const projectId = parseNonEmpty("project_id", query.get("project_id"));
    return {
        limit,
        order,
        ...(after === undefined ? {} : { after }),
        ...(projectId === undefined ? {} : { projectId }),
    };
}

/**
 * Reads `{"project_ids": [...]}`: an object with exactly that property, a non-empty array of non-empty
 * strings (the schema's `additionalProperties: false`, plus the emptiness checks OpenAI applies).
 */
export function parseCreateBody(text: string): string[] {
    let body: unknown;
    try {
        body = JSON.parse(text);
    } catch {
        throw unparsableJson();
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) {
        throw invalidParameter(
            null,
            `Invalid type for the request body: expected an object, but got ${describe(body)} instead.`,
            "invalid_type",
        );
    }
    const extra = Object.keys(body).find((key) => key !== "project_ids");
    if (extra !== undefined) {
        throw invalidParameter(extra, `Unrecognized request argument supplied: ${extra}`, "unknown_parameter");
    }
    if (!("project_ids" in body)) {
        throw invalidParameter("project_ids", "Missing required parameter: 'project_ids'.", "missing_required_parameter");
    }
    const projectIds: unknown = body.project_ids;
    if (!Array.isArray(projectIds)) {
        throw invalidParameter(
            "project_ids",
            `Invalid type for 'project_ids': expected an array of strings, but got ${describe(projectIds)} instead.`,
            "invalid_type",
        );
    }
    if (projectIds.length === 0) {
        throw invalidParameter(
            "project_ids",
            "Invalid 'project_ids': empty array. Expected an array with minimum length 1, but got an empty array instead.",
            "empty_array",
        );
    }
    projectIds.forEach((item: unknown, index) => {
        const param = `project_ids[${index}]`;
        if (typeof item !== "string") {
            throw invalidParameter(
                param,
                `Invalid type for '${param}': expected a string, but got ${describe(item)} instead.`,
                "invalid_type",
            );
        }
        if (item === "") {
            throw invalidParameter(
                param,
                `Invalid '${param}': empty string. Expected a string with minimum length 1, but got an empty string instead.`,
                "empty_string",
            );
        }
    });
    return projectIds as string[];
}
