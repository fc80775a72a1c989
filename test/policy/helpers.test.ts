import { describe, expect, it } from "vitest";
import {
    accessCheckpoint,
    accessesOfProjects,
    accessOf,
    allowedProjectsFor,
    checkpointAccessType,
    checkpointAccessTypes,
    checkpointPermissionGrantType,
    checkpointPermissionsType,
    competingManagers,
    declaredAccessOf,
    describeAccess,
    forbiddenProjects,
    grantCheckpoint,
    grantOf,
    isAuditRecord,
    isCheckpointAccess,
    isCheckpointPermissionGrant,
    isCheckpointPermissions,
    isUnknown,
    missingProjects,
    pluginCheckpointAccessType,
    pluginCheckpointPermissionGrantType,
    pluginCheckpointPermissionsType,
    recordOf,
    projectsWithAccess,
    unexpectedProjects,
    unmanagedPermissions,
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
    resourceArgs,
    sharedCheckpointRecords,
    stackArgs,
    unknownString,
    unknownValues,
    urnOf,
    type TestResource,
} from "./harness";

const observedA = observation(
    "observed-a",
    permissionsProps(checkpointA, [
        { id: "cp_2", projectId: "proj_b" },
        { id: "cp_1", projectId: "proj_a" },
    ]),
);

/** The resource as validateResource sees it, and as validateStack sees it. */
function bothShapes(resource: TestResource) {
    return [resourceArgs(resource), stackArgs([resource]).resources[0]!];
}

describe("type tokens and guards", () => {
    it("are the dynamic resources' tokens and the plugin's", () => {
        expect(checkpointPermissionsType).toBe("pulumi-nodejs:dynamic/openai:CheckpointPermissions");
        expect(checkpointPermissionGrantType).toBe("pulumi-nodejs:dynamic/openai:CheckpointPermissionGrant");
        expect(pluginCheckpointPermissionsType).toBe("openai-checkpoints:index:CheckpointPermissions");
        expect(pluginCheckpointPermissionGrantType).toBe("openai-checkpoints:index:CheckpointPermissionGrant");
    });

    it("recognise the plugin's resources as the same two resources", () => {
        for (const shape of bothShapes(pluginObservation("p", permissionsProps(checkpointA, [])))) {
            expect(isCheckpointPermissions(shape)).toBe(true);
            expect(isCheckpointPermissionGrant(shape)).toBe(false);
        }
        for (const shape of bothShapes(pluginGrant("g", grantProps(checkpointA, "proj_a")))) {
            expect(isCheckpointPermissions(shape)).toBe(false);
            expect(isCheckpointPermissionGrant(shape)).toBe(true);
        }
    });

    it("tell the two resources apart in ResourceValidationArgs and PolicyResource alike", () => {
        for (const shape of bothShapes(observedA)) {
            expect(isCheckpointPermissions(shape)).toBe(true);
            expect(isCheckpointPermissionGrant(shape)).toBe(false);
        }
        for (const shape of bothShapes(grant("g", grantProps(checkpointA, "proj_a")))) {
            expect(isCheckpointPermissions(shape)).toBe(false);
            expect(isCheckpointPermissionGrant(shape)).toBe(true);
        }
        const other = { type: "pulumi-nodejs:dynamic:Resource", props: { checkpoint: checkpointA } };
        expect(isCheckpointPermissions(other) || isCheckpointPermissionGrant(other)).toBe(false);
    });
});

describe("isUnknown", () => {
    it("knows every unknown sentinel @pulumi/policy knows", () => {
        for (const sentinel of Object.values(unknownValues)) expect(isUnknown(sentinel)).toBe(true);
    });

    it("is false for ordinary values", () => {
        for (const value of ["proj_a", "", 0, undefined, null, [], {}]) expect(isUnknown(value)).toBe(false);
    });
});

