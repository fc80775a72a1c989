import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import {
    checkpointAllowedProjects,
    checkpointForbiddenProjects,
    checkpointMaxProjects,
    checkpointNoUnmanagedAccess,
    checkpointPermissionGrantType,
    checkpointPermissionsType,
    checkpointPolicies,
    checkpointRequiredProjects,
    pluginCheckpointPermissionsType,
    policyNames,
} from "../../provider/policy";
import {
    checkpointA,
    checkpointB,
    grant,
    grantProps,
    observation,
    legacyPermissionsProps,
    permissionsProps,
    pluginGrant,
    pluginObservation,
    unknownString,
    unknownValues,
    urnOf,
    validateResource,
    validateStack,
} from "./harness";

/** proj_a (cp_1) and proj_b (cp_2) have access to checkpoint A. */
const observedA = observation(
    "observed-a",
    permissionsProps(checkpointA, [
        { id: "cp_1", projectId: "proj_a" },
        { id: "cp_2", projectId: "proj_b" },
    ]),
);
const observedAUrn = urnOf("observed-a", checkpointPermissionsType);
const grantTo = (projectId: string, checkpoint = checkpointA, permissionId?: string) =>
    grant(`grant-${projectId}`, grantProps(checkpoint, projectId, permissionId ? { permissionId } : {}));
const otherResource = { type: "aws:s3/bucket:Bucket", name: "bucket", props: { bucket: "b" } };

describe(policyNames.allowedProjects, () => {
    const policy = checkpointAllowedProjects();

    it("is mandatory and not applicable without config", async () => {
        expect(policy.enforcementLevel).toBe("mandatory");
        const outcome = await validateResource(policy, observedA);
        expect(outcome.messages).toEqual([]);
        expect(outcome.notApplicable).toMatch(/no allowed projects/);
    });

    it("reports each observed project not on the list, naming checkpoint, project and permission id", async () => {
        const outcome = await validateResource(policy, observedA, { allowedProjects: ["proj_a"] });
        expect(outcome.messages).toEqual([
            `Checkpoint ${checkpointA}: project proj_b (permission cp_2) is not an allowed project (allowed: proj_a).`,
        ]);
    });

    it("passes when every project is allowed", async () => {
        const outcome = await validateResource(policy, observedA, { allowedProjects: ["proj_b", "proj_a"] });
        expect(outcome).toEqual({ violations: [], messages: [] });
    });

    it("stops a grant to a project not on the list before it is made", async () => {
        const outcome = await validateResource(policy, grantTo("proj_z"), { allowedProjects: ["proj_a"] });
        expect(outcome.messages).toEqual([
            `Checkpoint ${checkpointA}: project proj_z (granted by this stack) is not an allowed project (allowed: proj_a).`,
        ]);
        expect((await validateResource(policy, grantTo("proj_a"), { allowedProjects: ["proj_a"] })).messages).toEqual([]);
    });

    it("uses a checkpoint's own list instead of the default one", async () => {
        const config = { allowedProjects: ["proj_a", "proj_b"], checkpoints: { [checkpointA]: ["proj_b"] } };
        expect((await validateResource(policy, observedA, config)).messages).toEqual([
            expect.stringContaining("project proj_a (permission cp_1) is not an allowed project (allowed: proj_b)"),
        ]);
        // Another checkpoint still gets the default list.
        expect((await validateResource(policy, grantTo("proj_a", checkpointB), config)).messages).toEqual([]);
    });

    it("reports every project of a checkpoint whose own list is empty, even with no default list", async () => {
        const outcome = await validateResource(policy, observedA, { checkpoints: { [checkpointA]: [] } });
        expect(outcome.messages).toHaveLength(2);
        expect(outcome.messages[0]).toContain("(allowed: none)");
        // The entry concerns checkpoint A only.
        expect((await validateResource(policy, grantTo("proj_a", checkpointB), { checkpoints: { [checkpointA]: [] } })).notApplicable)
            .toBeDefined();
    });

    it("passes a checkpoint nobody has access to", async () => {
        const empty = observation("o", permissionsProps(checkpointA, []));
        const outcome = await validateResource(policy, empty, { allowedProjects: ["proj_a"] });
        expect(outcome).toEqual({ violations: [], messages: [] });
    });

    it("takes the factory's values as defaults, which the pack config overrides", async () => {
        const configured = checkpointAllowedProjects({ allowedProjects: ["proj_a"], enforcementLevel: "advisory" });
        expect(configured.enforcementLevel).toBe("advisory");
        expect(configured.configSchema?.properties.allowedProjects?.default).toEqual(["proj_a"]);
        expect((await validateResource(configured, observedA)).messages).toHaveLength(1);
        expect((await validateResource(configured, observedA, { allowedProjects: ["proj_a", "proj_b"] })).messages).toEqual([]);
    });

    it("is not applicable, and reports nothing, when the grant's project is unknown (preview)", async () => {
        const outcome = await validateResource(policy, grant("g", grantProps(checkpointA, unknownString)), {
            allowedProjects: ["proj_a"],
        });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/not known yet/);
    });

    it("is not applicable to other resource types and malformed props", async () => {
        const config = { allowedProjects: ["proj_a"] };
        expect((await validateResource(policy, otherResource, config)).notApplicable).toMatch(/only checks/);
        const malformed = observation("o", { checkpoint: checkpointA, access: "proj_b" });
        expect(await validateResource(policy, malformed, config)).toMatchObject({ violations: [], notApplicable: expect.any(String) });
    });

    it("fails loudly on a config that does not parse", async () => {
        await expect(validateResource(policy, observedA, { allowedProjects: "proj_a" })).rejects.toThrow(
            /checkpoint-allowed-projects: invalid config/,
        );
    });
});

