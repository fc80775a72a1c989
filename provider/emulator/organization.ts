/**
 * The emulated organization: its checkpoints' permissions, its projects, its audit log and its settings. Every
 * grant and revoke goes through here, whoever makes it (an API request, the in-process API, a control request), so
 * each one writes its audit-log event, with its actor and the time it took effect.
 */
import type { z } from "zod";
import { actorSeedOf, ActorSeed, ApiKeyActorSeed, Users, type ActorBody, type ApiKeyActorOption, type EmulatorActor } from "./actors";
import { AuditLog } from "./audit-log";
import { Projects } from "./projects";
import type { EmulatorSeed } from "./seed";
import { PermissionStore, type PermissionWire } from "./store";

/** The project an admin key's actions are scoped to unless the seed names another. */
export const DEFAULT_PROJECT_ID = "proj_default";

/** What a seed that does not say takes: from `startEmulator`'s options, else the emulator's defaults. */
export interface OrganizationDefaults {
    readonly auditLogging: boolean;
    readonly adminKeyActor: ApiKeyActorOption;
}

/** An actor the caller gave that is no actor; the message names the bad field. */
export class InvalidActorError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "InvalidActorError";
    }
}

export class Organization {
    readonly permissions: PermissionStore;
    readonly auditLog = new AuditLog();
    readonly projects = new Projects();
    private users = new Users();
    private auditLogging = true;
    private defaultProjectId = DEFAULT_PROJECT_ID;
    private adminKey: ActorBody;

    constructor(
        private readonly now: () => number,
        private readonly defaults: OrganizationDefaults,
    ) {
        this.permissions = new PermissionStore(now);
        this.adminKey = this.users.actor(this.parseActor(actorSeedOf(defaults.adminKeyActor), "adminKeyActor", ApiKeyActorSeed));
    }

    /** Whether the audit log records and may be listed. */
    get auditLoggingEnabled(): boolean {
        return this.auditLogging;
    }

    /** Who every API request acts as. */
    get adminKeyActor(): ActorBody {
        return this.adminKey;
    }

    /** Replaces all state with the seed's (already validated). */
    load(seed: EmulatorSeed): void {
        const settings = seed.organization ?? {};
        this.users = new Users();
        this.permissions.load(seed);
        this.projects.load(seed.projects ?? [], this.now());
        this.auditLog.clear();
        for (const event of seed.audit_logs ?? []) {
            const actor = event["actor"] === undefined || event["actor"] === null ? event["actor"] : this.users.actor(ActorSeed.parse(event["actor"]));
            this.auditLog.record({ ...event, ...(actor === undefined ? {} : { actor }) });
        }
        this.auditLogging = settings.audit_logging ?? this.defaults.auditLogging;
        this.defaultProjectId = settings.default_project_id ?? DEFAULT_PROJECT_ID;
        this.adminKey = this.users.actor(this.parseActor(settings.admin_key_actor ?? actorSeedOf(this.defaults.adminKeyActor), "organization.admin_key_actor", ApiKeyActorSeed));
    }

    /** An actor of the in-process API, checked, in the wire shape. */
    actorOf(actor: EmulatorActor, argument = "actor"): ActorBody {
        let seed: unknown;
        try {
            seed = actorSeedOf(actor);
        } catch {
            throw new InvalidActorError(`Invalid ${argument}: expected {session: {email, ipAddress}} or {apiKey: {user | serviceAccount}}`);
        }
        return this.users.actor(this.parseActor(seed, argument));
    }

    /** An actor as a seed or control request gives it (the API's shape), checked, in the wire shape. */
    actorFromSeed(value: unknown, argument = "actor"): ActorBody {
        return this.users.actor(this.parseActor(value, argument));
    }

    /**
     * Grants each project access as `actor`, all or nothing (see `PermissionStore.grant`), and records a
     * `checkpoint.permission.created` event for each permission made; a project that already had access gets its
     * permission back and no event, since nothing was created.
     */
    grant(checkpoint: string, projectIds: readonly string[], actor: ActorBody): PermissionWire[] {
        const fresh = new Set(projectIds.filter((projectId) => this.permissions.permissionFor(checkpoint, projectId) === undefined));
        const granted = this.permissions.grant(checkpoint, projectIds);
        for (const permission of granted) {
            if (!fresh.has(permission.project_id)) continue;
            this.record(checkpoint, actor, "checkpoint.permission.created", {
                id: permission.id,
                data: { project_id: permission.project_id, fine_tuned_model_checkpoint: checkpoint },
            });
        }
        return granted;
    }

    /** Revokes a permission as `actor` and records its `checkpoint.permission.deleted` event; false if there is no such permission. */
    revoke(checkpoint: string, permissionId: string, actor: ActorBody): boolean {
        const revoked = this.permissions.revoke(checkpoint, permissionId);
        if (revoked) this.record(checkpoint, actor, "checkpoint.permission.deleted", { id: permissionId });
        return revoked;
    }

    /** The whole state as a seed that loads it again: checkpoints, settings, projects, and the audit log oldest first. */
    snapshot(): EmulatorSeed {
        return {
            ...this.permissions.snapshot(),
            organization: { audit_logging: this.auditLogging, admin_key_actor: this.adminKey, default_project_id: this.defaultProjectId },
            projects: this.projects.seeds(),
            audit_logs: this.auditLog.all(),
        };
    }

    private record(checkpoint: string, actor: ActorBody, type: string, details: Record<string, unknown>): void {
        if (!this.auditLogging) return;
        // OpenAI scopes an admin key's actions to the organization's default project; one made in the dashboard is
        // made on the checkpoint's page, in the project that owns it.
        const projectId = actor.type === "api_key" ? this.defaultProjectId : this.permissions.ownerOf(checkpoint);
        const name = this.projects.get(projectId)?.name;
        this.auditLog.record({
            type,
            effective_at: this.now(),
            project: { id: projectId, ...(name ? { name } : {}) },
            actor,
            [type]: details,
        });
    }

    /** `value` as an actor (only an API key's, for the admin key), or an InvalidActorError naming the bad field. */
    private parseActor(value: unknown, argument: string, schema: z.ZodType<ActorSeed> = ActorSeed): ActorSeed {
        const parsed = schema.safeParse(value);
        if (parsed.success) return parsed.data;
        const issue = parsed.error.issues[0];
        const where = issue && issue.path.length > 0 ? `${argument}.${issue.path.join(".")}` : argument;
        throw new InvalidActorError(`Invalid ${where}: ${issue?.message ?? "not an actor"}`);
    }
}
