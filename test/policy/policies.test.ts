import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import { describe, expect, it } from "vitest";
import { encodeAccess } from "../../provider/resources/access-text";
import {
    checkpointAllowedGrantors,
    checkpointAllowedProjects,
    checkpointAuditLogging,
    checkpointForbiddenProjects,
    checkpointMaxProjects,
    checkpointNoUnmanagedAccess,
    checkpointPolicies,
    checkpointRequiredProjects,
    policyNames,
} from "../../provider/policy";
import {
    checkpointA,
    checkpointB,
    grant,
    grantProps,
    observation,
    permissionsProps,
    pluginGrant,
    pluginObservation,
    sharedCheckpointRecords,
    unknownString,
    unknownValues,
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

/** Checkpoint A as a record that waits for grants of `managed` (its `dependsOn`). */
const recordA = (managed: readonly string[]) =>
    observation(
        "observed-a",
        permissionsProps(
            checkpointA,
            [
                { id: "cp_1", projectId: "proj_a" },
                { id: "cp_2", projectId: "proj_b" },
            ],
            managed,
        ),
    );
/** Checkpoint A as a record whose grants are not known yet (a grant's project, during preview). */
const recordAWithUnknownGrants = observation("observed-a", { ...recordA([]).props, managedProjects: unknownValues.object });

describe(policyNames.maxProjects, () => {
    const policy = checkpointMaxProjects();

    it("is advisory and not applicable without config", async () => {
        expect(policy.enforcementLevel).toBe("advisory");
        expect((await validateResource(policy, observedA)).notApplicable).toMatch(/no maxProjects/);
    });

    it("counts the record's projects and those its grants give together, once each", async () => {
        const record = recordA(["proj_a", "proj_c"]);
        expect((await validateResource(policy, record, { maxProjects: 3 })).violations).toEqual([]);
        expect((await validateResource(policy, record, { maxProjects: 2 })).messages).toEqual([
            `Checkpoint ${checkpointA}: 3 projects have or are granted access, more than maxProjects (2): ` +
                "project proj_a (permission cp_1), project proj_b (permission cp_2), project proj_c (granted by this stack).",
        ]);
    });

    it("allows a maximum of zero", async () => {
        expect((await validateResource(policy, observedA, { maxProjects: 0 })).violations).toHaveLength(1);
        expect((await validateResource(policy, observation("o", permissionsProps(checkpointA, [])), { maxProjects: 0 })).violations).toEqual([]);
    });

    it("counts what it knows while the grants' projects are unknown (a lower bound)", async () => {
        expect((await validateResource(policy, recordAWithUnknownGrants, { maxProjects: 2 })).violations).toEqual([]);
        expect((await validateResource(policy, recordAWithUnknownGrants, { maxProjects: 1 })).violations).toHaveLength(1);
    });

    it("is not applicable to grants: a record knows the live total", async () => {
        expect((await validateResource(policy, grantTo("proj_c"), { maxProjects: 0 })).notApplicable).toMatch(/only checks CheckpointPermissions/);
    });

    it("takes maxProjects from the factory, and rejects a negative or fractional one", async () => {
        const configured = checkpointMaxProjects({ maxProjects: 1 });
        expect(configured.configSchema?.properties.maxProjects?.default).toBe(1);
        expect((await validateResource(configured, observedA)).violations).toHaveLength(1);
        await expect(validateResource(policy, observedA, { maxProjects: -1 })).rejects.toThrow(/invalid config/);
        await expect(validateResource(policy, observedA, { maxProjects: 1.5 })).rejects.toThrow(/invalid config/);
    });
});

describe(policyNames.requiredProjects, () => {
    const policy = checkpointRequiredProjects();

    it("is advisory and not applicable without config", async () => {
        expect(policy.enforcementLevel).toBe("advisory");
        expect((await validateResource(policy, observedA)).notApplicable).toMatch(/no required projects/);
    });

    it("reports each required project missing from a recorded checkpoint", async () => {
        const outcome = await validateResource(policy, observedA, { requiredProjects: ["proj_a", "proj_eval", "proj_prod"] });
        expect(outcome.violations).toEqual([
            {
                message:
                    `Checkpoint ${checkpointA}: required project proj_eval has no access and no CheckpointPermissionGrant ` +
                    "that the record waits for (its dependsOn) gives it.",
            },
            expect.objectContaining({ message: expect.stringContaining("required project proj_prod") }),
        ]);
    });

    it("is satisfied by a grant the record waits for, not yet in the listing", async () => {
        const outcome = await validateResource(policy, recordA(["proj_eval"]), { requiredProjects: ["proj_eval"] });
        expect(outcome.violations).toEqual([]);
    });

    it("does not check grants: only a record knows the live state", async () => {
        const outcome = await validateResource(policy, grantTo("proj_a", checkpointB), { requiredProjects: ["proj_eval"] });
        expect(outcome.notApplicable).toMatch(/only checks CheckpointPermissions/);
    });

    it("says nothing while a grant the record waits for has an unknown project: it may be the missing one", async () => {
        const outcome = await validateResource(policy, recordAWithUnknownGrants, { requiredProjects: ["proj_eval"] });
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/not known yet/);
    });
});

