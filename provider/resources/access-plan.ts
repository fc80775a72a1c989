/**
 * A `CheckpointAccess`'s plan as text: what `up` does to a checkpoint's access, one line per project, sorted by
 * project: `+ proj_new` for a grant, `- proj_contractor cp_… by mallory@acme.com (dashboard)` for a revoke (the
 * record's access line, ./access-text.ts). The resource's check writes it (./access.ts says why it is an input);
 * the policies read it. Nothing here loads the HTTP client.
 */
import { InvalidArgumentError } from "../client/errors";
import { decodeRecordedAccess, encodeAccess, token, untoken } from "./access-text";
import { compare } from "./listing";
import type { AccessByProject, GrantorsByProject } from "./types";
import { isUnknown } from "./unknowns";

/** What a plan does: the projects it grants, and the access it revokes (with grantors, when attributed). */
export interface AccessPlan {
    readonly granting: string[];
    readonly revoking: AccessByProject;
    readonly grantors: GrantorsByProject;
}

/** The plan as text: one line per project, sorted by project; empty when there is nothing to do. */
export function encodePlan({ granting, revoking, grantors }: AccessPlan): string {
    const lines = [
        ...granting.map((projectId) => [projectId, `+ ${token(projectId)}`] as const),
        ...Object.keys(revoking).map((projectId) => [projectId, `- ${encodeAccess({ [projectId]: revoking[projectId]! }, grantors).trimEnd()}`] as const),
    ];
    return lines
        .sort(([a], [b]) => compare(a, b))
        .map(([, line]) => `${line}\n`)
        .join("");
}

/** The line a plan that reads the same as the last `up`'s ends with (./access.ts `unlikeLast`); a `#` line is a note. */
export const PLANNED_AGAIN = "# the same plan as the last up's: undone outside Pulumi since, or not done\n";

/** The projects a plan text grants and the access it revokes; `undefined` for a text that is not a plan (or unknown). */
export function decodePlan(text: unknown): AccessPlan | undefined {
    if (typeof text !== "string" || isUnknown(text)) return undefined;
    const granting: string[] = [];
    const revoked: string[] = [];
    for (const line of text.split("\n")) {
        if (line === "" || line.startsWith("# ")) continue;
        if (line.startsWith("+ ")) granting.push(line.slice(2));
        else if (line.startsWith("- ")) revoked.push(line.slice(2));
        else return undefined;
    }
    try {
        const { access, grantors } = decodeRecordedAccess(revoked.join("\n"), "plan");
        return { granting: granting.map((id) => untoken(id, "plan")), revoking: access, grantors };
    } catch (error) {
        if (error instanceof InvalidArgumentError) return undefined;
        throw error;
    }
}

