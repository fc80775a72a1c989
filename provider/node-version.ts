/**
 * Refuses to load on a Node.js older than the package runs on, naming both versions, before anything loads undici.
 *
 * Why: undici 8 (the HTTP client's) supports Node.js 22.19 and newer (its `engines`). Below 22.15 it does not even
 * load: it fails deep inside undici (`Cannot read properties of undefined (reading 'bind')`: zlib has no zstd
 * there), which says nothing about the version; from 22.15 to 22.18 it loads, unsupported. npm only warns about
 * `engines`, so the package checks for itself, first thing in its entry and before the client loads undici.
 *
 * Plain code only, so that it runs on any Node.js old enough to need it.
 */

/** The oldest Node.js the package runs on: package.json's `engines.node` is `>=` this (a test keeps them equal). */
export const NODE_FLOOR = "22.19.0";

/** Whether `version` (`22.19.0`, or `v22.19.0` as `process.version` has it) is at least {@link NODE_FLOOR}. */
export function meetsNodeFloor(version: string): boolean {
    const have = version.replace(/^v/, "").split(".").map(Number);
    const need = NODE_FLOOR.split(".").map(Number);
    for (let i = 0; i < need.length; i++) {
        const part = have[i] ?? 0;
        if (part !== need[i]) return part > need[i]!;
    }
    return true;
}

export class UnsupportedNodeVersionError extends Error {
    constructor(version: string) {
        super(
            `pulumi-openai-checkpoint-permissions needs Node.js ${NODE_FLOOR} or newer; this is Node.js ${version.replace(/^v/, "")}. ` +
                `Its HTTP client, undici, supports no older release. Install Node.js ${NODE_FLOOR} or newer (the latest 22 or 24 LTS) and run again.`,
        );
        this.name = "UnsupportedNodeVersionError";
    }
}

if (!meetsNodeFloor(process.versions.node)) throw new UnsupportedNodeVersionError(process.versions.node);