describe(policyNames.forbiddenProjects, () => {
    const policy = checkpointForbiddenProjects();

    it("is mandatory and not applicable without config", async () => {
        expect(policy.enforcementLevel).toBe("mandatory");
        expect((await validateResource(policy, observedA)).notApplicable).toMatch(/no forbidden projects/);
        expect((await validateResource(policy, observedA, { forbiddenProjects: [] })).notApplicable).toBeDefined();
    });

    it("reports a forbidden project that has access, naming checkpoint, project and permission id", async () => {
        const outcome = await validateResource(policy, observedA, { forbiddenProjects: ["proj_b", "proj_x"] });
        expect(outcome.messages).toEqual([`Checkpoint ${checkpointA}: project proj_b (permission cp_2) is a forbidden project.`]);
    });

    it("stops a grant to a forbidden project", async () => {
        const outcome = await validateResource(policy, grantTo("proj_x"), { forbiddenProjects: ["proj_x"] });
        expect(outcome.messages).toEqual([`Checkpoint ${checkpointA}: project proj_x (granted by this stack) is a forbidden project.`]);
    });

    it("passes when no forbidden project is involved", async () => {
        const config = { forbiddenProjects: ["proj_x"] };
        expect((await validateResource(policy, observedA, config)).violations).toEqual([]);
        expect((await validateResource(policy, grantTo("proj_a"), config)).violations).toEqual([]);
    });

    it.each([
        ["the grant's project", grant("g", grantProps(checkpointA, unknownString))],
        ["the grant's checkpoint", grant("g", grantProps(unknownString, "proj_x"))],
        ["the observed permissions", observation("o", { ...permissionsProps(checkpointA, []), access: unknownValues.object })],
    ])("is not applicable when %s is unknown", async (_, resource) => {
        const outcome = await validateResource(policy, resource, { forbiddenProjects: ["proj_x"] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toBeDefined();
    });
});

describe(policyNames.maxProjects, () => {
    const policy = checkpointMaxProjects();

    it("is advisory and not applicable without config", async () => {
        expect(policy.enforcementLevel).toBe("advisory");
        expect((await validateStack(policy, [observedA])).notApplicable).toMatch(/no maxProjects/);
    });

    it("counts observed and granted projects together, once each", async () => {
        const resources = [observedA, grantTo("proj_a", checkpointA, "cp_1"), grantTo("proj_c")];
        expect((await validateStack(policy, resources, { maxProjects: 3 })).violations).toEqual([]);
        const outcome = await validateStack(policy, resources, { maxProjects: 2 });
        expect(outcome.violations).toEqual([
            {
                message:
                    `Checkpoint ${checkpointA}: 3 projects have or are granted access, more than maxProjects (2): ` +
                    "project proj_a (permission cp_1), project proj_b (permission cp_2), project proj_c (granted by this stack).",
                urn: observedAUrn,
            },
        ]);
    });

    it("checks each checkpoint on its own, grant-only ones included", async () => {
        const resources = [observedA, grantTo("proj_a", checkpointB), grantTo("proj_b", checkpointB)];
        const outcome = await validateStack(policy, resources, { maxProjects: 1 });
        expect(outcome.violations.map((v) => v.urn)).toEqual([observedAUrn, urnOf("grant-proj_a", checkpointPermissionGrantType)]);
        expect(outcome.messages[1]).toContain(`Checkpoint ${checkpointB}: 2 projects`);
    });

    it("allows a maximum of zero", async () => {
        expect((await validateStack(policy, [observedA], { maxProjects: 0 })).violations).toHaveLength(1);
        expect((await validateStack(policy, [observation("o", permissionsProps(checkpointA, []))], { maxProjects: 0 })).violations)
            .toEqual([]);
    });

    it("does not count a grant whose project is unknown", async () => {
        const resources = [observedA, grant("g", grantProps(checkpointA, unknownString))];
        expect((await validateStack(policy, resources, { maxProjects: 2 })).violations).toEqual([]);
    });

    it("takes maxProjects from the factory, and rejects a negative or fractional one", async () => {
        const configured = checkpointMaxProjects({ maxProjects: 1 });
        expect(configured.configSchema?.properties.maxProjects?.default).toBe(1);
        expect((await validateStack(configured, [observedA])).violations).toHaveLength(1);
        await expect(validateStack(policy, [observedA], { maxProjects: -1 })).rejects.toThrow(/invalid config/);
        await expect(validateStack(policy, [observedA], { maxProjects: 1.5 })).rejects.toThrow(/invalid config/);
    });
});

describe(policyNames.requiredProjects, () => {
    const policy = checkpointRequiredProjects();

    it("is advisory and not applicable without config", async () => {
        expect(policy.enforcementLevel).toBe("advisory");
        expect((await validateStack(policy, [observedA])).notApplicable).toMatch(/no required projects/);
    });

    it("reports each required project missing from an observed checkpoint", async () => {
        const outcome = await validateStack(policy, [observedA], { requiredProjects: ["proj_a", "proj_eval", "proj_prod"] });
        expect(outcome.violations).toEqual([
            {
                message: `Checkpoint ${checkpointA}: required project proj_eval has no access and no CheckpointPermissionGrant in this stack gives it.`,
                urn: observedAUrn,
            },
            expect.objectContaining({ message: expect.stringContaining("required project proj_prod") }),
        ]);
    });

    it("is satisfied by a grant in the stack not yet observed", async () => {
        const outcome = await validateStack(policy, [observedA, grantTo("proj_eval")], { requiredProjects: ["proj_eval"] });
        expect(outcome.violations).toEqual([]);
    });

    it("does not check checkpoints the stack does not observe", async () => {
        const outcome = await validateStack(policy, [grantTo("proj_a", checkpointB)], { requiredProjects: ["proj_eval"] });
        expect(outcome.violations).toEqual([]);
    });

    it("says nothing about a checkpoint a grant with an unknown project could satisfy", async () => {
        const config = { requiredProjects: ["proj_eval"] };
        const unknownProject = grant("g", grantProps(checkpointA, unknownString));
        expect((await validateStack(policy, [observedA, unknownProject], config)).violations).toEqual([]);
        // A grant to another checkpoint with an unknown project does not silence checkpoint A.
        const elsewhere = grant("g", grantProps(checkpointB, unknownString));
        expect((await validateStack(policy, [observedA, elsewhere], config)).violations).toHaveLength(1);
    });
});

describe(policyNames.noUnmanagedAccess, () => {
    const policy = checkpointNoUnmanagedAccess();

    it("is advisory and applies without config", async () => {
        expect(policy.enforcementLevel).toBe("advisory");
        expect(policy.configSchema).toBeUndefined();
    });

    it("reports each observed permission without a grant, against the resource that observed it", async () => {
        const outcome = await validateStack(policy, [observedA, grantTo("proj_a", checkpointA, "cp_1")]);
        expect(outcome.violations).toEqual([
            {
                message:
                    `Checkpoint ${checkpointA}: project proj_b (permission cp_2) has access that no ` +
                    "CheckpointPermissionGrant in this stack manages (granted outside Pulumi?).",
                urn: observedAUrn,
            },
        ]);
    });

    it("passes when every permission has a grant; grants not yet observed are fine", async () => {
        const resources = [observedA, grantTo("proj_a"), grantTo("proj_b"), grantTo("proj_c")];
        expect((await validateStack(policy, resources)).violations).toEqual([]);
    });

    it("matches a grant on checkpoint and project, not project alone", async () => {
        const outcome = await validateStack(policy, [observedA, grantTo("proj_a", checkpointB), grantTo("proj_b", checkpointB)]);
        expect(outcome.violations).toHaveLength(2);
    });

    it("says nothing while a grant that could match is unknown", async () => {
        expect((await validateStack(policy, [observedA, grant("g", grantProps(checkpointA, unknownString))])).violations).toEqual([]);
        expect((await validateStack(policy, [observedA, grant("g", grantProps(unknownString, "proj_a"))])).violations).toEqual([]);
    });

    it("ignores other resources and observations it cannot read", async () => {
        const unreadable = observation("o", { ...permissionsProps(checkpointA, []), checkpoint: unknownString });
        expect(await validateStack(policy, [otherResource, unreadable])).toEqual({ violations: [], messages: [] });
    });
});

describe("on the native plugin's resources (openai-checkpoints:index:*)", () => {
    const pluginObservedA = pluginObservation("plugin-a", observedA.props);
    const pluginGrantTo = (projectId: string, permissionId?: string) =>
        pluginGrant(`plugin-grant-${projectId}`, grantProps(checkpointA, projectId, permissionId ? { permissionId } : {}));

    it("the resource policies report on the plugin's record and grants as on the dynamic ones", async () => {
        const forbidden = await validateResource(checkpointForbiddenProjects(), pluginObservedA, { forbiddenProjects: ["proj_b"] });
        expect(forbidden.messages).toEqual([`Checkpoint ${checkpointA}: project proj_b (permission cp_2) is a forbidden project.`]);
        const granted = await validateResource(checkpointAllowedProjects(), pluginGrantTo("proj_z"), { allowedProjects: ["proj_a"] });
        expect(granted.messages).toEqual([
            `Checkpoint ${checkpointA}: project proj_z (granted by this stack) is not an allowed project (allowed: proj_a).`,
        ]);
    });

    it("the stack policies see a plugin grant as managing what a plugin record observes", async () => {
        const unmanaged = await validateStack(checkpointNoUnmanagedAccess(), [pluginObservedA, pluginGrantTo("proj_a", "cp_1")]);
        expect(unmanaged.violations).toEqual([
            {
                message: expect.stringContaining("project proj_b (permission cp_2) has access that no CheckpointPermissionGrant"),
                urn: urnOf("plugin-a", pluginCheckpointPermissionsType),
            },
        ]);
        const max = await validateStack(checkpointMaxProjects(), [pluginObservedA, pluginGrantTo("proj_c")], { maxProjects: 2 });
        expect(max.messages).toEqual([expect.stringContaining("3 projects have or are granted access")]);
        const required = await validateStack(checkpointRequiredProjects(), [pluginObservedA], { requiredProjects: ["proj_eval"] });
        expect(required.messages).toEqual([expect.stringContaining("required project proj_eval has no access")]);
    });
});

describe("on a record stored before it was keyed by project", () => {
    it("reports what it observed", async () => {
        const legacy = observation("legacy", legacyPermissionsProps(checkpointA, [{ id: "cp_2", projectId: "proj_b" }]));
        const outcome = await validateResource(checkpointForbiddenProjects(), legacy, { forbiddenProjects: ["proj_b"] });
        expect(outcome.messages).toEqual([`Checkpoint ${checkpointA}: project proj_b (permission cp_2) is a forbidden project.`]);
    });
});

describe("the policies together", () => {
    const policies = checkpointPolicies();
    const configExample = JSON.parse(
        readFileSync(join(__dirname, "../../policy-pack/config.example.json"), "utf8"),
    ) as Record<string, unknown>;

    it("are the five named policies with their default enforcement levels", () => {
        expect(policies.map((p) => [p.name, p.enforcementLevel])).toEqual([
            ["checkpoint-allowed-projects", "mandatory"],
            ["checkpoint-forbidden-projects", "mandatory"],
            ["checkpoint-max-projects", "advisory"],
            ["checkpoint-required-projects", "advisory"],
            ["checkpoint-no-unmanaged-access", "advisory"],
        ]);
    });

    it("report nothing on a stack with no config", async () => {
        const resources = [observedA, grantTo("proj_a"), grantTo("proj_b")];
        for (const policy of policies) {
            const outcomes =
                "validateStack" in policy
                    ? [await validateStack(policy as StackValidationPolicy, resources)]
                    : await Promise.all(resources.map((r) => validateResource(policy as ResourceValidationPolicy, r)));
            for (const outcome of outcomes) expect(outcome.violations, policy.name).toEqual([]);
        }
    });

    it("are configured in the README with the example config file", () => {
        const readme = readFileSync(join(__dirname, "../../policy-pack/README.md"), "utf8");
        const example = /## Config example[\s\S]*?```json\n([\s\S]*?)```/.exec(readme)?.[1];
        expect(JSON.parse(example ?? "null")).toEqual(configExample);
    });

    it("accept the README's example config through their JSON schemas, as the engine checks it", () => {
        const ajv = new Ajv({ strict: false });
        expect(Object.keys(configExample).sort()).toEqual(policies.map((p) => p.name).sort());
        for (const policy of policies) {
            const config = configExample[policy.name];
            if (typeof config === "string") continue; // just an enforcement level
            const { enforcementLevel: _, ...properties } = config as Record<string, unknown>;
            const validate = ajv.compile({ type: "object", ...policy.configSchema });
            expect(validate(properties), `${policy.name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
        }
    });

    it("have JSON schemas that reject what their config parsing rejects", () => {
        const ajv = new Ajv({ strict: false });
        const schemaOf = (name: string) => ajv.compile({ type: "object", ...policies.find((p) => p.name === name)!.configSchema });
        expect(schemaOf(policyNames.allowedProjects)({ allowedProjects: "proj_a" })).toBe(false);
        expect(schemaOf(policyNames.allowedProjects)({ checkpoints: { [checkpointA]: [1] } })).toBe(false);
        expect(schemaOf(policyNames.maxProjects)({ maxProjects: -1 })).toBe(false);
        expect(schemaOf(policyNames.maxProjects)({ maxProjects: 2.5 })).toBe(false);
        expect(schemaOf(policyNames.requiredProjects)({ requiredProjects: [""] })).toBe(false);
    });

    it("apply the example config as documented", async () => {
        const configOf = (name: string) => configExample[name] as object;
        const contractor = grantTo("proj_contractor");
        const forbidden = await validateResource(checkpointForbiddenProjects(), contractor, configOf(policyNames.forbiddenProjects));
        expect(forbidden.messages).toEqual([expect.stringContaining("project proj_contractor (granted by this stack) is a forbidden project")]);
        // The example gives checkpoint A its own list: proj_research only.
        const allowed = await validateResource(checkpointAllowedProjects(), grantTo("proj_eval"), {
            ...configOf(policyNames.allowedProjects),
        });
        expect(allowed.messages).toEqual([expect.stringContaining("(allowed: proj_research)")]);
    });
});
