/**
 * Who the emulator's audit log says did something: the admin key (owned by a user or a service account) for every
 * API request, and for a change made through the in-process API or the control endpoints, a dashboard session by
 * default, or any actor the caller names.
 *
 * Seeds and control requests name an actor as the API's own `AuditLogActor`, whose `type` fields may be left out;
 * the in-process API takes a shorter camelCase form. Both become the full wire shape here, with every user given
 * one id per email, as OpenAI has one user per email.
 */
import { z } from "zod";
import { newKeyId, newUserId } from "./ids";

/** An actor as the in-process API (`startEmulator`, `grant`, `revoke`) takes one. */
export type EmulatorActor = SessionActorOption | ApiKeyActorOption;

/** Someone in the dashboard: their email, and the address the audit log records. */
export interface SessionActorOption {
    session: { email: string; ipAddress: string; userId?: string };
}

/** An API key (`id`, its tracking id, `key_…`), owned by a user or by a service account. */
export interface ApiKeyActorOption {
    apiKey: { id?: string } & ({ user: { email: string; id?: string } } | { serviceAccount: { id: string } });
}

/** The owner of the emulator's organization: who holds its admin key and works in its dashboard unless told otherwise. */
export const DEFAULT_OWNER = Object.freeze({ id: "user-emulatorOwner00000000", email: "owner@example.com" });

/** The admin key's actor unless configured: a key of the organization's owner, as a key made in the dashboard is. */
export const DEFAULT_ADMIN_KEY_ACTOR: ApiKeyActorOption = Object.freeze({ apiKey: { id: "key_emulatorAdminKey0", user: DEFAULT_OWNER } });

/** Who makes a change "outside Pulumi" (`grant`, `revoke`) unless told: the owner, in the dashboard. */
export const DEFAULT_DASHBOARD_ACTOR: SessionActorOption = Object.freeze({ session: { email: DEFAULT_OWNER.email, userId: DEFAULT_OWNER.id, ipAddress: "192.0.2.1" } });

const Id = z.string().min(1, { error: "must not be empty" });

/** A user: an email or an id, or both; extra fields are kept, as the API has more than the spec names. */
const UserSeed = z
    .looseObject({ id: Id.optional(), email: Id.optional() })
    .refine((user) => user.id !== undefined || user.email !== undefined, { error: "needs an email or an id" });

const SessionSeed = z.looseObject({
    type: z.literal("session").optional(),
    session: z.looseObject({ user: UserSeed, ip_address: z.string().optional() }),
});

const UserKeySeed = z.looseObject({ id: Id.optional(), type: z.literal("user").optional(), user: UserSeed });
const ServiceAccountKeySeed = z.looseObject({ id: Id.optional(), type: z.literal("service_account").optional(), service_account: z.looseObject({ id: Id }) });
const ApiKeySeed = z.looseObject({ type: z.literal("api_key").optional(), api_key: z.union([UserKeySeed, ServiceAccountKeySeed]) });

/** An `AuditLogActor` as a seed or a control request gives it: the API's shape, `type` fields optional. */
export const ActorSeed = z.union([SessionSeed, ApiKeySeed], { error: "must be an actor: {session: {user, ip_address}} or {api_key: {id, user | service_account}}" });
export type ActorSeed = z.infer<typeof ActorSeed>;

/** An API key's actor, for the admin key: the same, but only `api_key`. */
export const ApiKeyActorSeed = ApiKeySeed;

interface UserBody {
    id: string;
    email?: string;
    [field: string]: unknown;
}

/** `AuditLogActor` on the wire, every `type` and id filled in. */
export type ActorBody =
    | { type: "session"; session: { user: UserBody; ip_address?: string; [field: string]: unknown } }
    | {
          type: "api_key";
          api_key:
              | { id: string; type: "user"; user: UserBody; [field: string]: unknown }
              | { id: string; type: "service_account"; service_account: { id: string; [field: string]: unknown }; [field: string]: unknown };
      };

/** The in-process form as a seed gives it. */
export function actorSeedOf(actor: EmulatorActor): unknown {
    if ("session" in actor) {
        const { email, ipAddress, userId } = actor.session;
        return { session: { user: { email, ...(userId === undefined ? {} : { id: userId }) }, ip_address: ipAddress } };
    }
    const { id, ...owner } = actor.apiKey;
    const keyId = id === undefined ? {} : { id };
    return "user" in owner ? { api_key: { ...keyId, user: owner.user } } : { api_key: { ...keyId, service_account: owner.serviceAccount } };
}

// A union parses an object with a `session` (a `user`) as its first member; the index signatures of loose
// objects keep TypeScript from telling the members apart by `in` alone.
function isSession(seed: ActorSeed): seed is z.infer<typeof SessionSeed> {
    return "session" in seed;
}

function isUserKey(key: z.infer<typeof ApiKeySeed>["api_key"]): key is z.infer<typeof UserKeySeed> {
    return "user" in key;
}

/** The organization's users: one id per email, kept from the first time either is seen. */
export class Users {
    private readonly idByEmail = new Map<string, string>();

    /** The user with its id: the one given (and remembered for its email), else the email's, else a new one. */
    resolve(user: z.infer<typeof UserSeed>): UserBody {
        const known = user.email === undefined ? undefined : this.idByEmail.get(user.email);
        const id = user.id ?? known ?? newUserId();
        if (user.email !== undefined && known === undefined) this.idByEmail.set(user.email, id);
        return { ...user, id };
    }

    /** The wire shape of a (validated) actor, its `type`s, user ids and key id filled in. */
    actor(seed: ActorSeed): ActorBody {
        if (isSession(seed)) {
            const { session } = seed;
            return { ...seed, type: "session", session: { ...session, user: this.resolve(session.user) } };
        }
        const key = (seed as z.infer<typeof ApiKeySeed>).api_key;
        const id = key.id ?? newKeyId();
        if (isUserKey(key)) return { ...seed, type: "api_key", api_key: { ...key, id, type: "user", user: this.resolve(key.user) } };
        return { ...seed, type: "api_key", api_key: { ...key, id, type: "service_account", service_account: key.service_account } };
    }
}
