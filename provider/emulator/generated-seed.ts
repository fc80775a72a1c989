/**
 * A seed for an organization that shares many checkpoints, built instead of written by hand, for scale tests and
 * benchmarks (`generateSeed`, the CLI's `--generate`):
 *
 * - `checkpoints` checkpoints, all owned by the project `proj_finetuning`, each shared with the same `permissions`
 *   projects (`proj_shared000001`, …), one permission each;
 * - its audit log of `events` events, oldest first one minute apart from 2024-01-01T00:00:00Z. Every permission has
 *   the `checkpoint.permission.created` event the emulator writes when the organization's admin key (a CI
 *   pipeline's service account) grants it through the API: that permission's id, scoped to the default project,
 *   at the permission's `created_at`. The events beyond those are, in about equal numbers, grants a dashboard user
 *   made to the project `proj_trial` and took back (a created and a deleted event each, as the emulator writes for
 *   the dashboard, scoped to the owning project) and that user's sign-ins (`login.succeeded`), spread evenly
 *   through the log;
 * - the organization's projects, named, for `GET /organization/projects`.
 *
 * Everything is deterministic: the same options give the same seed, ids and timestamps included. Ids have OpenAI's
 * shapes, with `gen` in them so they read as generated. With audit logging off, the log is empty, as the emulator
 * writes nothing then.
 *
 * This module loads nothing heavy (no zod), so the CLI can check its `--generate` flag before starting anything.
 */
import type { EmulatorSeed } from "./seed";

export interface GenerateSeedOptions {
    /** How many checkpoints the organization shares: a positive integer. */
    readonly checkpoints: number;
    /** How many projects each checkpoint is shared with (a permission each): a positive integer. */
    readonly permissions: number;
    /**
     * How many events the audit log holds, at least one per permission (`checkpoints × permissions`), which is the
     * default. Must be 0 or left out when `auditLogging` is false.
     */
    readonly events?: number;
    /** The organization's audit logging (the seed's `organization.audit_logging`); default true. */
    readonly auditLogging?: boolean;
}

/** Thrown for options `generateSeed` cannot build from; the message names the option and its value. */
export class InvalidGenerateSeedOptionsError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InvalidGenerateSeedOptionsError";
    }
}

/** The most permissions a generated seed holds (`checkpoints × permissions`): with as many events, about 100 MB. */
export const MAX_GENERATED_PERMISSIONS = 100_000;
/** The most events a generated audit log holds: as many as one listing of our client takes by default (`maxEvents`). */
export const MAX_GENERATED_EVENTS = 100_000;

/** 2024-01-01T00:00:00Z: the first event. */
const FIRST_EVENT_AT = 1_704_067_200;
const SECONDS_BETWEEN_EVENTS = 60;

// Every event shares these objects: frozen, so a caller changing one event's actor changes none of the others'.
const DEFAULT_PROJECT = deepFreeze({ id: "proj_default", name: "Default project" });
const OWNER_PROJECT = deepFreeze({ id: "proj_finetuning", name: "Fine-tuning" });
const TRIAL_PROJECT = deepFreeze({ id: "proj_trial", name: "Trial" });

/** The admin key, as the audit log names it: a CI pipeline's service account. */
const PIPELINE_ACTOR = deepFreeze({
    type: "api_key",
    api_key: { id: "key_genPipelineKey00", type: "service_account", service_account: { id: "svc_acct_gen_pipeline" } },
} as const);

/** Who grants and takes back access in the dashboard, and signs in. */
const DASHBOARD_ACTOR = deepFreeze({
    type: "session",
    session: { user: { email: "dashboard-user@example.com", id: "user-genDashboardUser000000" }, ip_address: "192.0.2.10" },
} as const);

const CREATED = "checkpoint.permission.created";
const DELETED = "checkpoint.permission.deleted";
const SIGN_IN = "login.succeeded";

