/** Who may use each checkpoint, as a plain-text table for a terminal. */
export function renderAccessTable(projectsByCheckpoint: Record<string, string[]>): string {
    const rows = Object.entries(projectsByCheckpoint).map(([checkpoint, projects]) => [checkpoint, projects.length === 0 ? "(owner only)" : projects.join(", ")] as const);
    const header = ["CHECKPOINT", "PROJECTS WITH ACCESS"] as const;
    const width = Math.max(header[0].length, ...rows.map(([checkpoint]) => checkpoint.length));
    return [header, ...rows].map(([checkpoint, projects]) => `${checkpoint.padEnd(width)}  ${projects}`).join("\n");
}
