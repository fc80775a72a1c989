/**
 * The emulator's starting state: which checkpoints exist, who owns them, and who already has access; the
 * organization's projects and audit log; and its settings (audit logging on or off, whose the admin key is).
 *
 * A seed comes from tests (an object) or from a JSON file (the CLI's `--seed`); both are validated
 * here so a typo fails loudly with the path of the bad field instead of silently seeding less.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { ActorSeed, ApiKeyActorSeed } from "./actors";
import { AUDIT_LOG_EVENT_TYPES } from "./event-types";

export interface EmulatorSeed {
    checkpoints: Record<
        string,
        {
            owner_project_id: string;
            permissions?: Array<{ project_id: string; created_at?: number; id?: string }>;
        }
    >;
    /** The organization's settings; what it leaves out comes from `startEmulator`'s options, else the defaults. */
    organization?: {
        /** Default true. Off, the audit log records nothing and its listing is refused. */
        audit_logging?: boolean;
        /** Whose the admin key is, as an `AuditLogActor` of type `api_key` (the `type` fields may be left out). */
        admin_key_actor?: Record<string, unknown>;
        /** The project an admin key's actions are scoped to in the audit log. Default `proj_default`. */
        default_project_id?: string;
    };
    /** Projects for `GET /organization/projects`; archived when `archived_at` is set. */
    projects?: Array<{ id: string; name?: string | null; created_at?: number; archived_at?: number | null }>;
    /** Events already in the audit log, each as the API lists it (`id` optional); in any order. */
    audit_logs?: Array<{ type: string; effective_at: number; id?: string; [field: string]: unknown }>;
}

/** Thrown for a seed that does not fit the format; the message names every bad field. */
export class EmulatorSeedError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "EmulatorSeedError";
    }
}

/** Seeded ids may be shorter than generated ones (readable fixtures), but must look like permission ids. */
const SEEDED_PERMISSION_ID = /^cp_[A-Za-z0-9]+$/;

/** An error message that tells a missing field from a wrong one. */
function expected(what: string): { error: (issue: { input?: unknown }) => string } {
    return { error: (issue) => (issue.input === undefined ? "is required" : `must be ${what}`) };
}

const NonEmptyString = z.string(expected("a string")).min(1, { error: "must not be empty" });

const PermissionSeed = z.strictObject({
    project_id: NonEmptyString,
    created_at: z
        .number({ error: "must be a number (Unix seconds)" })
        .int({ error: "must be a whole number of Unix seconds" })
        .nonnegative({ error: "must not be negative" })
        .optional(),
    id: z
        .string({ error: "must be a string" })
        .regex(SEEDED_PERMISSION_ID, { error: "must be `cp_` followed by letters and digits" })
        .optional(),
});

const UnixSeconds = z
    .number({ error: "must be a number (Unix seconds)" })
    .int({ error: "must be a whole number of Unix seconds" })
    .nonnegative({ error: "must not be negative" });

const Token = NonEmptyString.regex(/^\S+$/, { error: "must not contain whitespace" });

const OrganizationSeed = z.strictObject({
    audit_logging: z.boolean({ error: "must be true or false" }).optional(),
    admin_key_actor: ApiKeyActorSeed.optional(),
    default_project_id: Token.optional(),
});

const ProjectSeed = z.strictObject({
    id: Token,
    name: z.string({ error: "must be a string or null" }).nullable().optional(),
    created_at: UnixSeconds.optional(),
    archived_at: UnixSeconds.nullable().optional(),
});

/** The two event types whose details the package reads, as the spec has them; every other type's details are kept as given. */
const PERMISSION_EVENT_DETAILS: Record<string, z.ZodType> = {
    "checkpoint.permission.created": z.strictObject({
        id: Token,
        data: z.strictObject({ project_id: Token, fine_tuned_model_checkpoint: NonEmptyString }),
    }),
    "checkpoint.permission.deleted": z.strictObject({ id: Token }),
};

const EVENT_FIELDS = new Set(["id", "type", "effective_at", "project", "actor"]);

