import { defineConfig } from "vitest/config";

// Two projects: fast unit tests (the client, the emulator, the provider's methods against the emulator) and
// engine tests that drive the real Pulumi CLI. `npm test` runs both; each can run alone.
export default defineConfig({
    test: {
        // Build dist/ once: programs and the serialized provider load the package by name, as users do.
        globalSetup: ["test/support/build.ts"],
        projects: [
            {
                test: {
                    name: "unit",
                    include: ["test/**/*.test.ts"],
                    exclude: ["test/e2e/**", "test/installed/**", "**/node_modules/**"],
                    testTimeout: 20_000,
                },
            },
            {
                test: {
                    name: "e2e",
                    // test/installed: the packed tarball in users' projects outside the repository.
                    include: ["test/e2e/**/*.test.ts", "test/installed/**/*.test.ts"],
                    // A loopback server for the release the installed tier builds on first use.
                    globalSetup: ["test/installed/support/release-server.ts"],
                    // Every engine test builds, previews and updates real stacks: minutes, not milliseconds.
                    testTimeout: 600_000,
                    hookTimeout: 900_000,
                    // The engine is CPU-heavy and the machine has 2 cores; files run one at a time.
                    fileParallelism: false,
                },
            },
        ],
    },
});
