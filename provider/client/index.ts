/**
 * The HTTP client for OpenAI's checkpoint-permissions API.
 *
 * ```ts
 * const client = new CheckpointPermissionsClient(); // OPENAI_ADMIN_KEY, OPENAI_BASE_URL
 * const { permissions } = await client.permissions.listAll("ft:gpt-4o-mini-2024-07-18:acme::AbC123");
 * ```
 */
import { OpenAIClient, type ClientOptions } from "./core";
import { CheckpointPermissionsAPI } from "./checkpoint-permissions";

export class CheckpointPermissionsClient extends OpenAIClient {
    /** List, grant and revoke access to fine-tuned model checkpoints. */
    readonly permissions: CheckpointPermissionsAPI;

    constructor(options: ClientOptions = {}) {
        super(options);
        this.permissions = new CheckpointPermissionsAPI(this);
    }
}

export { OpenAIClient, DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS } from "./core";
export type { ClientOptions, ClientLogger, PreparedRequest, RequestOptions } from "./core";
export { CheckpointPermissionsAPI } from "./checkpoint-permissions";
export type { ListAllParams, ListPageParams, PermissionListing } from "./checkpoint-permissions";
export * from "./errors";
export {
    RequestLimiter,
    setMaxRequestsInFlight,
    sharedLimiter,
    DEFAULT_MAX_REQUESTS_IN_FLIGHT,
    DEFAULT_INITIAL_REQUESTS_IN_FLIGHT,
    MAX_PAUSE_MS,
    MAX_REQUEUES_AFTER_BACK_OFF,
} from "./limiter";
export type { AcquireOptions, Permit, RequestLimiterOptions, Turn } from "./limiter";
export { DEFAULT_MAX_RETRIES } from "./retry";
export { MAX_PAGE_SIZE, MAX_CHECKPOINT_ID_LENGTH, MAX_ID_LENGTH } from "./arguments";
export { DEFAULT_LISTING_LIMITS, DEFAULT_MAX_RESPONSE_BYTES } from "./limits";
export type { ListingLimits, ListingLimitName } from "./limits";
export { redact } from "./redact";