describe("recordOf", () => {
    const accessesOf = (...accesses: Array<[string, string]>) => accesses.map(([projectId, permissionId]) => ({ checkpoint: checkpointA, projectId, permissionId }));

    it("returns the checkpoint, each project's access sorted by project, and the project ids", () => {
        const permissions = [
            { id: "cp_3", projectId: "proj_c" },
            { id: "cp_1", projectId: "proj_a" },
        ];
        const expected = { checkpoint: checkpointA, accesses: accessesOf(["proj_a", "cp_1"], ["proj_c", "cp_3"]), projectIds: ["proj_a", "proj_c"], managedProjectIds: [] };
        for (const shape of bothShapes(observation("o", permissionsProps(checkpointA, permissions)))) expect(recordOf(shape)).toEqual(expected);
        // The plugin's record has the same properties, without `__provider`.
        for (const shape of bothShapes(pluginObservation("p", permissionsProps(checkpointA, permissions)))) expect(recordOf(shape)).toEqual(expected);
    });

    it("gives the projects of the grants the record waits for, sorted", () => {
        const record = observation("o", permissionsProps(checkpointA, [{ id: "cp_1", projectId: "proj_a" }], ["proj_z", "proj_a"]));
        expect(recordOf(resourceArgs(record))?.managedProjectIds).toEqual(["proj_a", "proj_z"]);
    });

    it("reads a record's outputs (what validateStack is given) as its inputs: they keep the access text too", () => {
        const outputs = { ...permissionsProps(checkpointA, [{ id: "cp_1", projectId: "proj_a" }]), revoking: {} };
        for (const shape of bothShapes(observation("o", outputs))) expect(recordOf(shape)?.projectIds).toEqual(["proj_a"]);
    });

    it("accepts a checkpoint with no permissions", () => {
        const empty = observation("o", permissionsProps(checkpointA, []));
        expect(recordOf(resourceArgs(empty))).toEqual({ checkpoint: checkpointA, accesses: [], projectIds: [], managedProjectIds: [] });
    });

    it("is undefined for another resource type", () => {
        expect(recordOf(resourceArgs(grant("g", grantProps(checkpointA, "proj_a"))))).toBeUndefined();
    });

    it.each([
        ["the checkpoint", { checkpoint: unknownString }],
        ["the access", { access: unknownString }],
    ])("is undefined, without throwing, when %s is unknown behind the proxy", (_, override) => {
        const resource = observation("o", { ...permissionsProps(checkpointA, []), ...override });
        for (const shape of bothShapes(resource)) expect(recordOf(shape)).toBeUndefined();
    });

    it("is undefined when unknown values come as raw sentinel strings (no proxy)", () => {
        const raw = { ...observation("o", { ...permissionsProps(checkpointA, []), checkpoint: unknownString }), raw: true };
        expect(recordOf(resourceArgs(raw))).toBeUndefined();
    });

    it("reads the access while the grants' projects are unknown or malformed, and says they are not known", () => {
        for (const managedProjects of [unknownValues.array, ["proj_a", unknownString], { proj_a: true }]) {
            const resource = observation("o", { ...permissionsProps(checkpointA, [{ id: "cp_1", projectId: "proj_a" }]), managedProjects });
            expect(recordOf(resourceArgs(resource))).toMatchObject({ projectIds: ["proj_a"], managedProjectIds: undefined });
        }
    });

    it.each([
        ["no checkpoint", { checkpoint: undefined }],
        ["an empty checkpoint", { checkpoint: "" }],
        ["a numeric checkpoint", { checkpoint: 42 }],
        ["access an object", { access: { proj_a: "cp_1" } }],
        ["a null access", { access: null }],
        ["access text without a permission", { access: "proj_a\n" }],
        ["access text listing a project twice", { access: "proj_a cp_1\nproj_a cp_2\n" }],
    ])("is undefined for malformed props: %s", (_, override) => {
        const resource = observation("o", { ...permissionsProps(checkpointA, [{ id: "cp_1", projectId: "proj_a" }]), ...override });
        expect(recordOf(resourceArgs(resource))).toBeUndefined();
    });
});

describe("grantOf", () => {
    it("returns checkpoint and project from inputs (validateResource), without a permission id", () => {
        expect(grantOf(resourceArgs(grant("g", grantProps(checkpointA, "proj_a"))))).toEqual({
            checkpoint: checkpointA,
            projectId: "proj_a",
        });
    });

    it("adds the permission id from outputs (validateStack)", () => {
        const created = grant("g", { ...grantProps(checkpointA, "proj_a", { permissionId: "cp_9" }), adopted: false, createdAt: 1 });
        expect(grantOf(stackArgs([created]).resources[0]!)).toEqual({
            checkpoint: checkpointA,
            projectId: "proj_a",
            permissionId: "cp_9",
        });
    });

    it("leaves out a permission id that is unknown (preview of a create)", () => {
        const previewed = grant("g", { ...grantProps(checkpointA, "proj_a"), permissionId: unknownString, adopted: unknownValues.boolean });
        expect(grantOf(resourceArgs(previewed))).toEqual({ checkpoint: checkpointA, projectId: "proj_a" });
    });

    it.each([
        ["project", grantProps(checkpointA, unknownString)],
        ["checkpoint", grantProps(unknownString, "proj_a")],
    ])("is undefined, without throwing, when the %s is unknown", (_, props) => {
        for (const shape of bothShapes(grant("g", props))) expect(grantOf(shape)).toBeUndefined();
    });

    it("is undefined for malformed props and other types", () => {
        expect(grantOf(resourceArgs(grant("g", { checkpoint: checkpointA })))).toBeUndefined();
        expect(grantOf(resourceArgs(grant("g", { checkpoint: checkpointA, projectId: ["proj_a"] })))).toBeUndefined();
        expect(grantOf(resourceArgs(observedA))).toBeUndefined();
    });

    it("grantCheckpoint gives the checkpoint when only the project is unknown", () => {
        expect(grantCheckpoint(resourceArgs(grant("g", grantProps(checkpointA, unknownString))))).toBe(checkpointA);
        expect(grantCheckpoint(resourceArgs(grant("g", grantProps(unknownString, "proj_a"))))).toBeUndefined();
        expect(grantCheckpoint(resourceArgs(observedA))).toBeUndefined();
    });
});

