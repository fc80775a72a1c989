/**
 * The CrossGuard pack over checkpoint permissions: `pulumi preview --policy-pack <this folder>`.
 *
 * It imports the policies by package name, as a pack of your own would: installed, the package resolves
 * itself; in this repository, the package links itself into node_modules (run `npm run build` first, which
 * the tests do). Each policy is configured with `--policy-pack-config`; see README.md.
 *
 * @pulumi/policy is an optional peer dependency of the package: a project that installed the package without it
 * gets, instead of a stack trace and the engine's "could not read policy pack port", one line naming the package
 * and the command that installs it. A RunError is how a Pulumi program ends with a message and no stack.
 */
import { RunError } from "@pulumi/pulumi";

type PolicySdk = typeof import("@pulumi/policy");
type PolicyHelpers = typeof import("pulumi-openai-checkpoint-permissions/policy");

const { PolicyPack } = requirePolicySdk();
// After the check: the helpers import @pulumi/policy too.
const { checkpointPolicies } = require("pulumi-openai-checkpoint-permissions/policy") as PolicyHelpers;

new PolicyPack("openai-checkpoint-permissions", { policies: checkpointPolicies() });

function requirePolicySdk(): PolicySdk {
    try {
        return require("@pulumi/policy") as PolicySdk;
    } catch (error) {
        // Only @pulumi/policy itself missing: a module missing inside it is another problem, reported as it is.
        if ((error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND" || !/^Cannot find module '@pulumi\/policy'/.test((error as Error).message)) throw error;
        throw new RunError(
            "The openai-checkpoint-permissions policy pack needs @pulumi/policy, which is not installed in this project. " +
                "Install it next to pulumi-openai-checkpoint-permissions, then run the preview again: npm install @pulumi/policy",
        );
    }
}
