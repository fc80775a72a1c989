/**
 * The parts of `pulumi preview` output a person reads in the demo. The CLI's non-interactive progress repeats
 * lines and prints every output; these keep the plan, one resource's diff, and the policy findings.
 */

/** Resource steps (`+ type name create`), each once, and the summary counts. */
export function planLines(output: string): string[] {
    const steps = output.split("\n").filter((line) => /^\s*[+~-]+\s+\S+:\S+\s+\S+\s+(create|update|delete|replace)/.test(line) && !/pulumi:pulumi:Stack/.test(line));
    const counts = output.split("\n").filter((line) => /^\s*[+~-]?\s*\d+ (to create|to update|to delete|to replace|unchanged)/.test(line));
    return [...new Set(steps.map((line) => line.trim())), ...counts.map((line) => line.trim())];
}

/** The `--diff` block of the first resource update or replacement, without the stack's outputs. */
export function diffBlock(output: string): string[] {
    const lines = output.split("\n");
    const start = lines.findIndex((line) => /^\s*(~|\+-)\s*pulumi-nodejs:dynamic\/openai:\w+: \((update|replace)\)/.test(line));
    if (start < 0) return [];
    const rest = lines.slice(start);
    // It ends at the next resource, the outputs, or a policy finding printed as the preview runs.
    const end = rest.findIndex((line, i) => i > 0 && /^\s*(--outputs:--|[~+-]+\s*pulumi[-:]|pulumi:pulumi:Stack)|\[(mandatory|advisory|remediate)\]/.test(line));
    return rest.slice(0, end < 0 ? undefined : end).filter((line) => !/\[urn=/.test(line));
}

/**
 * Each policy finding, once: `[level] policy: message`. The CLI prints a finding in one of two shapes, the policy's
 * description then the violation's message:
 *
 *     openai-checkpoint-permissions@v0.1.0 [advisory]  checkpoint-no-unmanaged-access  (type: name)Every project …
 *     Checkpoint …: project proj_… (permission cp_…) has access that …
 *
 * with `--diff`, as the preview runs, and in the summary under `Policies:`,
 *
 *     - [advisory]  checkpoint-no-unmanaged-access  (type: name)
 *       Every project …
 *       Checkpoint …: project proj_… (permission cp_…) has access that …
 *
 * The message is the line after the description either way.
 */
export function policyFindings(output: string): string[] {
    const lines = output.split("\n");
    const findings: string[] = [];
    const header = /\[(mandatory|advisory|remediate)\]\s+([\w-]+)(?:\s+\([^)]*\))?(.*)$/;
    lines.forEach((line, i) => {
        const match = header.exec(line);
        if (!match) return;
        const descriptionOnThisLine = match[3]!.trim() !== "";
        const next = lines[i + (descriptionOnThisLine ? 1 : 2)] ?? "";
        findings.push(`[${match[1]}] ${match[2]}: ${header.test(next) ? "" : next.trim()}`);
    });
    return [...new Set(findings)];
}