describe("CheckpointAccess", () => {
    it("has the dynamic resource's token and the plugin's, and the guard knows both and nothing else", () => {
        expect(checkpointAccessType).toBe("pulumi-nodejs:dynamic/openai:CheckpointAccess");
        expect(pluginCheckpointAccessType).toBe("openai-checkpoints:index:CheckpointAccess");
        expect([...checkpointAccessTypes]).toEqual([checkpointAccessType, pluginCheckpointAccessType]);
        for (const resource of [checkpointAccess("a", accessProps(checkpointA, [])), pluginCheckpointAccess("p", accessProps(checkpointA, []))]) {
            for (const shape of bothShapes(resource)) {
                expect(isCheckpointAccess(shape)).toBe(true);
                expect(isCheckpointPermissions(shape) || isCheckpointPermissionGrant(shape)).toBe(false);
            }
        }
        for (const shape of bothShapes(grant("g", grantProps(checkpointA, "proj_a")))) expect(isCheckpointAccess(shape)).toBe(false);
    });

    it("declaredAccessOf gives the checkpoint and its set, sorted and unique, from inputs and outputs alike", () => {
        const resource = checkpointAccess("a", accessProps(checkpointA, ["proj_c", "proj_a", "proj_c"], { attribution: true, revokeOnDelete: false }));
        for (const shape of bothShapes(resource)) expect(declaredAccessOf(shape)).toEqual({ checkpoint: checkpointA, projectIds: ["proj_a", "proj_c"] });
        expect(declaredAccessOf(resourceArgs(checkpointAccess("a", accessProps(checkpointA, []))))).toEqual({ checkpoint: checkpointA, projectIds: [] });
        expect(accessOf(resourceArgs(resource))).toEqual([
            { checkpoint: checkpointA, projectId: "proj_a" },
            { checkpoint: checkpointA, projectId: "proj_c" },
        ]);
    });

    it.each([
        ["the set is unknown", accessProps(checkpointA, unknownValues.array)],
        ["a project is unknown", accessProps(checkpointA, ["proj_a", unknownString])],
        ["the checkpoint is unknown", accessProps(unknownString, ["proj_a"])],
        ["the set is missing", { checkpoint: checkpointA }],
        ["a project is empty", accessProps(checkpointA, [""])],
        ["the set is a string", { checkpoint: checkpointA, projectIds: "proj_a" }],
    ])("declaredAccessOf is undefined, without throwing, when %s", (_, props) => {
        for (const shape of bothShapes(checkpointAccess("a", props))) {
            expect(declaredAccessOf(shape)).toBeUndefined();
            expect(accessOf(shape)).toBeUndefined();
        }
    });

    it("accessCheckpoint gives the checkpoint while the set is unknown, and nothing for other types", () => {
        expect(accessCheckpoint(resourceArgs(checkpointAccess("a", accessProps(checkpointA, unknownValues.array))))).toBe(checkpointA);
        expect(accessCheckpoint(resourceArgs(checkpointAccess("a", accessProps(unknownString, []))))).toBeUndefined();
        expect(accessCheckpoint(resourceArgs(grant("g", grantProps(checkpointA, "proj_a"))))).toBeUndefined();
    });
});

describe("isAuditRecord", () => {
    it("is true for a record whose parent is a SharedCheckpointRecords, as validateStack gives it", () => {
        const [component, audited, own, childGrant] = stackArgs([
            sharedCheckpointRecords("acme", { auditLogging: true }),
            { ...observedA, name: "acme-a", parent: "acme" },
            observedA,
            { ...grant("g", grantProps(checkpointA, "proj_a")), parent: "acme" },
        ]).resources;
        expect([component, audited, own, childGrant].map((resource) => isAuditRecord(resource!))).toEqual([false, true, false, false]);
    });
});

