/**
 * The CrossGuard pack over checkpoint permissions: `pulumi preview --policy-pack policy-pack`.
 *
 * It imports the policies from the package's TypeScript source, so it runs straight from a checkout after
 * `npm ci` (no build, no install of its own: the engine compiles it with ts-node, and modules resolve from the
 * repository's node_modules). Each policy is configured with `--policy-pack-config`; see README.md.
 */
import { PolicyPack } from "@pulumi/policy";
import { checkpointPolicies } from "../provider/policy";

new PolicyPack("openai-checkpoint-permissions", { policies: checkpointPolicies() });