/** Checks the options, naming the first bad one and its value; returns them with their defaults filled in. */
export function checkGenerateSeedOptions(options: GenerateSeedOptions): Required<GenerateSeedOptions> {
    const { checkpoints, permissions } = options;
    positiveInteger("checkpoints", checkpoints);
    positiveInteger("permissions", permissions);
    if (checkpoints * permissions > MAX_GENERATED_PERMISSIONS) {
        throw invalid(`checkpoints × permissions must be at most ${MAX_GENERATED_PERMISSIONS.toLocaleString("en")}, got ${checkpoints} × ${permissions}`);
    }
    const auditLogging = options.auditLogging ?? true;
    if (typeof auditLogging !== "boolean") throw invalid(`auditLogging must be true or false, got ${JSON.stringify(auditLogging)}`);
    const created = auditLogging ? checkpoints * permissions : 0;
    const events = options.events ?? created;
    if (!Number.isInteger(events) || events < 0) throw invalid(`events must be a non-negative integer, got ${JSON.stringify(events)}`);
    if (!auditLogging && events > 0) throw invalid(`events must be 0 when auditLogging is false (nothing is recorded then), got ${events}`);
    if (events < created) {
        throw invalid(`events must be at least checkpoints × permissions (${created}), one created event per permission, got ${events}`);
    }
    if (events > MAX_GENERATED_EVENTS) throw invalid(`events must be at most ${MAX_GENERATED_EVENTS.toLocaleString("en")}, got ${events}`);
    return { checkpoints, permissions, events, auditLogging };
}

/** The seed the options describe (see the module's comment); throws `InvalidGenerateSeedOptionsError` for bad options. */
export function generateSeed(options: GenerateSeedOptions): EmulatorSeed {
    const { checkpoints: checkpointCount, permissions: permissionCount, events: eventCount, auditLogging } = checkGenerateSeedOptions(options);
    const checkpointIds = Array.from({ length: checkpointCount }, (_, i) => `ft:gpt-4o-mini-2024-07-18:acme::Gen${digits(i + 1, 6)}`);
    const sharedProjects = Array.from({ length: permissionCount }, (_, j) => ({ id: `proj_shared${digits(j + 1, 6)}`, name: `Shared ${j + 1}` }));
    const checkpoints: EmulatorSeed["checkpoints"] = {};
    for (const checkpoint of checkpointIds) checkpoints[checkpoint] = { owner_project_id: OWNER_PROJECT.id, permissions: [] };

    const history = new History(auditLogging);
    const grantCount = checkpointCount * permissionCount;
    // Checkpoint by checkpoint, as a pipeline shares each new checkpoint with every project that uses it.
    const share = (k: number): void => {
        const checkpoint = checkpointIds[Math.floor(k / permissionCount)]!;
        const permission = history.grant(checkpoint, sharedProjects[k % permissionCount]!.id, PIPELINE_ACTOR, DEFAULT_PROJECT);
        checkpoints[checkpoint]!.permissions!.push(permission);
    };
    interleave(grantCount, eventCount - grantCount, { main: share, padding: padding(eventCount - grantCount, checkpointIds, history) });

    const projectsCreatedAt = FIRST_EVENT_AT - 86_400;
    return {
        checkpoints,
        organization: { audit_logging: auditLogging, admin_key_actor: PIPELINE_ACTOR, default_project_id: DEFAULT_PROJECT.id },
        projects: [DEFAULT_PROJECT, OWNER_PROJECT, ...sharedProjects, TRIAL_PROJECT].map((project) => ({ ...project, created_at: projectsCreatedAt })),
        audit_logs: history.events,
    };
}

/**
 * The `count` padding events in the order they come: units of a trial grant, its revoke and two sign-ins while
 * four are left, then sign-ins. The trial grants go round the checkpoints; each is taken back before the next.
 */
