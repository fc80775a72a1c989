/**
 * The files of a stack's `file://` backend, read for what must not be in them (a key in clear). A check over
 * them is only as good as what was read: these fail when the folder is missing, holds no stack state, or its
 * text does not name what the stack manages (state written elsewhere, or in a form read here as noise).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "vitest";

export interface BackendFile {
    readonly file: string;
    readonly text: string;
}

/** Every file under `backendDir`, as text; fails unless a stack's state is among them and they name each of `managed`. */
export async function backendFiles(backendDir: string, managed: readonly string[]): Promise<BackendFile[]> {
    // A missing folder fails here (ENOENT) rather than read as no files.
    const entries = await readdir(backendDir, { recursive: true, withFileTypes: true });
    const files = await Promise.all(
        entries
            .filter((entry) => entry.isFile())
            .map(async (entry) => {
                const file = path.join(entry.parentPath, entry.name);
                return { file, text: await readFile(file, "utf8") };
            }),
    );
    const states = files.filter((f) => /[\\/]\.pulumi[\\/]stacks[\\/].+\.json$/.test(f.file));
    expect(states.map((f) => path.relative(backendDir, f.file)), `a stack's state under ${backendDir}`).not.toEqual([]);
    const all = files.map((f) => f.text).join("\n");
    for (const value of managed) expect(all.includes(value), `the backend's files name ${value}`).toBe(true);
    return files;
}
