/**
 * The record's access text: what the engine shows as a line diff, and what the provider and the policies read
 * back. The engine's own rendering of it is asserted in test/e2e/record.test.ts.
 */
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { InvalidArgumentError } from "../../provider/client/errors";
import { accessOfText, decodeAccess, decodeRecordedAccess, encodeAccess } from "../../provider/resources/access-text";

/**
 * What the engine's display makes of a text that spans lines: it decodes JSON, then YAML, and shows a mapping or a
 * list as one (every entry, changed or not). The access text must stay text: a scalar, or not YAML at all.
 */
function decodesAsStructure(text: string): boolean {
    try {
        JSON.parse(text);
        return true;
    } catch {
        // not JSON
    }
    try {
        const value: unknown = parse(text);
        return typeof value === "object" && value !== null;
    } catch {
        return false;
    }
}

describe("access text", () => {
    it("writes one sorted `project permission` line per project, whatever the key order", () => {
        const text = encodeAccess({ proj_b: "cp_2", proj_a: "cp_1" });
        expect(text).toBe("proj_a cp_1\nproj_b cp_2\n");
        expect(encodeAccess({ proj_a: "cp_1", proj_b: "cp_2" })).toBe(text);
        expect(decodeAccess(text)).toEqual({ proj_a: "cp_1", proj_b: "cp_2" });
        expect(encodeAccess({})).toBe("");
        expect(decodeAccess("")).toEqual({});
    });

    it("quotes ids that could make it read as YAML or JSON, reads every id back, and never reads as structure", () => {
        const access = { "-": "cp_1", "proj:": "cp_:", "#proj": "[cp]", 'pr"oj': "cp_\\", proj_é: "cp_ü", "{}": "- x", "pro j": "cp 2" };
        const text = encodeAccess(access);
        expect(text).toContain('"-" cp_1\n');
        expect(decodeAccess(text)).toEqual(access);
        for (const entry of Object.entries(access)) {
            const one = encodeAccess(Object.fromEntries([entry]));
            expect(decodesAsStructure(one), one).toBe(false);
            expect(decodesAsStructure(one + encodeAccess({ proj_z: "cp_z" })), one).toBe(false);
        }
        expect(decodesAsStructure(encodeAccess({ "123": "cp_1", true: "null", proj_a: "cp_a" }))).toBe(false);
    });

    it("names the argument and the line of a malformed text, and refuses a project listed twice", () => {
        const errorOf = (text: unknown) => {
            try {
                decodeAccess(text, "access");
            } catch (error) {
                expect(error).toBeInstanceOf(InvalidArgumentError);
                return error as InvalidArgumentError;
            }
            throw new Error("decoded");
        };
        expect(errorOf({ proj_a: "cp_1" }).argument).toBe("access");
        expect(errorOf("proj_a cp_1\nproj_b\n")).toMatchObject({ argument: "access line 2", value: "proj_b" });
        expect(errorOf("proj_a cp_1\nproj_a cp_2").message).toMatch(/access line 2: lists proj_a a second time/);
        expect(errorOf("proj_a cp 1").argument).toBe("access line 1");
        expect(errorOf('"proj_a cp_1').argument).toBe("access line 1");
        expect(accessOfText("proj_a")).toBeUndefined();
    });

    it("reads at most the listing's bound of lines", () => {
        const text = encodeAccess({ proj_a: "cp_1", proj_b: "cp_2", proj_c: "cp_3" });
        expect(() => decodeAccess(text, "access", 2)).toThrow(/access: must list at most 2 projects/);
        expect(decodeAccess(text, "access", 3)).toHaveProperty("proj_c", "cp_3");
    });
});

describe("grantors in the access text", () => {
    it("writes each project's grantor after ` by `, and reads it back, ids quoted or not", () => {
        const text = encodeAccess({ proj_a: "cp_a", "proj b": "cp_b" }, { proj_a: "mallory@acme.com (dashboard)", "proj b": "unknown" });
        expect(text).toBe(`"proj b" cp_b by unknown\nproj_a cp_a by mallory@acme.com (dashboard)\n`);
        expect(decodeRecordedAccess(text)).toEqual({ access: { proj_a: "cp_a", "proj b": "cp_b" }, grantors: { proj_a: "mallory@acme.com (dashboard)", "proj b": "unknown" } });
        expect(decodeAccess(text)).toEqual({ proj_a: "cp_a", "proj b": "cp_b" });
    });

    it("keeps a grantor on its line, and refuses a line with something else after the permission", () => {
        expect(encodeAccess({ proj_a: "cp_a" }, { proj_a: "evil\nproj_x cp_x" })).toBe("proj_a cp_a by evil proj_x cp_x\n");
        expect(() => decodeAccess("proj_a cp_a from mallory\n")).toThrow(/access line 1: must be `project permission`, then ` by ` and who granted it/);
        expect(() => decodeAccess("proj_a cp_a by \n")).toThrow(/access line 1/);
    });
});