describe(policyNames.noUnmanagedAccess, () => {
    const policy = checkpointNoUnmanagedAccess();

    it("is advisory and applies without config", async () => {
        expect(policy.enforcementLevel).toBe("advisory");
        expect(policy.configSchema).toBeUndefined();
    });

    it("reports each recorded permission that no grant the record waits for manages", async () => {
        const outcome = await validateResource(policy, recordA(["proj_a"]));
        expect(outcome.messages).toEqual([
            `Checkpoint ${checkpointA}: project proj_b (permission cp_2) has access that no ` +
                "CheckpointPermissionGrant the record waits for (its dependsOn) manages (granted outside Pulumi?).",
        ]);
    });

    it("reports every permission of a record that waits for no grant", async () => {
        expect((await validateResource(policy, observedA)).messages).toEqual([
            expect.stringContaining("project proj_a (permission cp_1) has access"),
            expect.stringContaining("project proj_b (permission cp_2) has access"),
        ]);
    });

    it("passes when every permission has a grant; grants not yet listed are fine", async () => {
        expect((await validateResource(policy, recordA(["proj_a", "proj_b", "proj_c"]))).violations).toEqual([]);
    });

    it("says nothing while a grant that could match is unknown", async () => {
        const outcome = await validateResource(policy, recordAWithUnknownGrants);
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/not known yet/);
    });

    it("ignores other resources and records it cannot read", async () => {
        const unreadable = observation("o", { ...permissionsProps(checkpointA, []), checkpoint: unknownString });
        expect((await validateResource(policy, unreadable)).notApplicable).toMatch(/not known yet/);
        expect((await validateResource(policy, otherResource)).notApplicable).toMatch(/only checks CheckpointPermissions/);
        expect((await validateResource(policy, grantTo("proj_z"))).notApplicable).toMatch(/only checks CheckpointPermissions/);
    });
});

describe("on the native plugin's resources (openai-checkpoints:index:*)", () => {
    const pluginObservedA = pluginObservation("plugin-a", recordA(["proj_a"]).props);
    const pluginGrantTo = (projectId: string, permissionId?: string) =>
        pluginGrant(`plugin-grant-${projectId}`, grantProps(checkpointA, projectId, permissionId ? { permissionId } : {}));

    it("the policies report on the plugin's record and grants as on the dynamic ones", async () => {
        const forbidden = await validateResource(checkpointForbiddenProjects(), pluginObservedA, { forbiddenProjects: ["proj_b"] });
        expect(forbidden.messages).toEqual([`Checkpoint ${checkpointA}: project proj_b (permission cp_2) is a forbidden project.`]);
        const granted = await validateResource(checkpointAllowedProjects(), pluginGrantTo("proj_z"), { allowedProjects: ["proj_a"] });
        expect(granted.messages).toEqual([
            `Checkpoint ${checkpointA}: project proj_z (granted by this stack) is not an allowed project (allowed: proj_a).`,
        ]);
        // The plugin's record is given its grants' projects as `managedProjects`.
        const unmanaged = await validateResource(checkpointNoUnmanagedAccess(), pluginObservedA);
        expect(unmanaged.messages).toEqual([expect.stringContaining("project proj_b (permission cp_2) has access that no CheckpointPermissionGrant")]);
        const max = await validateResource(checkpointMaxProjects(), pluginObservation("p", recordA(["proj_c"]).props), { maxProjects: 2 });
        expect(max.messages).toEqual([expect.stringContaining("3 projects have or are granted access")]);
        const required = await validateResource(checkpointRequiredProjects(), pluginObservedA, { requiredProjects: ["proj_eval"] });
        expect(required.messages).toEqual([expect.stringContaining("required project proj_eval has no access")]);
    });
});

