/**
 * Attribution (provider/resources/attribution.ts) against servers whose `Date` header the emulator would not send:
 * none at all, or one an hour apart from this machine's clock. The log is empty; waits are recorded, not taken.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { Attribution, MAX_POLLS, MAX_WAIT_MS } from "../../provider/resources/attribution";
import { CHECKPOINT, faultClient, hostileServers, pageWire, sendJson } from "./hostile-server";

const serve = hostileServers();
const GRANTED = 1_800_000_000;
const permission = { id: "cp_new", projectId: "proj_new", createdAt: GRANTED };

afterEach(() => {
    vi.useRealTimers();
});

/** An empty audit log, answered with `date` as its Date header, or none. */
async function emptyLog(date: number | undefined) {
    const server = await serve((_req, res) => {
        res.sendDate = false;
        sendJson(res, 200, pageWire([], false), date === undefined ? {} : { date: new Date(date * 1000).toUTCString() });
    });
    const waits: number[] = [];
    const attribution = new Attribution(faultClient(server), { sleep: async (ms) => void waits.push(ms) });
    return { server, waits, attribution };
}

describe("the server's clock, read from its Date header", () => {
    it("an hour past a permission: its event would be listed, so it is unknown at once, with this machine's clock an hour behind", async () => {
        vi.useFakeTimers({ toFake: ["Date"] });
        vi.setSystemTime(GRANTED * 1000);
        const { attribution, waits, server } = await emptyLog(GRANTED + 3_600);
        const [attributed] = await attribution.attribute(CHECKPOINT, [permission]);
        expect(attributed?.grantedBy.reason).toMatch(/before audit logging was on/);
        expect(waits).toEqual([]);
        expect(server.received).toHaveLength(1);
    });

    it("missing: the newest time the server gave stands for it, so a permission that new waits out the bounds", async () => {
        vi.useFakeTimers({ toFake: ["Date"] });
        vi.setSystemTime((GRANTED + 3_600) * 1000);
        const { attribution, waits } = await emptyLog(undefined);
        const [attributed] = await attribution.attribute(CHECKPOINT, [permission]);
        expect(attributed?.grantedBy.reason).toMatch(/appeared in the audit log while it was waited for/);
        expect(waits.reduce((total, ms) => total + ms, 0)).toBe(MAX_WAIT_MS);
        expect(waits.length).toBeLessThanOrEqual(MAX_POLLS);
    });
});
