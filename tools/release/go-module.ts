/**
 * The Go SDK as a Go module proxy directory: `GOPROXY=file://<release>/goproxy,https://proxy.golang.org,direct`
 * serves the module to `go get` by its path, the Pulumi SDK it requires coming from the usual proxy. The module is
 * what the repository's sdk/ holds for Go (go.mod and go/), zipped by ./goproxy (golang.org/x/mod/zip).
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { GO_MODULE } from "../../provider/plugin/package-identity";

const execFileAsync = promisify(execFile);

/**
 * Writes version `v<version>` of the module whose go.mod is `<sdkDir>/go.mod` and whose packages are under
 * `<sdkDir>/go` into the proxy directory `proxyDir`.
 */
export async function goProxyModule(sdkDir: string, version: string, time: Date, proxyDir: string): Promise<void> {
    const root = await mkdtemp(path.join(path.dirname(proxyDir), ".go-module-"));
    try {
        // Only the Go files of the SDK folder: not the other languages' SDKs beside them.
        await cp(path.join(sdkDir, "go.mod"), path.join(root, "go.mod"));
        await cp(path.join(sdkDir, "go"), path.join(root, "go"), { recursive: true });
        const args = ["-module", GO_MODULE, "-version", `v${version}`, "-time", time.toISOString(), "-dir", root, "-out", proxyDir];
        await execFileAsync("go", ["run", ".", ...args], {
            cwd: path.join(__dirname, "goproxy"),
            env: { ...process.env, GOWORK: "off", GOFLAGS: "-mod=mod" },
            timeout: 600_000,
        });
    } finally {
        await rm(root, { recursive: true, force: true });
    }
}
