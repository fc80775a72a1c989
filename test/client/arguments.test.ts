import { describe, expect, it } from "vitest";
import { checkCheckpoint, checkLimit, checkOrder, checkProjectId, checkProjectIds, pathSegment } from "../../provider/client/arguments";
import { InvalidArgumentError } from "../../provider/client/errors";

/** The InvalidArgumentError `check` throws; fails the test if it throws none. */
function thrownBy(check: () => unknown): InvalidArgumentError {
    try {
        check();
    } catch (error) {
        expect(error).toBeInstanceOf(InvalidArgumentError);
        return error as InvalidArgumentError;
    }
    throw new Error("expected an InvalidArgumentError, and nothing was thrown");
}

describe("argument checks", () => {
    it.each([
        ["", /checkpoint: must not be empty or whitespace \(got ""\)/],
        ["   ", /checkpoint: must not be empty or whitespace \(got "   "\)/],
        ["ft:x\nHost: evil", /checkpoint: must not contain control characters/],
        [" ft:x", /checkpoint: must not start or end with whitespace/],
        [42, /checkpoint: must be a string \(got 42\)/],
    ])("rejects checkpoint %j", (value, message) => {
        expect(() => checkCheckpoint(value)).toThrow(InvalidArgumentError);
        expect(() => checkCheckpoint(value)).toThrow(message);
    });

    it.each([".", ".."])("rejects %j, which a URL would resolve as a path segment", (value) => {
        expect(() => checkCheckpoint(value)).toThrow(/checkpoint: must not be \. or \.\./);
        expect(() => checkProjectId(value)).toThrow(/projectId: must not be \. or \.\./);
    });

    it.each([
        ["a string", "not-an-array-sk-admin-abcdefghijklmnop"],
        ["an object", { key: "sk-admin-abcdefghijklmnop" }],
        ["an array", ["sk-admin-abcdefghijklmnop qr"]],
    ])("keeps only the redacted text of %s rejected as project ids", (_, value) => {
        const error = thrownBy(() => checkProjectIds(value));
        expect(error.message).toMatch(/^Invalid argument projectIds/);
        expect(error.message).not.toContain("abcdefghijklmnop");
        expect(JSON.stringify(error.value)).not.toContain("abcdefghijklmnop");
    });

    it("accepts a real checkpoint id", () => {
        const id = "ft:gpt-4o-mini-2024-07-18:my-org::AbC123:ckpt-step-100";
        expect(checkCheckpoint(id)).toBe(id);
    });

    it("rejects empty and spaced project ids, naming the index", () => {
        expect(() => checkProjectId("")).toThrow(/projectId: must not be empty/);
        expect(() => checkProjectIds(["proj_a", "proj b"])).toThrow(/projectIds\[1\].*"proj b"/);
        expect(() => checkProjectIds([])).toThrow(/projectIds: must name at least one project/);
        expect(checkProjectIds(["proj_a", "proj_b", "proj_a"])).toEqual(["proj_a", "proj_b"]);
    });

    it.each([0, 101, 1.5, Number.NaN, "10"])("rejects limit %j", (value) => {
        expect(() => checkLimit(value)).toThrow(/limit: must be an integer from 1 to 100/);
    });

    it("rejects an unknown order, naming it", () => {
        expect(() => checkOrder("newest")).toThrow(/order: must be "ascending" or "descending" \(got "newest"\)/);
        expect(checkOrder("ascending")).toBe("ascending");
    });

    it("redacts a key pasted into an argument", () => {
        const error = thrownBy(() => checkProjectId("sk-admin-abcdefghijklmnop qr"));
        expect(error.message).toMatch(/^Invalid argument projectId: must not contain whitespace/);
        expect(error.message).not.toContain("abcdefghijklmnop");
        expect(JSON.stringify(error.value)).not.toContain("abcdefghijklmnop");
    });
});

describe("pathSegment", () => {
    it("keeps colons readable and encodes what could change the path", () => {
        expect(pathSegment("ft:gpt-4o-mini:org::Ab1")).toBe("ft:gpt-4o-mini:org::Ab1");
        expect(pathSegment("a/../b?c#d%e")).toBe("a%2F..%2Fb%3Fc%23d%25e");
    });
});
