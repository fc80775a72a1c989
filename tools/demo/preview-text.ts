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
    const end = rest.findIndex((line, i) => i > 0 && /^\s*(--outputs:--|[~+-]+\s*pulumi[-:]|pulumi:pulumi:Stack)/.test(line));
    return rest.slice(0, end < 0 ? undefined : end).filter((line) => !/\[urn=/.test(line));
}

/** Each policy finding: the policy line and the message after it, once each. */
export function policyFindings(output: string): string[] {
    const lines = output.split("\n");
    const findings: string[] = [];
    lines.forEach((line, i) => {
        const match = /\[(mandatory|advisory)\]\s+([\w-]+)/.exec(line);
        if (!match) return;
        // The CLI prints the policy's description, then the violation message on the next line.
        findings.push(`[${match[1]}] ${match[2]}: ${lines[i + 1]?.trim() ?? ""}`);
    });
    return [...new Set(findings)];
}
