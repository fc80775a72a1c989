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
    checkpointSingleManager,
    policyNames,
} from "../../provider/policy";
import {
    accessProps,
    checkpointA,
    checkpointAccess,
    checkpointB,
    grant,
    grantProps,
    observation,
    permissionsProps,
    pluginCheckpointAccess,
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
    const unmanagedMessage = (project: string, permission: string) =>
        `Checkpoint ${checkpointA}: project ${project} (permission ${permission}) has access that no ` +
        "CheckpointPermissionGrant or CheckpointAccess of the stack manages (granted outside Pulumi?). " +
        "A CheckpointAccess on the checkpoint would make the projects it lists the only ones.";

    it("is an advisory stack policy and applies without config", async () => {
        expect(policy.enforcementLevel).toBe("advisory");
        expect(policy.configSchema).toBeUndefined();
        expect("validateStack" in policy).toBe(true);
    });

    it("reports each recorded permission that no grant manages, on the record", async () => {
        const outcome = await validateStack(policy, [recordA(["proj_a"]), grantTo("proj_a")]);
        expect(outcome.violations).toEqual([{ message: unmanagedMessage("proj_b", "cp_2"), urn: expect.stringContaining("::observed-a") }]);
    });

    it("reports every permission of a record in a stack that manages nothing of its checkpoint", async () => {
        expect((await validateStack(policy, [observedA, grantTo("proj_a", checkpointB)])).messages).toEqual([
            unmanagedMessage("proj_a", "cp_1"),
            unmanagedMessage("proj_b", "cp_2"),
        ]);
    });

    it("counts the stack's grants on the checkpoint as managed, as well as those the record waits for", async () => {
        expect((await validateStack(policy, [recordA(["proj_a"]), grantTo("proj_a"), grantTo("proj_b")])).violations).toEqual([]);
        expect((await validateStack(policy, [recordA(["proj_a", "proj_b", "proj_c"]), grantTo("proj_c")])).violations).toEqual([]);
        // The record's managedProjects count too (the plugin's record is given them).
        expect((await validateStack(policy, [recordA(["proj_a", "proj_b"]), grantTo("proj_a", checkpointB)])).violations).toEqual([]);
    });

    it("counts all of a checkpoint's access as managed when it has a CheckpointAccess: what its set lacks, its up revokes", async () => {
        const declared = checkpointAccess("access-a", accessProps(checkpointA, ["proj_a"]));
        expect((await validateStack(policy, [observedA, declared])).violations).toEqual([]);
        // Even while its projects are unknown (preview): it is authoritative whatever they are.
        const pending = checkpointAccess("access-a", accessProps(checkpointA, unknownValues.array));
        expect((await validateStack(policy, [observedA, pending])).violations).toEqual([]);
        // A CheckpointAccess of another checkpoint manages nothing of this one.
        const other = checkpointAccess("access-b", accessProps(checkpointB, ["proj_a", "proj_b"]));
        expect((await validateStack(policy, [observedA, other])).messages).toHaveLength(2);
    });

    it("is silent on the records of an audit (SharedCheckpointRecords), which manage nothing by design", async () => {
        const audit = [
            sharedCheckpointRecords("acme", { auditLogging: true }),
            { ...recordA([]), name: "acme-record-a", parent: "acme" },
            { ...observation("acme-record-b", permissionsProps(checkpointB, [{ id: "cp_9", projectId: "proj_contractor" }])), parent: "acme" },
        ];
        const outcome = await validateStack(policy, audit);
        expect(outcome.violations).toEqual([]);
        expect(outcome.notApplicable).toMatch(/audit \(SharedCheckpointRecords\), which manages nothing by design/);
        // A record of the stack's own beside the audit is still checked.
        expect((await validateStack(policy, [...audit, recordA(["proj_a"]), grantTo("proj_a")])).messages).toEqual([unmanagedMessage("proj_b", "cp_2")]);
    });

    it("is silent on a stack that manages no access: records alone are an audit too", async () => {
        const outcome = await validateStack(policy, [observedA, observation("observed-b", permissionsProps(checkpointB, [{ id: "cp_9", projectId: "proj_c" }]))]);
        expect(outcome).toMatchObject({ violations: [], notApplicable: expect.stringMatching(/manages no access .*: it records, as an audit does/) });
        // One grant anywhere makes it a stack that manages access: its records are judged.
        expect((await validateStack(policy, [observedA, grantTo("proj_z", checkpointB)])).messages).toHaveLength(2);
    });

    it("says nothing of a checkpoint while a grant that could match is unknown", async () => {
        expect(await validateStack(policy, [recordAWithUnknownGrants, grant("g", grantProps(checkpointA, unknownString))])).toMatchObject({ violations: [] });
        expect((await validateStack(policy, [observedA, grant("g", grantProps(checkpointA, unknownString))])).violations).toEqual([]);
        // A grant of another checkpoint whose project is unknown leaves this one judged.
        expect((await validateStack(policy, [recordA(["proj_a"]), grantTo("proj_a"), grant("g", grantProps(checkpointB, unknownString))])).messages).toHaveLength(1);
    });

    it("says nothing while a grant's or CheckpointAccess's checkpoint is unknown: it could be any", async () => {
        for (const manager of [grant("g", grantProps(unknownString, "proj_b")), checkpointAccess("x", accessProps(unknownString, ["proj_b"]))]) {
            const outcome = await validateStack(policy, [recordA(["proj_a"]), manager]);
            expect(outcome.violations).toEqual([]);
            expect(outcome.notApplicable).toMatch(/checkpoint is not known yet/);
        }
    });

    it("ignores records it cannot read, and a stack without records", async () => {
        const unreadable = observation("o", { ...permissionsProps(checkpointA, []), checkpoint: unknownString });
        expect((await validateStack(policy, [unreadable])).violations).toEqual([]);
        expect((await validateStack(policy, [otherResource, grantTo("proj_z")])).notApplicable).toMatch(/records no checkpoint/);
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
        const unmanaged = await validateStack(checkpointNoUnmanagedAccess(), [pluginObservedA, pluginGrantTo("proj_a")]);
        expect(unmanaged.messages).toEqual([expect.stringContaining("project proj_b (permission cp_2) has access that no CheckpointPermissionGrant")]);
        expect((await validateStack(checkpointNoUnmanagedAccess(), [pluginObservedA, pluginGrantTo("proj_b")])).violations).toEqual([]);
        const max = await validateResource(checkpointMaxProjects(), pluginObservation("p", recordA(["proj_c"]).props), { maxProjects: 2 });
        expect(max.messages).toEqual([expect.stringContaining("3 projects have or are granted access")]);
        const required = await validateResource(checkpointRequiredProjects(), pluginObservedA, { requiredProjects: ["proj_eval"] });
        expect(required.messages).toEqual([expect.stringContaining("required project proj_eval has no access")]);
    });
});

