/**
 * The HTTP client for OpenAI's checkpoint-permissions API, and the organization's audit log and projects beside it.
 *
 * ```ts
 * const client = new CheckpointPermissionsClient(); // OPENAI_ADMIN_KEY, OPENAI_BASE_URL
 * const { permissions } = await client.permissions.listAll("ft:gpt-4o-mini-2024-07-18:acme::AbC123");
 * const { events } = await client.auditLogs.listAll({ eventTypes: ["checkpoint.permission.created"] });
 * ```
 */
import { OpenAIClient, type ClientOptions } from "./core";
import { AuditLogsAPI } from "./audit-logs";
import { CheckpointPermissionsAPI } from "./checkpoint-permissions";
import { ProjectsAPI } from "./projects";

export class CheckpointPermissionsClient extends OpenAIClient {
    /** List, grant and revoke access to fine-tuned model checkpoints. */
    readonly permissions: CheckpointPermissionsAPI;
    /** The organization's audit log: who did what, when. */
    readonly auditLogs: AuditLogsAPI;
    /** The organization's projects, with their names. */
    readonly projects: ProjectsAPI;

    constructor(options: ClientOptions = {}) {
        super(options);
        this.permissions = new CheckpointPermissionsAPI(this);
        this.auditLogs = new AuditLogsAPI(this);
        this.projects = new ProjectsAPI(this);
    }
}

export { OpenAIClient, DEFAULT_BASE_URL, DEFAULT_TIMEOUT_MS } from "./core";
export type { ClientOptions, ClientLogger, PreparedRequest, RequestOptions } from "./core";
export { CheckpointPermissionsAPI } from "./checkpoint-permissions";
export type { ListAllParams, ListPageParams, PermissionListing } from "./checkpoint-permissions";
export { AuditLogsAPI } from "./audit-logs";
export type { AuditLogFilter, AuditLogListAllParams, AuditLogListPageParams, AuditLogListing, AuditLogPagesParams } from "./audit-logs";
export { ProjectsAPI } from "./projects";
export type { ProjectListAllParams, ProjectListPageParams, ProjectListing } from "./projects";
export type { ListingOptions, ListingProgress, PagesOptions } from "./paging";
export * from "./errors";
export {
    RequestLimiter,
    DEFAULT_MAX_REQUESTS_IN_FLIGHT,
    DEFAULT_INITIAL_REQUESTS_IN_FLIGHT,
    MAX_PAUSE_MS,
    MAX_REQUEUES_AFTER_BACK_OFF,
} from "./limiter";
export type { AcquireOptions, LimiterClock, Permit, RequestLimiterOptions, Turn } from "./limiter";
export { MAX_DEFAULT_LIMITERS, setMaxRequestsInFlight } from "./default-limiters";
export { DEFAULT_MAX_RETRIES } from "./retry";
export type { RequestQuota } from "./retry";
export { MAX_PAGE_SIZE, MAX_CHECKPOINT_ID_LENGTH, MAX_ID_LENGTH, MAX_FILTER_VALUES } from "./arguments";
export { DEFAULT_LISTING_LIMITS, DEFAULT_MAX_RESPONSE_BYTES } from "./limits";
export type { ListingLimits, ListingLimitName } from "./limits";
export { redact } from "./redact";
