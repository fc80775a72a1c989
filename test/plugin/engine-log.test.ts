/**
 * Where the plugin's warnings go: the engine's address among the arguments the engine starts a plugin with, as
 * @pulumi/pulumi's main() reads it. (The warning reaching the engine: test/e2e/yaml-plugin-attribution.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { engineAddress } from "../../provider/plugin/engine-log";

describe("engineAddress", () => {
    it("is the first argument that is not a flag, past the engine's logging and tracing flags", () => {
        expect(engineAddress(["127.0.0.1:40123"])).toBe("127.0.0.1:40123");
        expect(engineAddress(["--logtostderr", "-v=9", "--tracing", "file:///tmp/trace", "127.0.0.1:40123"])).toBe("127.0.0.1:40123");
    });

    it("is absent when the plugin was started without one", () => {
        expect(engineAddress([])).toBeUndefined();
        expect(engineAddress(["--logtostderr", "--tracing", "127.0.0.1:1"])).toBeUndefined();
    });
});