describe("the project policies on a CheckpointAccess: its projectIds are the access it declares", () => {
    const declaredA = (projectIds: readonly string[] | string) => checkpointAccess("access-a", accessProps(checkpointA, projectIds));

    it("checkpoint-allowed-projects stops a declared project not on the list, with the checkpoint's own list", async () => {
        const policy = checkpointAllowedProjects();
        expect((await validateResource(policy, declaredA(["proj_a", "proj_z"]), { allowedProjects: ["proj_a"] })).messages).toEqual([
            `Checkpoint ${checkpointA}: project proj_z (granted by this stack) is not an allowed project (allowed: proj_a).`,
        ]);
        expect((await validateResource(policy, declaredA(["proj_a"]), { checkpoints: { [checkpointA]: [] } })).messages).toEqual([
            expect.stringContaining("project proj_a (granted by this stack) is not an allowed project (allowed: none)"),
        ]);
        expect((await validateResource(policy, declaredA(["proj_a", "proj_b"]), { allowedProjects: ["proj_a", "proj_b"] })).violations).toEqual([]);
        // The empty set declares no access: nothing to disallow.
        expect((await validateResource(policy, declaredA([]), { allowedProjects: ["proj_a"] })).violations).toEqual([]);
    });

    it("checkpoint-forbidden-projects stops a declared forbidden project", async () => {
        const outcome = await validateResource(checkpointForbiddenProjects(), declaredA(["proj_a", "proj_contractor"]), { forbiddenProjects: ["proj_contractor"] });
        expect(outcome.messages).toEqual([`Checkpoint ${checkpointA}: project proj_contractor (granted by this stack) is a forbidden project.`]);
    });

    it("checkpoint-max-projects counts the declared set, once each project", async () => {
        const policy = checkpointMaxProjects();
        expect((await validateResource(policy, declaredA(["proj_c", "proj_a", "proj_a"]), { maxProjects: 2 })).violations).toEqual([]);
        expect((await validateResource(policy, declaredA(["proj_c", "proj_a", "proj_b"]), { maxProjects: 2 })).messages).toEqual([
            `Checkpoint ${checkpointA}: 3 projects have or are granted access, more than maxProjects (2): ` +
                "project proj_a (granted by this stack), project proj_b (granted by this stack), project proj_c (granted by this stack).",
        ]);
    });

    it("checkpoint-required-projects fails a set without a required project: its up would revoke it", async () => {
        const policy = checkpointRequiredProjects();
        expect((await validateResource(policy, declaredA(["proj_a"]), { requiredProjects: ["proj_a", "proj_eval"] })).messages).toEqual([
            `Checkpoint ${checkpointA}: required project proj_eval is not in the projectIds of its CheckpointAccess, ` +
                "which gives access to those projects only (and revokes any other).",
        ]);
        expect((await validateResource(policy, declaredA([]), { requiredProjects: ["proj_eval"] })).violations).toHaveLength(1);
        expect((await validateResource(policy, declaredA(["proj_eval", "proj_a"]), { requiredProjects: ["proj_eval"] })).violations).toEqual([]);
    });

    it("the plugin's CheckpointAccess is checked the same way", async () => {
        const plugin = pluginCheckpointAccess("plugin-access", accessProps(checkpointA, ["proj_contractor"]));
        expect((await validateResource(checkpointForbiddenProjects(), plugin, { forbiddenProjects: ["proj_contractor"] })).violations).toHaveLength(1);
        expect((await validateResource(checkpointMaxProjects(), plugin, { maxProjects: 0 })).violations).toHaveLength(1);
    });

    it.each([
        ["its projects are unknown", declaredA(unknownValues.array)],
        ["one of its projects is unknown", declaredA(["proj_a", unknownString])],
        ["its checkpoint is unknown", checkpointAccess("x", accessProps(unknownString, ["proj_contractor"]))],
        ["its projects are malformed", declaredA([""])],
    ])("each is not applicable, and reports nothing, when %s (preview)", async (_, resource) => {
        const runs = [
            validateResource(checkpointAllowedProjects(), resource, { allowedProjects: ["proj_a"] }),
            validateResource(checkpointForbiddenProjects(), resource, { forbiddenProjects: ["proj_contractor"] }),
            validateResource(checkpointMaxProjects(), resource, { maxProjects: 0 }),
            validateResource(checkpointRequiredProjects(), resource, { requiredProjects: ["proj_eval"] }),
        ];
        for (const outcome of await Promise.all(runs)) {
            expect(outcome.violations).toEqual([]);
            expect(outcome.notApplicable).toMatch(/not known yet/);
        }
    });
});