const EventSeed = z
    .looseObject({
        id: Token.optional(),
        type: z.string(expected("an audit-log event type")).refine((type) => AUDIT_LOG_EVENT_TYPES.has(type), {
            error: "must be one of OpenAI's audit-log event types (AuditLogEventType in provider/api/organization-admin.openapi.yaml)",
        }),
        effective_at: UnixSeconds,
        project: z.looseObject({ id: Token, name: z.string().optional() }).optional(),
        actor: ActorSeed.nullable().optional(),
    })
    .superRefine((event, ctx) => {
        // Besides the common fields, an event holds only its own type's details: anything else is a typo.
        for (const key of Object.keys(event)) {
            if (!EVENT_FIELDS.has(key) && key !== event.type) ctx.addIssue({ code: "custom", path: [key], message: `is not a field of a ${event.type} event` });
        }
        const details = PERMISSION_EVENT_DETAILS[event.type];
        if (details === undefined) return;
        const parsed = details.safeParse(event[event.type]);
        for (const issue of parsed.success ? [] : parsed.error.issues) {
            ctx.addIssue({ code: "custom", path: [event.type, ...issue.path], message: issue.input === undefined ? "is required" : issue.message });
        }
    });

const CheckpointSeed = z.strictObject({
    owner_project_id: NonEmptyString,
    permissions: z.array(PermissionSeed, expected("an array")).optional(),
});

const SeedSchema = z
    .strictObject({
        checkpoints: z.record(
            z.string().min(1, { error: "a checkpoint id must not be empty" }),
            CheckpointSeed,
            expected("an object keyed by checkpoint id"),
        ),
        organization: OrganizationSeed.optional(),
        projects: z.array(ProjectSeed, expected("an array")).optional(),
        audit_logs: z.array(EventSeed, expected("an array")).optional(),
    }, { error: "the seed must be a JSON object with a `checkpoints` object" })
    .superRefine((seed, ctx) => {
        for (const [list, items] of [["projects", seed.projects], ["audit_logs", seed.audit_logs]] as const) {
            const seen = new Set<string>();
            (items ?? []).forEach((item, index) => {
                if (item.id === undefined) return;
                if (seen.has(item.id)) ctx.addIssue({ code: "custom", path: [list, index, "id"], message: `${item.id} is used twice` });
                seen.add(item.id);
            });
        }
        // Rules that span fields: ids unique across the whole seed, one permission per project, and never
        // the owning project (the API refuses to grant it, so a seed containing it could not exist).
        const seenIds = new Set<string>();
        for (const [checkpoint, entry] of Object.entries(seed.checkpoints)) {
            const seenProjects = new Set<string>();
            (entry.permissions ?? []).forEach((permission, index) => {
                const path = ["checkpoints", checkpoint, "permissions", index];
                if (permission.project_id === entry.owner_project_id) {
                    ctx.addIssue({
                        code: "custom",
                        path: [...path, "project_id"],
                        message: `is the owning project ${entry.owner_project_id}, which cannot be granted`,
                    });
                }
                if (seenProjects.has(permission.project_id)) {
                    ctx.addIssue({
                        code: "custom",
                        path: [...path, "project_id"],
                        message: `${permission.project_id} already has a permission on this checkpoint`,
                    });
                }
                seenProjects.add(permission.project_id);
                if (permission.id !== undefined) {
                    if (seenIds.has(permission.id)) {
                        ctx.addIssue({ code: "custom", path: [...path, "id"], message: `${permission.id} is used twice` });
                    }
                    seenIds.add(permission.id);
                }
            });
        }
    });

/** Renders `["checkpoints", "ft:x", "permissions", 0, "id"]` as `checkpoints["ft:x"].permissions[0].id`. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
    let out = "";
    for (const segment of path) {
        if (typeof segment === "number") out += `[${segment}]`;
        else if (typeof segment === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += out ? `.${segment}` : segment;
        else out += `[${JSON.stringify(String(segment))}]`;
    }
    return out || "(root)";
}

/** Validates an untrusted value as a seed; `source` (a file name) goes into the error message. */
export function parseSeed(value: unknown, source = "seed"): EmulatorSeed {
    const result = SeedSchema.safeParse(value);
    if (result.success) return result.data;
    const lines = result.error.issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`);
    throw new EmulatorSeedError(`Invalid emulator seed (${source}):\n${lines.join("\n")}`);
}

export async function loadSeedFile(path: string): Promise<EmulatorSeed> {
    let text: string;
    try {
        text = await readFile(path, "utf8");
    } catch (error) {
        throw new EmulatorSeedError(`Cannot read emulator seed file ${path}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (error) {
        throw new EmulatorSeedError(`Emulator seed file ${path} is not valid JSON: ${(error as Error).message}`);
    }
    return parseSeed(json, path);
}

export const EMPTY_SEED: EmulatorSeed = { checkpoints: {} };
