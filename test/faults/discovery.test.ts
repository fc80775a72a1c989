/**
 * getSharedCheckpoints against an audit log that never ends or names what is no checkpoint: the read stops at its
 * bounds with the error that names the one it hit, having sent no more requests than the bound allows, and warns
 * once of each id it leaves out.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_LISTING_LIMITS, InvalidResponseError, ListingLimitError, type ClientOptions } from "../../provider/client";
import { checkSharedCheckpointsQuery, readSharedCheckpoints } from "../../provider/resources/discovery";
import { eventWire, failure, faultClient, hostileServers, pageWire, sendJson } from "./hostile-server";
import { organization, type OrganizationScript } from "./organization-server";

const serve = hostileServers();
const checkpoint = (n: number | string) => `ft:gpt-4o-mini-2024-07-18:acme::Endless${n}`;

async function discovery(script: OrganizationScript, options: ClientOptions = {}) {
    const org = organization(script);
    const server = await serve(org.handler);
    const warnings: string[] = [];
    const client = faultClient(server, options);
    const read = (include: string[] = []) =>
        readSharedCheckpoints(client, checkSharedCheckpointsQuery({ include }), (level, message) => void (level === "warn" && warnings.push(message)));
    const listings = () => org.answered.filter((r) => r.kind === "listing").length;
    const logPages = () => org.answered.filter((r) => r.kind === "audit-log").length;
    return { read, warnings, listings, logPages, server };
}

describe("an audit log that never ends", () => {
    it("naming new checkpoints on every page: stops at listingLimits.maxCandidates, listing no more than that many", async () => {
        const { read, listings, logPages } = await discovery({ page: (page) => ({ checkpoints: Array.from({ length: 100 }, (_, n) => checkpoint(`${page}x${n}`)), hasMore: true }) }, {
            listingLimits: { maxCandidates: 250 },
        });
        const error = await failure(read());
        expect(error).toBeInstanceOf(ListingLimitError);
        expect(error).toMatchObject({ limit: "maxCandidates", bound: 250, pages: 3, items: 251 });
        expect(error.message).toContain("exceeded listingLimits.maxCandidates (250 candidates)");
        expect(error.message).toContain("raise listingLimits.maxCandidates");
        // Every listing it started had ended when it failed, and no more were started than the bound.
        expect(listings()).toBe(250);
        expect(logPages()).toBe(3);
    });

    it("naming one checkpoint again and again: stops at listingLimits.maxEvents, however few the candidates", async () => {
        const { read, listings, logPages } = await discovery({ page: () => ({ checkpoints: Array.from({ length: 100 }, () => checkpoint("Same")), hasMore: true }) }, {
            listingLimits: { maxEvents: 250 },
        });
        const error = await failure(read());
        expect(error).toMatchObject({ name: "ListingLimitError", limit: "maxEvents", bound: 250, pages: 3, items: 300 });
        expect(error.message).toContain("raise listingLimits.maxEvents");
        expect(listings()).toBe(1);
        expect(logPages()).toBe(3);
    });

    it("counts include towards maxCandidates, and refuses more than the default 10,000 before any request", async () => {
        const { read, server } = await discovery({ page: () => ({ checkpoints: [], hasMore: false }) });
        const include = Array.from({ length: DEFAULT_LISTING_LIMITS.maxCandidates + 1 }, (_, n) => checkpoint(n));
        await expect(read(include)).rejects.toMatchObject({ limit: "maxCandidates", bound: 10_000, pages: 0, items: 10_001 });
        expect(server.received).toHaveLength(0);
    });

    it("lets the client raise maxCandidates, and checks it", async () => {
        const { read } = await discovery({ page: () => ({ checkpoints: [checkpoint(1), checkpoint(2), checkpoint(3)], hasMore: false }) }, { listingLimits: { maxCandidates: 3 } });
        expect((await read()).candidateCount).toBe(3);
        await expect(discovery({ page: () => ({ checkpoints: [], hasMore: false }) }, { listingLimits: { maxCandidates: 0 } })).rejects.toThrow(
            /listingLimits\.maxCandidates: must be a positive integer \(got 0\)/,
        );
    });
});

describe("the log, streamed", () => {
    it("keeps no event past its page: with distinct: false an event listed on two pages is handed over twice, unchecked", async () => {
        // Page 1 lists page 0's first event again, at another time: a distinct listing fails on the disagreement.
        const server = await serve((req, res) =>
            sendJson(res, 200, req.url?.includes("after=") ? pageWire([eventWire("evt_a", 1_800_000_000)], false) : pageWire([eventWire("evt_a"), eventWire("evt_b")], true)),
        );
        const ids: string[] = [];
        for await (const page of faultClient(server).auditLogs.pages({ distinct: false })) ids.push(...page.data.map((e) => e.id));
        expect(ids).toEqual(["evt_a", "evt_b", "evt_a"]);
        await expect(faultClient(server).auditLogs.listAll()).rejects.toThrow(InvalidResponseError);
    });
});

describe("ids the audit log names that are no checkpoint id", () => {
    it("are left out with one warning each, naming the id, and never listed", async () => {
        const bad = [" ft:leading-space", "", "ft:control\u0007char"];
        const { read, warnings, listings } = await discovery({
            page: (page) => ({ checkpoints: page === 0 ? [checkpoint("Good"), ...bad, bad[0]!] : [bad[1]!, bad[2]!, checkpoint("Good")], hasMore: page === 0 }),
        });
        const result = await read();
        expect(result).toMatchObject({ checkpointIds: [checkpoint("Good")], candidateCount: 1 });
        expect(listings()).toBe(1);
        expect(warnings).toEqual([
            expect.stringMatching(/^Left out a checkpoint the audit log names, unconfirmed: its id must not start or end with whitespace \(got " ft:leading-space"\)/),
            expect.stringMatching(/its id must not be empty or whitespace \(got ""\)/),
            expect.stringMatching(/its id must not contain control characters \(got "ft:control\\u0007char"\)/),
        ]);
    });

    it("count towards maxCandidates, so a log naming them without end is bounded too", async () => {
        const { read, warnings } = await discovery({ page: (page) => ({ checkpoints: Array.from({ length: 10 }, (_, n) => ` bad${page}x${n}`), hasMore: true }) }, {
            listingLimits: { maxCandidates: 15 },
        });
        await expect(read()).rejects.toMatchObject({ limit: "maxCandidates", bound: 15, pages: 2 });
        expect(warnings).toHaveLength(15);
    });
});