function padding(count: number, checkpointIds: readonly string[], history: History): (k: number) => void {
    const units = Math.floor(count / 4);
    let trial: { checkpoint: string; id: string } | undefined;
    return (k) => {
        const unit = Math.floor(k / 4);
        const step = unit < units ? k % 4 : 3;
        if (step === 0) {
            const checkpoint = checkpointIds[unit % checkpointIds.length]!;
            trial = { checkpoint, id: history.grant(checkpoint, TRIAL_PROJECT.id, DASHBOARD_ACTOR, OWNER_PROJECT).id };
        } else if (step === 1) {
            history.record({ type: DELETED, project: OWNER_PROJECT, actor: DASHBOARD_ACTOR, details: { id: trial!.id } });
        } else {
            history.record({ type: SIGN_IN, actor: DASHBOARD_ACTOR });
        }
    };
}

/**
 * Calls `main` for 0…mainCount-1 and `padding` for 0…paddingCount-1, each in order, mixing the two as evenly as
 * the counts allow (the way a line is drawn on a grid), so the padding is spread through the whole log.
 */
function interleave(mainCount: number, paddingCount: number, take: { main: (k: number) => void; padding: (k: number) => void }): void {
    let main = 0;
    let pad = 0;
    while (main < mainCount || pad < paddingCount) {
        if (pad >= paddingCount || (main < mainCount && main * paddingCount <= pad * mainCount)) take.main(main++);
        else take.padding(pad++);
    }
}

type Actor = typeof PIPELINE_ACTOR | typeof DASHBOARD_ACTOR;

/** An event as the emulator lists it (`EventBody`): its details under its type. */
interface GeneratedEvent {
    type: string;
    effective_at: number;
    project?: { id: string; name: string };
    actor: Actor;
    id: string;
    [details: string]: unknown;
}

/**
 * What happened in the organization, one thing a minute: the permissions made, with deterministic ids and times,
 * and while audit logging is on, the event each wrote, oldest first.
 */
class History {
    readonly events: GeneratedEvent[] = [];
    private happened = 0;
    private permissionsMade = 0;

    constructor(private readonly recording: boolean) {}

    /** A new permission, and what the emulator records for it (`Organization.grant`). */
    grant(checkpoint: string, projectId: string, actor: Actor, scope: { id: string; name: string }): { project_id: string; created_at: number; id: string } {
        // `cp_` and 24 letters and digits, as OpenAI's.
        const permission = { project_id: projectId, created_at: this.now(), id: `cp_gen${digits(++this.permissionsMade, 21)}` };
        this.record({ type: CREATED, project: scope, actor, details: { id: permission.id, data: { project_id: projectId, fine_tuned_model_checkpoint: checkpoint } } });
        return permission;
    }

    /**
     * Records an event at the next minute, in the emulator's shape, with the next id: `audit_log-`, 24 letters and
     * digits, `_` and the UTC day, as OpenAI's.
     */
    record(event: { type: string; project?: { id: string; name: string }; actor: Actor; details?: object }): void {
        const effectiveAt = this.now();
        this.happened++;
        if (!this.recording) return;
        const { type, project, actor, details } = event;
        const day = new Date(effectiveAt * 1000).toISOString().slice(0, 10).replaceAll("-", "");
        this.events.push({
            type,
            effective_at: effectiveAt,
            ...(project === undefined ? {} : { project }),
            actor,
            ...(details === undefined ? {} : { [type]: details }),
            id: `audit_log-gen${digits(this.events.length + 1, 21)}_${day}`,
        });
    }

    /** The time of the next thing to happen. */
    private now(): number {
        return FIRST_EVENT_AT + this.happened * SECONDS_BETWEEN_EVENTS;
    }
}

function deepFreeze<T extends object>(value: T): T {
    for (const field of Object.values(value)) if (typeof field === "object" && field !== null) deepFreeze(field);
    return Object.freeze(value);
}

function digits(n: number, width: number): string {
    return String(n).padStart(width, "0");
}

function positiveInteger(name: string, value: unknown): void {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 1) throw invalid(`${name} must be a positive integer, got ${JSON.stringify(value)}`);
}

function invalid(message: string): InvalidGenerateSeedOptionsError {
    return new InvalidGenerateSeedOptionsError(`generateSeed: ${message}`);
}