describe(policyNames.singleManager, () => {
    const policy = checkpointSingleManager();
    const accessTo = (name: string, checkpoint: string, projectIds: readonly string[] | string = ["proj_a"]) =>
        checkpointAccess(name, accessProps(checkpoint, projectIds));

    it("is a mandatory stack policy, not applicable to a stack without a CheckpointAccess", async () => {
        expect(policy.enforcementLevel).toBe("mandatory");
        const outcome = await validateStack(policy, [observedA, grantTo("proj_a"), grantTo("proj_b")]);
        expect(outcome).toMatchObject({ violations: [], notApplicable: expect.stringMatching(/no CheckpointAccess/) });
    });

    it("fails a checkpoint with a CheckpointAccess and a grant, naming the checkpoint, both resources and why, on the CheckpointAccess", async () => {
        const outcome = await validateStack(policy, [accessTo("access-a", checkpointA), grantTo("proj_b"), observedA]);
        expect(outcome.violations).toEqual([
            {
                message:
                    `Checkpoint ${checkpointA} has more than one manager in the stack: ` +
                    `CheckpointAccess access-a (urn:pulumi:dev::checkpoints::pulumi-nodejs:dynamic/openai:CheckpointAccess::access-a), ` +
                    `CheckpointPermissionGrant grant-proj_b (urn:pulumi:dev::checkpoints::pulumi-nodejs:dynamic/openai:CheckpointPermissionGrant::grant-proj_b). ` +
                    "They would fight, each up undoing the other: a CheckpointAccess revokes every project outside its projectIds, " +
                    "which a CheckpointPermissionGrant grants again, and deleting a grant revokes a project the CheckpointAccess keeps " +
                    "(as Terraform warns of google_*_iam_policy beside google_*_iam_member). " +
                    "List every project in one CheckpointAccess and remove the others, or manage the checkpoint with grants alone.",
                urn: "urn:pulumi:dev::checkpoints::pulumi-nodejs:dynamic/openai:CheckpointAccess::access-a",
            },
        ]);
    });

    it("names the managers the same way whatever order the stack registered them in: each CheckpointAccess, then each grant", async () => {
        const registered = [grantTo("proj_b"), grant("another-grant", grantProps(checkpointA, "proj_c")), accessTo("access-a", checkpointA)];
        const [message] = (await validateStack(policy, registered)).messages;
        expect(message).toMatch(/manager in the stack: CheckpointAccess access-a \(.*\), CheckpointPermissionGrant another-grant \(.*\), CheckpointPermissionGrant grant-proj_b \(/);
        expect((await validateStack(policy, [...registered].reverse())).messages).toEqual([message]);
    });

    it("fails a grant of a project the CheckpointAccess lists too: deleting it would revoke what the set keeps", async () => {
        expect((await validateStack(policy, [accessTo("access-a", checkpointA, ["proj_a"]), grantTo("proj_a")])).violations).toHaveLength(1);
    });

    it("fails two CheckpointAccess of one checkpoint, across the two surfaces, once for the checkpoint", async () => {
        const plugin = pluginCheckpointAccess("plugin-access-a", accessProps(checkpointA, ["proj_b"]));
        const outcome = await validateStack(policy, [accessTo("access-a", checkpointA), plugin, grantTo("proj_c")]);
        expect(outcome.messages).toEqual([
            expect.stringMatching(
                /CheckpointAccess access-a \(.*\), CheckpointAccess plugin-access-a \(urn:.*openai-checkpoints:index:CheckpointAccess::plugin-access-a\), CheckpointPermissionGrant grant-proj_c .*grants again.*; two CheckpointAccess each revoke the projects the other lists/,
            ),
        ]);
        expect((await validateStack(policy, [accessTo("access-a", checkpointA), plugin])).messages).toEqual([
            expect.stringContaining("undoing the other: two CheckpointAccess each revoke the projects the other lists (as Terraform"),
        ]);
    });

    it("passes one CheckpointAccess per checkpoint, with grants and records of other checkpoints beside it", async () => {
        const resources = [accessTo("access-a", checkpointA), grantTo("proj_a", checkpointB), observedA, recordA(["proj_a"]), otherResource];
        expect((await validateStack(policy, resources)).violations).toEqual([]);
        expect((await validateStack(policy, [accessTo("access-a", checkpointA), pluginGrant("g", grantProps(checkpointB, "proj_a"))])).violations).toEqual([]);
    });

    it("checks the plugin's grants too, and a CheckpointAccess whose projects are unknown (preview)", async () => {
        const outcome = await validateStack(policy, [accessTo("access-a", checkpointA, unknownValues.array), pluginGrant("g", grantProps(checkpointA, unknownString))]);
        expect(outcome.messages).toEqual([expect.stringContaining("CheckpointAccess access-a (urn:")]);
        expect(outcome.messages[0]).toContain("CheckpointPermissionGrant g (urn:pulumi:dev::checkpoints::openai-checkpoints:index:CheckpointPermissionGrant::g)");
    });

    it("does not count a manager whose checkpoint is unknown (preview): not a finding", async () => {
        const unknownAccess = accessTo("access-x", unknownString);
        expect((await validateStack(policy, [unknownAccess, grantTo("proj_a")])).violations).toEqual([]);
        expect((await validateStack(policy, [accessTo("access-a", checkpointA), grant("g", grantProps(unknownString, "proj_a"))])).violations).toEqual([]);
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
            ["checkpoint-single-manager", "mandatory"],
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
