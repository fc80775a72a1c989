/**
 * Vitest global setup of the engine tests: a loopback HTTP server for the release the installed tier's language
 * tests install from (./release.ts). It serves a folder that stays empty until a test first needs the release, so
 * a run that needs none builds none; the folder's URL is what that release's SDKs carry as `pluginDownloadURL`, so
 * the engine fetches the plugin from here.
 */
import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";

export interface ReleaseServer {
    /** The release's folder; ./release.ts builds into it. */
    readonly dir: string;
    /** The URL the folder is served at, ending in `/`. */
    readonly url: string;
}

declare module "vitest" {
    export interface ProvidedContext {
        releaseServer: ReleaseServer;
    }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
    const dir = await mkdtemp(path.join(tmpdir(), "openai-checkpoints-release-"));
    const server = createServer((request, response) => {
        const file = path.join(dir, decodeURIComponent(new URL(request.url ?? "/", "http://localhost").pathname));
        if (request.method !== "GET" || !file.startsWith(dir + path.sep)) {
            response.writeHead(404).end();
            return;
        }
        stat(file).then(
            (info) => {
                if (!info.isFile()) throw new Error("not a file");
                response.writeHead(200, { "content-type": "application/octet-stream", "content-length": info.size });
                createReadStream(file).pipe(response);
            },
            () => response.writeHead(404).end(),
        );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    project.provide("releaseServer", { dir, url: `http://127.0.0.1:${port}/` });
    return async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await rm(dir, { recursive: true, force: true });
    };
}