describe(policyNames.auditLogging, () => {
    const policy = checkpointAuditLogging();

    it("is mandatory, and not applicable to a stack without SharedCheckpointRecords", async () => {
        expect(policy.enforcementLevel).toBe("mandatory");
        const outcome = await validateStack(policy, [observedA, otherResource]);
        expect(outcome.notApplicable).toMatch(/no SharedCheckpointRecords/);
    });

    it("reports each component that found its organization's audit logging off, on the component", async () => {
        const off = sharedCheckpointRecords("partner", { auditLogging: false });
        const outcome = await validateStack(policy, [sharedCheckpointRecords("acme", { auditLogging: true }), off, observedA]);
        expect(outcome.violations).toEqual([
            {
                message: expect.stringMatching(/^SharedCheckpointRecords partner: the organization's audit logging is off, so the checkpoints it shares cannot be found, and only those in `include` are recorded\./),
                urn: expect.stringContaining("::partner"),
            },
        ]);
    });

    it("says nothing while the component's read is unknown (preview), or of a malformed value", async () => {
        const outcome = await validateStack(policy, [sharedCheckpointRecords("acme", { auditLogging: unknownValues.boolean }), sharedCheckpointRecords("b", { auditLogging: "no" })]);
        expect(outcome.violations).toEqual([]);
    });
});

describe("the policies together", () => {
    const policies = checkpointPolicies();
    const configExample = JSON.parse(
        readFileSync(join(__dirname, "../../policy-pack/config.example.json"), "utf8"),
    ) as Record<string, unknown>;

    it("are the named policies with their default enforcement levels", () => {
        expect(policies.map((p) => [p.name, p.enforcementLevel])).toEqual([
            ["checkpoint-allowed-projects", "mandatory"],
            ["checkpoint-forbidden-projects", "mandatory"],
            ["checkpoint-max-projects", "advisory"],
            ["checkpoint-required-projects", "advisory"],
            ["checkpoint-no-unmanaged-access", "advisory"],
            ["checkpoint-allowed-grantors", "mandatory"],
            ["checkpoint-audit-logging", "mandatory"],
            ["checkpoint-max-revocations", "mandatory"],
        ]);
    });

    it("report nothing on a stack with no config whose record waits for its grants", async () => {
        const resources = [recordA(["proj_a", "proj_b"]), grantTo("proj_a"), grantTo("proj_b"), sharedCheckpointRecords("acme", { auditLogging: true })];
        for (const policy of policies) {
            if ("validateStack" in policy) expect((await validateStack(policy, resources)).violations, policy.name).toEqual([]);
            else for (const resource of resources) expect((await validateResource(policy, resource)).violations, policy.name).toEqual([]);
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

    it("publish their config types as plain object types: the declarations a user's type check reads import no zod", () => {
        const dir = join(__dirname, "../../dist/provider/policy");
        const declarations = readdirSync(dir).filter((file) => file.endsWith(".d.ts"));
        expect(declarations).toContain("policies.d.ts");
        for (const file of declarations) expect(readFileSync(join(dir, file), "utf8"), file).not.toMatch(/["']zod["'/]/);
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

describe("checkpoint-allowed-grantors", () => {
    const policy = checkpointAllowedGrantors();
    const attributed = (grantors: Record<string, string>) =>
        observation("attributed", {
            ...recordA([]).props,
            access: encodeAccess({ proj_a: "cp_1", proj_b: "cp_2" }, grantors),
        });

    it("fails access granted by someone not on the list, naming who granted it", async () => {
        const record = attributed({ proj_a: "svc_ci (service account key key_ci)", proj_b: "mallory@acme.com (dashboard)" });
        const outcome = await validateResource(policy, record, { allowedGrantors: ["svc_ci"] });
        expect(outcome.messages).toEqual([
            `Checkpoint ${checkpointA}: project proj_b (permission cp_2) was granted by mallory@acme.com (dashboard), ` +
                "not an allowed grantor (allowed: svc_ci).",
        ]);
    });

    it("fails a grantor the audit log cannot name, unless allowUnknown", async () => {
        const record = attributed({ proj_a: "svc_ci (service account key key_ci)", proj_b: "unknown" });
        expect((await validateResource(policy, record, { allowedGrantors: ["svc_ci"] })).messages).toEqual([expect.stringContaining("project proj_b")]);
        expect((await validateResource(policy, record, { allowedGrantors: ["svc_ci"], allowUnknown: true })).violations).toEqual([]);
    });

    it("is not applicable without a list, or to a record without attribution", async () => {
        const record = attributed({ proj_a: "mallory@acme.com (dashboard)", proj_b: "unknown" });
        expect(await validateResource(policy, record)).toMatchObject({ violations: [], notApplicable: expect.stringMatching(/no allowed grantors/) });
        expect(await validateResource(policy, recordA([]), { allowedGrantors: ["svc_ci"] })).toMatchObject({ notApplicable: expect.stringMatching(/attribution: true/) });
    });
});