describe("accessOf", () => {
    it("lists each observed permission, and the one access of a grant, from either provider", () => {
        const observed = [
            { checkpoint: checkpointA, projectId: "proj_a", permissionId: "cp_1" },
            { checkpoint: checkpointA, projectId: "proj_b", permissionId: "cp_2" },
        ];
        expect(accessOf(resourceArgs(observedA))).toEqual(observed);
        expect(accessOf(resourceArgs(pluginObservation("p", observedA.props)))).toEqual(observed);
        for (const granted of [grant("g", grantProps(checkpointB, "proj_c")), pluginGrant("g", grantProps(checkpointB, "proj_c"))]) {
            expect(accessOf(resourceArgs(granted))).toEqual([{ checkpoint: checkpointB, projectId: "proj_c" }]);
        }
        expect(accessOf({ type: "aws:s3/bucket:Bucket", props: {} })).toBeUndefined();
    });
});

describe("rules", () => {
    const a = { checkpoint: checkpointA, projectId: "proj_a", permissionId: "cp_1" };
    const b = { checkpoint: checkpointA, projectId: "proj_b", permissionId: "cp_2" };
    const bOnB = { checkpoint: checkpointB, projectId: "proj_b" };

    it("unexpectedProjects keeps the accesses of projects not allowed", () => {
        expect(unexpectedProjects([a, b], ["proj_a"])).toEqual([b]);
        expect(unexpectedProjects([a, b], [])).toEqual([a, b]);
        expect(unexpectedProjects([a, b], new Set(["proj_a", "proj_b"]))).toEqual([]);
    });

    it("forbiddenProjects keeps the accesses of forbidden projects", () => {
        expect(forbiddenProjects([a, b], ["proj_b", "proj_z"])).toEqual([b]);
        expect(forbiddenProjects([a, b], [])).toEqual([]);
    });

    it("missingProjects lists required projects without access, once each, in order", () => {
        expect(missingProjects(["proj_a"], ["proj_c", "proj_a", "proj_b", "proj_c"])).toEqual(["proj_c", "proj_b"]);
        expect(missingProjects(["proj_a", "proj_b"], ["proj_a"])).toEqual([]);
    });

    it("unmanagedPermissions keeps the accesses of projects no grant manages", () => {
        expect(unmanagedPermissions([a, b], ["proj_a"])).toEqual([b]);
        expect(unmanagedPermissions([a, b], new Set(["proj_a", "proj_b", "proj_c"]))).toEqual([]);
        expect(unmanagedPermissions([a], [])).toEqual([a]);
    });

    it("projectsWithAccess joins a record's projects and its grants' projects; accessesOfProjects describes each", () => {
        const record = recordOf(resourceArgs(observation("o", permissionsProps(checkpointA, [{ id: "cp_2", projectId: "proj_b" }], ["proj_c", "proj_b"]))))!;
        expect(projectsWithAccess(record)).toEqual(["proj_b", "proj_c"]);
        expect(accessesOfProjects(record, ["proj_b", "proj_c"])).toEqual([
            { checkpoint: checkpointA, projectId: "proj_b", permissionId: "cp_2" },
            { checkpoint: checkpointA, projectId: "proj_c" },
        ]);
        expect(projectsWithAccess({ ...record, managedProjectIds: undefined })).toEqual(["proj_b"]);
    });

    it("allowedProjectsFor prefers the checkpoint's own list, even an empty one", () => {
        const config = { allowedProjects: ["proj_a"], checkpoints: { [checkpointB]: ["proj_b"], "ft:locked": [] } };
        expect(allowedProjectsFor(checkpointA, config)).toEqual(["proj_a"]);
        expect(allowedProjectsFor(checkpointB, config)).toEqual(["proj_b"]);
        expect(allowedProjectsFor("ft:locked", config)).toEqual([]);
        expect(allowedProjectsFor(checkpointA, { allowedProjects: [], checkpoints: {} })).toBeUndefined();
        expect(allowedProjectsFor("constructor", { allowedProjects: [], checkpoints: {} })).toBeUndefined();
    });

    it("competingManagers groups the managers of each checkpoint that has a CheckpointAccess and another manager", () => {
        const access = (checkpoint: string, id: string) => ({ checkpoint, kind: "CheckpointAccess" as const, id });
        const grantOn = (checkpoint: string, id: string) => ({ checkpoint, kind: "CheckpointPermissionGrant" as const, id });
        const managers = [grantOn(checkpointA, "g1"), access(checkpointA, "a1"), grantOn(checkpointB, "g2"), grantOn(checkpointB, "g3"), access("ft:c", "a2"), access("ft:d", "a3"), access("ft:d", "a4")];
        expect(competingManagers(managers).map((group) => group.map((m) => m.id))).toEqual([["g1", "a1"], ["a3", "a4"]]);
        expect(competingManagers([])).toEqual([]);
    });

    it("describeAccess names the project and the permission id when known", () => {
        expect(describeAccess(a)).toBe("project proj_a (permission cp_1)");
        expect(describeAccess(bOnB)).toBe("project proj_b (granted by this stack)");
    });
});
