/** Who may use each checkpoint, and who granted it, as plain text for a terminal. */

/** One project's access, as a record holds it. */
export interface TableAccess {
    readonly projectId: string;
    /** As the record names the grantor (`mallory@acme.com (dashboard)`, `unknown`); absent without attribution. */
    readonly grantedBy?: string;
}

/** Project ids as people know them: `Research (proj_…)`, or the id alone when the organization has no name for it. */
export type ProjectNames = ReadonlyMap<string, string>;

/** `Name (proj_…)`, or the id alone. */
export function projectLabel(projectId: string, names: ProjectNames): string {
    const name = names.get(projectId);
    return name ? `${name} (${projectId})` : projectId;
}

/** Every project id in `text` (a violation message, say) as `Name (proj_…)`. */
export function withProjectNames(text: string, names: ProjectNames): string {
    return text.replace(/\bproj_[A-Za-z0-9_-]+/g, (projectId) => projectLabel(projectId, names));
}

/**
 * A checkpoint per line, each project with access below it (by name), and who granted it when the records say:
 *
 *     CHECKPOINT / PROJECTS WITH ACCESS          GRANTED BY
 *     ft:gpt-4o-mini-2024-07-18:acme-corp::AbC123
 *       Research (proj_Bd0Kh8oOOL8dKLzdocJ2isAj) svc_acct_ci_pipeline (service account key key_ci_pipeline)
 */
export function renderAccessTable(accessByCheckpoint: ReadonlyMap<string, readonly TableAccess[]>, names: ProjectNames): string {
    const attributed = [...accessByCheckpoint.values()].some((accesses) => accesses.some((access) => access.grantedBy !== undefined));
    const rows: Array<[string, string]> = [];
    for (const [checkpoint, accesses] of accessByCheckpoint) {
        rows.push([checkpoint, ""]);
        if (accesses.length === 0) rows.push(["  (owner only)", ""]);
        const labelled = accesses.map((access) => [`  ${projectLabel(access.projectId, names)}`, access.grantedBy ?? ""] as [string, string]);
        rows.push(...labelled.sort(([a], [b]) => a.localeCompare(b)));
    }
    const header: [string, string] = ["CHECKPOINT / PROJECTS WITH ACCESS", attributed ? "GRANTED BY" : ""];
    // Checkpoint lines stand alone: the column starts after the longest project label.
    const width = Math.max(header[0].length, ...rows.filter(([, grantor]) => grantor !== "").map(([label]) => label.length));
    return [header, ...rows].map(([label, grantor]) => (grantor === "" ? label : `${label.padEnd(width)}  ${grantor}`)).join("\n");
}
