/**
 * The CrossGuard pack over checkpoint permissions: `pulumi preview --policy-pack <this folder>`.
 *
 * It imports the policies by package name, as a pack of your own would: installed, the package resolves
 * itself; in this repository, the package links itself into node_modules (run `npm run build` first, which
 * the tests do). Each policy is configured with `--policy-pack-config`; see README.md.
 */
import { PolicyPack } from "@pulumi/policy";
import { checkpointPolicies } from "pulumi-openai-checkpoint-permissions/policy";

new PolicyPack("openai-checkpoint-permissions", { policies: checkpointPolicies() });
