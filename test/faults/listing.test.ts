/**
 * Listings against servers that never finish, repeat themselves or stall: every listing ends, with an error
 * that names the bound it hit, and a long one writes a few progress lines, not one per page.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import {
    DEFAULT_LISTING_LIMITS,
    InvalidArgumentError,
    InvalidResponseError,
    ListingLimitError,
    PaginationError,
} from "../../provider/client";
import { readCheckpointPermissions } from "../../provider/resources/listing";
import { CHECKPOINT, failure, faultClient, hostileServers, pageWire, permissionWire, sendJson, type HostileHandler } from "./hostile-server";

const serve = hostileServers();
afterEach(() => {
    vi.useRealTimers();
});

/** Every page is full, fresh and says has_more: the listing a server that never stops would give. */
const endless: HostileHandler = (_req, res, index) => {
    const data = Array.from({ length: 100 }, (_, i) => permissionWire(`cp_${index}x${i}`));
    sendJson(res, 200, pageWire(data, true));
};

/** `pages` pages of `perPage` fresh permissions, then done. */
function finite(pages: number, perPage = 1): HostileHandler {
    return (_req, res, index) => {
        const data = Array.from({ length: perPage }, (_, i) => permissionWire(`cp_${index}x${i}`));
        sendJson(res, 200, pageWire(data, index + 1 < pages));
    };
}

