import { describe, expect, it } from "vitest";
import { redact } from "../../provider/client/redact";

describe("redact", () => {
    it("removes every shape of OpenAI key, masked ones included", () => {
        const text = "keys sk-admin-AbCdEf123456, sk-proj-xyz_987654321, sk-adm*************abcd and Bearer tok.en";
        const out = redact(text);
        for (const leaked of ["AbCdEf123456", "xyz_987654321", "*abcd", "tok.en"]) expect(out).not.toContain(leaked);
        expect(out).toContain("keys [redacted]");
    });
    it("removes a configured secret that does not look like a key", () => {
        expect(redact("the key is hunter2-but-longer!", ["hunter2-but-longer"])).toBe("the key is [redacted]!");
    });
    it("keeps the documented placeholder of a fix, which holds no key", () => {
        const fix = "Run `pulumi config set --secret openai:adminKey <sk-admin-…>`, or use an admin key (sk-admin-…, not sk-proj-…).";
        expect(redact(fix)).toBe(fix);
        expect(redact("sk-admin-A1b2C3d4E5f6")).toBe("[redacted]");
    });
});
