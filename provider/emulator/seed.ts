/**
 * The emulator's starting state: which checkpoints exist, who owns them, and who already has access.
 *
 * A seed comes from tests (an object) or from a JSON file (the CLI's `--seed`); both are validated
 * here so a typo fails loudly with the path of the bad field instead of silently seeding less.
 */
import { readFile } from "node:fs/promises";
import { z } from "zod";

export interface EmulatorSeed {
    checkpoints: Record<
        string,
        {
            owner_project_id: string;
            permissions?: Array<{ project_id: string; created_at?: number; id?: string }>;
        }
    >;
}

/** Thrown for a seed that does not fit the format; the message names every bad field. */
export class EmulatorSeedError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "EmulatorSeedError";
    }
}

/** Seeded ids may be shorter than generated ones (readable fixtures), but must look like permission ids. */
const SEEDED_PERMISSION_ID = /^cp_[A-Za-z0-9]+$/;

/** An error message that tells a missing field from a wrong one. */
function expected(what: string): { error: (issue: { input?: unknown }) => string } {
    return { error: (issue) => (issue.input === undefined ? "is required" : `must be ${what}`) };
}

const NonEmptyString = z.string(expected("a string")).min(1, { error: "must not be empty" });

const PermissionSeed = z.strictObject({
    project_id: NonEmptyString,
    created_at: z
        .number({ error: "must be a number (Unix seconds)" })
        .int({ error: "must be a whole number of Unix seconds" })
        .nonnegative({ error: "must not be negative" })
        .optional(),
    id: z
        .string({ error: "must be a string" })
        .regex(SEEDED_PERMISSION_ID, { error: "must be `cp_` followed by letters and digits" })
        .optional(),
});

const CheckpointSeed = z.strictObject({
    owner_project_id: NonEmptyString,
    permissions: z.array(PermissionSeed, expected("an array")).optional(),
});

const SeedSchema = z
    .strictObject({
        checkpoints: z.record(
            z.string().min(1, { error: "a checkpoint id must not be empty" }),
            CheckpointSeed,
            expected("an object keyed by checkpoint id"),
        ),
    }, { error: "the seed must be a JSON object with a `checkpoints` object" })
    .superRefine((seed, ctx) => {
        // Rules that span fields: ids unique across the whole seed, one permission per project, and never
        // the owning project (the API refuses to grant it, so a seed containing it could not exist).
        const seenIds = new Set<string>();
        for (const [checkpoint, entry] of Object.entries(seed.checkpoints)) {
            const seenProjects = new Set<string>();
            (entry.permissions ?? []).forEach((permission, index) => {
                const path = ["checkpoints", checkpoint, "permissions", index];
                if (permission.project_id === entry.owner_project_id) {
                    ctx.addIssue({
                        code: "custom",
                        path: [...path, "project_id"],
                        message: `is the owning project ${entry.owner_project_id}, which cannot be granted`,
                    });
                }
                if (seenProjects.has(permission.project_id)) {
                    ctx.addIssue({
                        code: "custom",
                        path: [...path, "project_id"],
                        message: `${permission.project_id} already has a permission on this checkpoint`,
                    });
                }
                seenProjects.add(permission.project_id);
                if (permission.id !== undefined) {
                    if (seenIds.has(permission.id)) {
                        ctx.addIssue({ code: "custom", path: [...path, "id"], message: `${permission.id} is used twice` });
                    }
                    seenIds.add(permission.id);
                }
            });
        }
    });

/** Renders `["checkpoints", "ft:x", "permissions", 0, "id"]` as `checkpoints["ft:x"].permissions[0].id`. */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
    let out = "";
    for (const segment of path) {
        if (typeof segment === "number") out += `[${segment}]`;
        else if (typeof segment === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment)) out += out ? `.${segment}` : segment;
        else out += `[${JSON.stringify(String(segment))}]`;
    }
    return out || "(root)";
}

/** Validates an untrusted value as a seed; `source` (a file name) goes into the error message. */
export function parseSeed(value: unknown, source = "seed"): EmulatorSeed {
    const result = SeedSchema.safeParse(value);
    if (result.success) return result.data;
    const lines = result.error.issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`);
    throw new EmulatorSeedError(`Invalid emulator seed (${source}):\n${lines.join("\n")}`);
}

export async function loadSeedFile(path: string): Promise<EmulatorSeed> {
    let text: string;
    try {
        text = await readFile(path, "utf8");
    } catch (error) {
        throw new EmulatorSeedError(`Cannot read emulator seed file ${path}: ${(error as Error).message}`);
    }
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch (error) {
        throw new EmulatorSeedError(`Emulator seed file ${path} is not valid JSON: ${(error as Error).message}`);
    }
    return parseSeed(json, path);
}

export const EMPTY_SEED: EmulatorSeed = { checkpoints: {} };
