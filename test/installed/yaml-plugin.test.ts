/**
 * The YAML example on the plugin as a user installs it: the packed tarball in a project outside the repository
 * (the installed tier's user project), whose node_modules/pulumi-openai-checkpoint-permissions/plugin the program
 * names, with the shipped policy pack from the same node_modules. The plugin then resolves @pulumi/pulumi and
 * everything else from that project only.
 */
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { createUserProject, NEWEST_PULUMI, PACKAGE_NAME, POLICY_SDK, type UserProject } from "./support/user-project";
import { yamlPluginSuite } from "../e2e/yaml-plugin-suite";

let project: UserProject;
const installed = () => path.join(project.dir, "node_modules", PACKAGE_NAME);

beforeAll(async () => {
    // What a YAML user installs: the package, and the SDKs its plugin and the shipped policy pack run on.
    project = await createUserProject({ fixture: "stack", dependencies: { "@pulumi/pulumi": NEWEST_PULUMI, "@pulumi/policy": POLICY_SDK } });
});
afterAll(async () => {
    await project?.dispose();
});

yamlPluginSuite({
    label: "installed from the tarball",
    pluginDir: () => path.join(installed(), "plugin"),
    policyPackDir: () => path.join(installed(), "policy-pack"),
});
