/**
 * The README and the registry docs (docs/*.md) as tests read them: the code blocks under a heading, so a test runs
 * the very text a user copies.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

/** A markdown file of the repository (README.md, docs/installation-configuration.md, …), read by its path from the root. */
export class MarkdownDocument {
    readonly text: string;

    constructor(readonly file: string) {
        this.text = readFileSync(path.join(ROOT, file), "utf8");
    }

    /** The fenced blocks of `language` in the section under `heading` (up to the next heading of any level). */
    blocks(heading: string, language: string): string[] {
        const section = this.sectionLines(heading).join("\n") + "\n";
        return [...section.matchAll(new RegExp("```" + escapeRegExp(language) + "\\n([^]*?)```", "g"))].map((match) => match[1]!);
    }

    /** The one block of `language` under `heading`; throws when there is not exactly one. */
    block(heading: string, language: string): string {
        const blocks = this.blocks(heading, language);
        if (blocks.length !== 1) throw new Error(`${this.file} has ${blocks.length} ${language} blocks under "${heading}", expected 1`);
        return blocks[0]!;
    }

    /** Every section (from a heading to the next), with its fenced blocks by language. */
    sections(): Array<{ heading: string; blocks: { sh: string[] } & Record<string, string[]> }> {
        const headings = this.text.split("\n").filter((line, i, lines) => /^#+ /.test(line) && !insideFence(lines, i));
        return headings.map((line) => {
            const heading = line.replace(/^#+ /, "").trim();
            const blocks: { sh: string[] } & Record<string, string[]> = { sh: [] };
            const section = this.sectionLines(heading).join("\n") + "\n";
            for (const match of section.matchAll(/```(\w+)\n([^]*?)```/g)) (blocks[match[1]!] ??= []).push(match[2]!);
            return { heading, blocks };
        });
    }

    /** The lines of a section, from its heading to the next heading outside a code block. */
    private sectionLines(heading: string): string[] {
        const lines = this.text.split("\n");
        const start = lines.findIndex((line, i) => /^#+ /.test(line) && line.replace(/^#+ /, "").trim() === heading && !insideFence(lines, i));
        if (start < 0) throw new Error(`${this.file} has no heading "${heading}"`);
        let inFence = false;
        let end = start + 1;
        for (; end < lines.length; end++) {
            if (lines[end]!.startsWith("```")) inFence = !inFence;
            else if (!inFence && /^#+ /.test(lines[end]!)) break;
        }
        return lines.slice(start, end);
    }
}

function insideFence(lines: readonly string[], index: number): boolean {
    return lines.slice(0, index).filter((line) => line.startsWith("```")).length % 2 === 1;
}

export const README = new MarkdownDocument("README.md");
/** The registry's Installation & Configuration page. */
export const INSTALLATION_DOC = new MarkdownDocument("docs/installation-configuration.md");
/** Its section with the `pulumi config set --secret` command of each surface. */
export const ADMIN_KEY_SECTION = "Setting the admin key";

/** The fenced blocks of `language` in the README section under `heading`. */
export function readmeBlocks(heading: string, language: string): string[] {
    return README.blocks(heading, language);
}

/** Every README section, with its fenced blocks by language. */
export function readmeSections(): ReturnType<MarkdownDocument["sections"]> {
    return README.sections();
}

/** The one README block of `language` under `heading`; throws when there is not exactly one. */
export function readmeBlock(heading: string, language: string): string {
    return README.block(heading, language);
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
