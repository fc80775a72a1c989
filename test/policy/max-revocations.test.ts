/**
 * `checkpoint-max-revocations` over a `CheckpointAccess`'s plan (its `plan` input, which its check reads live), on
 * both surfaces' tokens. The pack on the real engine: test/e2e/access.test.ts.
 */
import { describe, expect, it } from "vitest";
import { encodePlan } from "../../provider/resources/access-plan";
import { checkpointAccessType, checkpointMaxRevocations, plannedAccessChangeOf, pluginCheckpointAccessType, policyNames } from "../../provider/policy";
import { checkpointA, unknownString, validateResource, type TestResource } from "./harness";

const projects = (n: number) => Array.from({ length: n }, (_, i) => `proj_${i}`);
const revoking = (n: number) => Object.fromEntries(projects(n).map((p, i) => [p, `cp_${i}`]));
const accessResource = (plan: string, type = checkpointAccessType): TestResource => ({
    type,
    name: "access",
    props: { checkpoint: checkpointA, projectIds: [], plan },
});

describe(policyNames.maxRevocations, () => {
    const policy = checkpointMaxRevocations();

    it("is mandatory, 5 by default, and names every project an update would revoke past it", async () => {
        expect(policy.enforcementLevel).toBe("mandatory");
        expect((await validateResource(policy, accessResource(encodePlan({ granting: ["proj_new"], revoking: revoking(5), grantors: {} })))).messages).toEqual([]);
        const plan = encodePlan({ granting: [], revoking: revoking(6), grantors: { proj_5: "mallory@acme.com (dashboard)" } });
        for (const type of [checkpointAccessType, pluginCheckpointAccessType]) {
            const outcome = await validateResource(policy, accessResource(plan, type));
            expect(outcome.messages).toEqual([
                `Checkpoint ${checkpointA}: this update would revoke 6 projects' access, more than maxRevocations (5): ` +
                    "project proj_0 (permission cp_0), project proj_1 (permission cp_1), project proj_2 (permission cp_2), " +
                    "project proj_3 (permission cp_3), project proj_4 (permission cp_4), " +
                    "project proj_5 (permission cp_5, granted by mallory@acme.com (dashboard)). If that is meant, raise maxRevocations in the pack's config for this update.",
            ]);
        }
    });

    it("takes maxRevocations from the pack's config", async () => {
        const plan = encodePlan({ granting: [], revoking: revoking(2), grantors: {} });
        expect((await validateResource(policy, accessResource(plan), { maxRevocations: 1 })).messages).toHaveLength(1);
        expect((await validateResource(policy, accessResource(plan), { maxRevocations: 2 })).messages).toEqual([]);
    });

    it("is not applicable to a plan not known yet, or another resource", async () => {
        expect((await validateResource(policy, accessResource(unknownString))).notApplicable).toMatch(/not known yet/);
        expect((await validateResource(policy, { type: "aws:s3/bucket:Bucket", name: "b", props: {} })).notApplicable).toMatch(/only checks CheckpointAccess/);
    });

    it("reads the plan's grants and revokes, sorted", () => {
        const plan = encodePlan({ granting: ["proj_z", "proj_a"], revoking: { proj_m: "cp_m" }, grantors: {} });
        expect(plannedAccessChangeOf(accessResource(plan))).toEqual({
            checkpoint: checkpointA,
            granting: ["proj_a", "proj_z"],
            revoking: [{ checkpoint: checkpointA, projectId: "proj_m", permissionId: "cp_m" }],
        });
    });
});
