/**
 * The names `SharedCheckpointRecords` gives its records: a record's name is its URN's, so it must stay the same for
 * the same checkpoint from one run to the next, whatever else the organization shares.
 */
import { describe, expect, it } from "vitest";
import { recordNames } from "../../provider/components/shared-checkpoint-records";

describe("recordNames", () => {
    it("names each record by the component and the checkpoint, readable and without `::`", () => {
        const checkpoint = "ft:gpt-4o-mini-2024-07-18:acme::Support:ckpt-step-100";
        expect(recordNames("acme", [checkpoint]).get(checkpoint)).toBe("acme-gpt-4o-mini-2024-07-18-acme--Support-ckpt-step-100");
    });

    it("gives two checkpoints that read the same names of their own, and keeps every other name as it was", () => {
        const [a, b, other] = ["ft:m:acme::x-y", "ft:m:acme::x:y", "ft:m:acme::z"];
        const names = recordNames("org", [a!, b!, other!]);
        expect(new Set(names.values()).size).toBe(3);
        expect(names.get(a!)).toMatch(/^org-m-acme--x-y-[0-9a-f]{8}$/);
        expect(names.get(b!)).toMatch(/^org-m-acme--x-y-[0-9a-f]{8}$/);
        expect(names.get(other!)).toBe(recordNames("org", [other!]).get(other!));
        // A name depends on its checkpoint only: the same pair in the other order is named alike.
        expect(recordNames("org", [b!, a!])).toEqual(new Map([[b!, names.get(b!)], [a!, names.get(a!)]]));
    });
});
