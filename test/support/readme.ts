/**
 * The README as tests read it: the code blocks under a heading, so a test runs the very text a user copies.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

const README = readFileSync(path.resolve(__dirname, "../../README.md"), "utf8");

/** The fenced blocks of `language` in the section under `heading` (up to the next heading of any level). */
export function readmeBlocks(heading: string, language: string): string[] {
    const section = sectionLines(heading).join("\n") + "\n";
    return [...section.matchAll(new RegExp("```" + escapeRegExp(language) + "\\n([^]*?)```", "g"))].map((match) => match[1]!);
}

/** Every section (from a heading to the next), with its fenced blocks by language. */
export function readmeSections(): Array<{ heading: string; blocks: { sh: string[] } & Record<string, string[]> }> {
    const headings = README.split("\n").filter((line, i, lines) => /^#+ /.test(line) && !insideFence(lines, i));
    return headings.map((line) => {
        const heading = line.replace(/^#+ /, "").trim();
        const blocks: { sh: string[] } & Record<string, string[]> = { sh: [] };
        const section = sectionLines(heading).join("\n") + "\n";
        for (const match of section.matchAll(/```(\w+)\n([^]*?)```/g)) (blocks[match[1]!] ??= []).push(match[2]!);
        return { heading, blocks };
    });
}

function insideFence(lines: readonly string[], index: number): boolean {
    return lines.slice(0, index).filter((line) => line.startsWith("```")).length % 2 === 1;
}

/** The lines of a section, from its heading to the next heading outside a code block. */
function sectionLines(heading: string): string[] {
    const lines = README.split("\n");
    const start = lines.findIndex((line) => /^#+ /.test(line) && line.replace(/^#+ /, "").trim() === heading);
    if (start < 0) throw new Error(`README.md has no heading "${heading}"`);
    let inFence = false;
    let end = start + 1;
    for (; end < lines.length; end++) {
        if (lines[end]!.startsWith("```")) inFence = !inFence;
        else if (!inFence && /^#+ /.test(lines[end]!)) break;
    }
    return lines.slice(start, end);
}

/** The one block of `language` under `heading`; throws when there is not exactly one. */
export function readmeBlock(heading: string, language: string): string {
    const blocks = readmeBlocks(heading, language);
    if (blocks.length !== 1) throw new Error(`README.md has ${blocks.length} ${language} blocks under "${heading}", expected 1`);
    return blocks[0]!;
}

/** The commands of a `sh` block: one per line, comments and continuation backslashes folded. */
export function shellCommands(block: string): string[] {
    return block
        .replace(/\\\n\s*/g, "")
        .split("\n")
        .map((line) => line.replace(/\s+#.*$/, "").trim())
        .filter(Boolean);
}

/** `text` as a literal in a regular expression. */
export function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
