/**
 * A rate limit belongs to one organization: one admin key against one base URL. Over real loopback HTTP, with
 * emulators as organizations and clients left to their default limiter: one organization's spent quota or 429
 * pause holds its own requests and no other organization's, clients of one organization share its limiter, and
 * `setMaxRequestsInFlight` sets the ceiling of them all. Behaviour only: requests are held or sent, never timed.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { startEmulator, type ConditionOptions, type RunningEmulator } from "../../provider/emulator";
import {
    APIUserAbortError,
    AuthenticationError,
    CheckpointPermissionsClient,
    DEFAULT_MAX_REQUESTS_IN_FLIGHT,
    MAX_DEFAULT_LIMITERS,
    setMaxRequestsInFlight,
    type Permit,
} from "../../provider/client";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::Organizations";

const emulators: RunningEmulator[] = [];
afterEach(async () => {
    await Promise.all(emulators.splice(0).map((emulator) => emulator.close()));
});

let organizations = 0;

/**
 * An organization: an emulator of its own (its own base URL) and a key of its own, so one whose port the system
 * gives again is still another organization; it holds CHECKPOINT with one permission.
 */
async function organization(conditions: ConditionOptions = {}): Promise<RunningEmulator> {
    const emulator = await startEmulator({
        ...conditions,
        adminKey: `sk-admin-organization-${++organizations}`,
        seed: { checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_a" }] } } },
    });
    emulators.push(emulator);
    return emulator;
}

/** A client on its default limiter: no `limiter` option. */
function clientOf(emulator: RunningEmulator, adminKey = emulator.adminKey): CheckpointPermissionsClient {
    return new CheckpointPermissionsClient({ adminKey, baseUrl: emulator.baseUrl });
}

/** A listing the test expects the limiter to hold; `abort` ends it, and it must end as given up, not answered. */
function heldListing(client: CheckpointPermissionsClient) {
    const controller = new AbortController();
    const listing = client.permissions.listAll(CHECKPOINT, { signal: controller.signal });
    return {
        abort: async () => {
            controller.abort();
            await expect(listing).rejects.toThrow(APIUserAbortError);
        },
    };
}

const statuses = (emulator: RunningEmulator) => emulator.requests.map((request) => request.status);

describe("default limiters, one per organization", () => {
    it("one organization's spent quota holds its requests until the reset, and another organization's listing is answered meanwhile", async () => {
        // One request a minute: after the first answer the API says none is left until the reset, a minute away.
        const exhausted = await organization({ rateLimit: { requestsPerSecond: 1 / 60, burst: 1 } });
        const other = await organization();
        const client = clientOf(exhausted);
        await client.permissions.listAll(CHECKPOINT);
        const held = heldListing(client);

        const listing = await clientOf(other).permissions.listAll(CHECKPOINT);
        expect(listing.permissions.map((permission) => permission.projectId)).toEqual(["proj_a"]);
        // Answered while the spent organization's second request had not gone out.
        expect(statuses(exhausted)).toEqual([200]);
        await held.abort();
        expect(statuses(exhausted)).toEqual([200]);
    });

    it("a 429's pause holds every client of that organization, and neither another key on its base URL nor its key on another base URL", async () => {
        const paused = await organization();
        const other = await organization();
        paused.inject({ kind: "status", status: 429, retryAfterMs: 60_000, times: 1 });
        const refused = heldListing(clientOf(paused));
        await vi.waitFor(() => expect(statuses(paused)).toEqual([429]));
        // A second client of the same key and base URL waits out the same pause.
        const sameOrganization = heldListing(clientOf(paused));

        // Another key, or the key against another base URL, is another organization: its request goes out (and
        // an emulator, knowing one key, refuses the other).
        await expect(clientOf(paused, "sk-admin-another-organization").permissions.listAll(CHECKPOINT)).rejects.toThrow(AuthenticationError);
        await expect(clientOf(other, paused.adminKey).permissions.listAll(CHECKPOINT)).rejects.toThrow(AuthenticationError);
        expect((await clientOf(other).permissions.listAll(CHECKPOINT)).permissions).toHaveLength(1);
        expect(statuses(paused)).toEqual([429, 401]);
        expect(statuses(other)).toEqual([401, 200]);
        await Promise.all([refused.abort(), sameOrganization.abort()]);
        expect(statuses(paused)).toEqual([429, 401]);
    });

    it("clients of one key and base URL get one limiter, whose back-off applies to them all", async () => {
        const shared = await organization();
        const other = await organization();
        const first = clientOf(shared);
        const second = new CheckpointPermissionsClient({ adminKey: shared.adminKey, baseUrl: `${shared.baseUrl}/` });
        expect(second.limiter).toBe(first.limiter);
        expect(clientOf(shared, "sk-admin-another-organization").limiter).not.toBe(first.limiter);
        expect(clientOf(other, shared.adminKey).limiter).not.toBe(first.limiter);
        expect(clientOf(other).limiter).not.toBe(first.limiter);

        // A burst of refusals on one client lowers the cap the other one's requests go out under.
        shared.inject({ kind: "status", status: 429, retryAfterMs: 1, times: 1 });
        const before = second.limiter.allowedInFlight;
        await first.permissions.listAll(CHECKPOINT);
        expect(second.limiter.allowedInFlight).toBeLessThan(before);
        expect(clientOf(other).limiter.allowedInFlight).toBe(before);
    });

    it("setMaxRequestsInFlight sets the ceiling of every default limiter, those made before and after, and so the connections each pool opens", async () => {
        const early = await organization({ latencyMs: 20 });
        const earlyClient = clientOf(early);
        await earlyClient.permissions.listAll(CHECKPOINT);
        const listTen = (client: CheckpointPermissionsClient) => Promise.all(Array.from({ length: 10 }, () => client.permissions.listAll(CHECKPOINT)));
        try {
            setMaxRequestsInFlight(2);
            const late = await organization({ latencyMs: 20 });
            const lateClient = clientOf(late);
            expect([earlyClient.limiter.maxInFlight, lateClient.limiter.maxInFlight]).toEqual([2, 2]);
            const openedBefore = early.connectionsAccepted;
            await Promise.all([listTen(earlyClient), listTen(lateClient)]);
            expect(early.connectionsAccepted - openedBefore).toBeLessThanOrEqual(2);
            expect(late.connectionsAccepted).toBeLessThanOrEqual(2);
        } finally {
            setMaxRequestsInFlight(DEFAULT_MAX_REQUESTS_IN_FLIGHT);
        }
        expect(earlyClient.limiter.maxInFlight).toBe(DEFAULT_MAX_REQUESTS_IN_FLIGHT);
        // A value that is no ceiling changes none.
        expect(() => setMaxRequestsInFlight(0)).toThrow(/maxRequestsInFlight/);
        expect(earlyClient.limiter.maxInFlight).toBe(DEFAULT_MAX_REQUESTS_IN_FLIGHT);
    });

    it(`keeps at most ${MAX_DEFAULT_LIMITERS}, forgetting the least recently used idle one first, a busy one only when none is idle`, async () => {
        // Never contacted: the limiters are only looked up.
        const clientNumber = (i: number) => new CheckpointPermissionsClient({ adminKey: `sk-admin-bound-${i}`, baseUrl: "http://127.0.0.1:9/v1" });
        const limiters = Array.from({ length: MAX_DEFAULT_LIMITERS }, (_, i) => clientNumber(i).limiter);
        const busy: Permit = await limiters[0]!.acquire();

        clientNumber(MAX_DEFAULT_LIMITERS).limiter;
        expect(clientNumber(0).limiter).toBe(limiters[0]);
        expect(clientNumber(1).limiter).not.toBe(limiters[1]);

        // Every one busy: the bound still holds, and the least recently used goes.
        const permits = await Promise.all(Array.from({ length: MAX_DEFAULT_LIMITERS }, (_, i) => clientNumber(i + 1).limiter.acquire()));
        expect(clientNumber(0).limiter).not.toBe(limiters[0]);
        for (const permit of [busy, ...permits]) permit.release();
    });
});
