import { describe, expect, it } from "vitest";
import { redact, redactUrl } from "../../provider/client/redact";

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
    it("removes the credentials of a URL in running text, and leaves other text alone", () => {
        expect(redact("GET https://ci:pa@ss@proxy.example/v1 failed; mail a@b.example or see https://example.com/x@y")).toBe(
            "GET https://[redacted]@proxy.example/v1 failed; mail a@b.example or see https://example.com/x@y",
        );
    });
    it("removes the userinfo of a value meant to be a URL, even one that does not parse", () => {
        expect(redactUrl("https://user:pass word@host name/v1")).toBe("https://[redacted]@host name/v1");
        expect(redactUrl("https://api.openai.com/v1")).toBe("https://api.openai.com/v1");
    });
});