describe("endless pagination", () => {
    it("stops at listingLimits.maxPages and names it", async () => {
        const hostile = await serve(endless);
        const error = await failure(faultClient(hostile, { listingLimits: { maxPages: 5, maxPermissions: 1_000_000 } }).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(ListingLimitError);
        expect(error).toMatchObject({ limit: "maxPages", bound: 5, pages: 5, items: 500 });
        expect(error.message).toContain("listingLimits.maxPages (5 pages)");
        expect(hostile.received).toHaveLength(5);
    });

    it("stops at listingLimits.maxPermissions, holding no more than one page past it", async () => {
        const hostile = await serve(endless);
        const error = await failure(faultClient(hostile, { listingLimits: { maxPermissions: 250 } }).permissions.listAll(CHECKPOINT));
        expect(error).toMatchObject({ name: "ListingLimitError", limit: "maxPermissions", bound: 250, pages: 3, items: 300 });
        expect(hostile.received).toHaveLength(3);
    });

    it("ends with the default bounds too, at 100,000 permissions", async () => {
        const hostile = await serve(endless);
        const error = await failure(faultClient(hostile).permissions.listAll(CHECKPOINT));
        expect(error).toMatchObject({ limit: "maxPermissions", bound: DEFAULT_LISTING_LIMITS.maxPermissions, pages: 1_001 });
        expect(hostile.received).toHaveLength(1_001);
    });

    it("stops at listingLimits.deadlineMs, however long each request may take", async () => {
        // The second page never comes; the per-request timeout (10 s) is not what ends the listing.
        const hostile = await serve((_req, res, index) => {
            if (index === 0) sendJson(res, 200, pageWire([permissionWire("cp_first")], true));
        });
        const error = await failure(faultClient(hostile, { timeoutMs: 10_000, listingLimits: { deadlineMs: 100 } }).permissions.listAll(CHECKPOINT));
        expect(error).toMatchObject({ name: "ListingLimitError", limit: "deadlineMs", bound: 100, pages: 1, items: 1 });
        expect(error.message).toContain("listingLimits.deadlineMs (100 ms)");
    });

    it("lets a call override the client's limits, and checks them", async () => {
        const hostile = await serve(endless);
        const client = faultClient(hostile, { listingLimits: { maxPages: 1_000 } });
        await expect(client.permissions.listAll(CHECKPOINT, { listingLimits: { maxPages: 2 } })).rejects.toMatchObject({ limit: "maxPages", pages: 2 });
        await expect(client.permissions.listAll(CHECKPOINT, { listingLimits: { deadlineMs: 0 } })).rejects.toThrow(/listingLimits\.deadlineMs: must be a positive integer \(got 0\)/);
        expect(() => faultClient(hostile, { listingLimits: { maxPages: 1.5 } })).toThrow(InvalidArgumentError);
        expect(() => faultClient(hostile, { maxResponseBytes: -1 })).toThrow(/maxResponseBytes: must be a positive integer/);
    });
});

describe("progress of a long listing", () => {
    it("is reported on the first page, the last, and at most once per progressIntervalMs between", async () => {
        // The clock stands still, so no interval passes between pages however long the machine takes.
        vi.useFakeTimers({ toFake: ["Date"] });
        const hostile = await serve(finite(300));
        const reports: number[] = [];
        const listing = await faultClient(hostile).permissions.listAll(CHECKPOINT, { onPage: ({ page }) => reports.push(page) });
        expect(listing.permissions).toHaveLength(300);
        expect(reports).toEqual([1, 300]);
    });

    it("is reported again once the interval has passed", async () => {
        // Only Date is faked: the server moves the clock 11 s on while it serves page 100.
        vi.useFakeTimers({ toFake: ["Date"] });
        const pages = finite(300);
        const hostile = await serve((req, res, index) => {
            if (index === 99) vi.setSystemTime(Date.now() + 11_000);
            pages(req, res, index);
        });
        const reports: number[] = [];
        await faultClient(hostile).permissions.listAll(CHECKPOINT, { onPage: ({ page }) => reports.push(page) });
        expect(reports).toEqual([1, 100, 300]);
    });

    it("writes two lines through getCheckpointPermissions' listing, not one per page", async () => {
        vi.useFakeTimers({ toFake: ["Date"] });
        const hostile = await serve(finite(1_200, 1));
        const lines: string[] = [];
        const result = await readCheckpointPermissions(faultClient(hostile), { checkpoint: CHECKPOINT, order: "descending", attribution: false }, (level, message) => lines.push(`${level} ${message}`));
        expect(result.permissionCount).toBe(1_200);
        expect(lines).toEqual([`debug ${CHECKPOINT}: page 1, 1 permissions so far`, `info ${CHECKPOINT}: page 1200, 1200 permissions`]);
    });

    it("reports every page when asked to (progressIntervalMs: 0)", async () => {
        const hostile = await serve(finite(4));
        const reports: number[] = [];
        await faultClient(hostile, { listingLimits: { progressIntervalMs: 0 } }).permissions.listAll(CHECKPOINT, { onPage: ({ page }) => reports.push(page) });
        expect(reports).toEqual([1, 2, 3, 4]);
    });
});

describe("a permission listed twice", () => {
    it("is counted once, with one warning for the listing that names it", async () => {
        const pages = [
            [permissionWire("cp_a"), permissionWire("cp_b")],
            [permissionWire("cp_b"), permissionWire("cp_c"), permissionWire("cp_a")],
            [permissionWire("cp_d"), permissionWire("cp_d")],
        ];
        const hostile = await serve((_req, res, index) => sendJson(res, 200, pageWire(pages[index]!, index < 2)));
        const warnings: string[] = [];
        const counts: number[] = [];
        const client = faultClient(hostile, { logger: { debug: () => undefined, warn: (line) => warnings.push(line) }, listingLimits: { progressIntervalMs: 0 } });
        const listing = await client.permissions.listAll(CHECKPOINT, { onPage: ({ count }) => counts.push(count) });
        expect(listing.permissions.map((p) => p.id)).toEqual(["cp_a", "cp_b", "cp_c", "cp_d"]);
        expect(counts).toEqual([2, 3, 4]);
        expect(warnings).toEqual([`Listing ${CHECKPOINT}'s permissions, the API listed 3 permissions more than once (cp_b, cp_a, cp_d); each is counted once`]);
    });

    it("with two different projects fails the listing with InvalidResponseError", async () => {
        const pages = [[permissionWire("cp_a", "proj_one")], [permissionWire("cp_a", "proj_two"), permissionWire("cp_b")]];
        const hostile = await serve((_req, res, index) => sendJson(res, 200, pageWire(pages[index]!, index < 1), { "x-request-id": `req_${index}` }));
        const error = await failure(faultClient(hostile).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(InvalidResponseError);
        expect(error).toMatchObject({ field: "data.id", requestId: "req_1" });
        expect(error.message).toContain("cp_a was listed twice, for proj_one");
    });

    it("does not inflate the count of getCheckpointPermissions' result", async () => {
        const pages = [[permissionWire("cp_a", "proj_a")], [permissionWire("cp_a", "proj_a"), permissionWire("cp_b", "proj_b")]];
        const hostile = await serve((_req, res, index) => sendJson(res, 200, pageWire(pages[index]!, index < 1)));
        const result = await readCheckpointPermissions(faultClient(hostile), { checkpoint: CHECKPOINT, order: "descending", attribution: false });
        expect(result.permissionCount).toBe(2);
        expect(result.projectIds).toEqual(["proj_a", "proj_b"]);
    });
});

describe("cursors that do not advance (already held)", () => {
    it("ends a server that answers the same page forever with PaginationError", async () => {
        const hostile = await serve((_req, res) => sendJson(res, 200, pageWire([permissionWire("cp_same")], true)));
        const error = await failure(faultClient(hostile).permissions.listAll(CHECKPOINT));
        expect(error).toBeInstanceOf(PaginationError);
        expect(error.message).toContain("cp_same was already used");
        expect(hostile.received).toHaveLength(2);
    });

    it("ends an empty page that says has_more with PaginationError", async () => {
        const hostile = await serve((_req, res) => sendJson(res, 200, pageWire([], true)));
        await expect(faultClient(hostile).permissions.listAll(CHECKPOINT)).rejects.toThrow(/has_more but returned an empty page/);
        expect(hostile.received).toHaveLength(1);
    });
});
