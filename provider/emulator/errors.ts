/**
 * OpenAI's error envelope and the errors the emulator answers with.
 *
 * Messages copy OpenAI's wording where it is known (missing key, wrong key, missing scope, invalid
 * URL, parameter validation), because clients and their tests match on them.
 */

/** `{ error: { message, type, param, code } }`, the spec's `ErrorResponse`. */
export interface OpenAIErrorBody {
    error: { message: string; type: string; param: string | null; code: string | null };
}

/** An error that is answered as an HTTP response in OpenAI's shape. */
export class ApiError extends Error {
    constructor(
        readonly status: number,
        message: string,
        readonly type: string,
        readonly param: string | null = null,
        readonly code: string | null = null,
        readonly headers: Readonly<Record<string, string>> = {},
    ) {
        super(message);
        this.name = "ApiError";
    }

    toBody(): OpenAIErrorBody {
        return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
    }
}

const INVALID_REQUEST = "invalid_request_error";

export function missingApiKey(): ApiError {
    return new ApiError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
            "(i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing " +
            "the API from your browser and are prompted for a username. You can obtain an API key from " +
            "https://platform.openai.com/account/api-keys.",
        INVALID_REQUEST,
    );
}

/**
 * Masks a key the way OpenAI echoes it: the first 6 and last 4 characters kept, the rest starred.
 * The echo is deliberate: a client must redact it before logging, and the emulator lets that be tested.
 */
export function maskApiKey(key: string): string {
    if (key.length <= 10) return "*".repeat(key.length);
    return `${key.slice(0, 6)}${"*".repeat(key.length - 10)}${key.slice(-4)}`;
}

export function incorrectApiKey(key: string): ApiError {
    return new ApiError(
        401,
        `Incorrect API key provided: ${maskApiKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        INVALID_REQUEST,
        null,
        "invalid_api_key",
    );
}

export function missingScope(scope: string): ApiError {
    // OpenAI goes on with advice about roles; the issue pins this first sentence, which clients match on.
    return new ApiError(
        403,
        `You have insufficient permissions for this operation. Missing scopes: ${scope}`,
        INVALID_REQUEST,
    );
}

export function invalidUrl(method: string, path: string): ApiError {
    return new ApiError(404, `Invalid URL (${method} ${path})`, INVALID_REQUEST);
}

export function methodNotAllowed(method: string, path: string, allowed: readonly string[]): ApiError {
    return new ApiError(405, `Invalid method for URL (${method} ${path})`, INVALID_REQUEST, null, null, {
        Allow: allowed.join(", "),
    });
}

export function checkpointNotFound(checkpoint: string): ApiError {
    return new ApiError(
        404,
        `The model \`${checkpoint}\` does not exist or you do not have access to it.`,
        INVALID_REQUEST,
        null,
        "model_not_found",
    );
}

export function permissionNotFound(checkpoint: string, permissionId: string): ApiError {
    return new ApiError(
        404,
        `No permission found with id '${permissionId}' for checkpoint '${checkpoint}'.`,
        INVALID_REQUEST,
        null,
        "not_found",
    );
}

/**
 * The audit-log listing of an organization whose audit logging is off. OpenAI documents no answer for this case;
 * see the README for why this one: 403, for the organization forbids it and the key is fine, with a code of its own
 * so a client can tell it from a key without the scope.
 */
export function auditLoggingDisabled(): ApiError {
    return new ApiError(
        403,
        "Audit logging is not enabled for this organization. An Organization Owner can activate it in the Data Controls " +
            "settings (https://platform.openai.com/settings/organization/data-controls/data-retention); once activated, it cannot be deactivated.",
        INVALID_REQUEST,
        null,
        "audit_logging_disabled",
    );
}

export function ownerProjectGrant(ownerProjectId: string): ApiError {
    return new ApiError(
        400,
        `Cannot modify checkpoint permissions for the owning project: ${ownerProjectId}`,
        INVALID_REQUEST,
        "project_ids",
    );
}

/** A bad request parameter or body field; `param` names it, as OpenAI does. */
export function invalidParameter(param: string | null, message: string, code: string | null): ApiError {
    return new ApiError(400, message, INVALID_REQUEST, param, code);
}

export function unparsableJson(): ApiError {
    return invalidParameter(
        null,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library " +
            "correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble " +
            "figuring out how to fix this, please contact us through our help center at help.openai.com.)",
        null,
    );
}

export function bodyTooLarge(limitBytes: number): ApiError {
    return new ApiError(413, `Request body exceeds ${limitBytes} bytes.`, INVALID_REQUEST);
}

export function internalError(cause: unknown): ApiError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return new ApiError(500, `The emulator failed while handling the request: ${detail}`, "server_error");
}
