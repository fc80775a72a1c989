/**
 * The scenario every language's program on the plugin runs (the YAML, Python and Go suites): two organizations, each
 * with a checkpoint shared before the stack, and the README section whose commands install the plugin and the SDKs
 * from a release, and import.
 */
import type { EmulatorSeed } from "../../provider/emulator";
import { readmeBlocks, shellCommands } from "./readme";

/** The default provider's organization: its checkpoint, shared with `proj_legacy` before the stack. */
export const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123:ckpt-step-100";
export const LEGACY_PERMISSION = "cp_legacy0000000000000000000";
export const seed: EmulatorSeed = {
    checkpoints: { [CHECKPOINT]: { owner_project_id: "proj_owner", permissions: [{ project_id: "proj_legacy", id: LEGACY_PERMISSION, created_at: 1_700_000_000 }] } },
};

/** The other organization, reached through an explicit provider with its own key. */
export const PARTNER_CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:partner::Xy789";
export const PARTNER_KEY = "sk-admin-partner-organization-key";
export const partnerSeed: EmulatorSeed = {
    checkpoints: { [PARTNER_CHECKPOINT]: { owner_project_id: "proj_partner_owner", permissions: [{ project_id: "proj_partner_existing" }] } },
};

/** The README section that tells a user how to install each SDK and how to import; its commands run as written. */
export const PLUGIN_SECTION = "The plugin: YAML, Python and Go";

/** The command of that section that starts with `prefix` (words, or `NAME=` of a leading assignment), as its words. */
export function readmeCommand(prefix: string): string[] {
    const command = readmeBlocks(PLUGIN_SECTION, "sh").flatMap(shellCommands).find((c) => c.startsWith(prefix.endsWith("=") ? prefix : `${prefix} `));
    if (!command) throw new Error(`README "${PLUGIN_SECTION}" has no ${prefix} command`);
    return command.split(/\s+/);
}

/** The README's `pulumi import` arguments, its id replaced by `id`. */
export function readmeImportArgs(id: string): string[] {
    const [, ...args] = readmeCommand("pulumi import");
    return [...args.slice(0, -1), id];
}
