import { describe, expect, it } from "vitest";
import {
    accessOf,
    allowedProjectsFor,
    checkpointPermissionGrantType,
    checkpointPermissionsType,
    checkpointsInStack,
    describeAccess,
    forbiddenProjects,
    grantCheckpoint,
    grantOf,
    isCheckpointPermissionGrant,
    isCheckpointPermissions,
    isUnknown,
    missingProjects,
    pluginCheckpointPermissionGrantType,
    pluginCheckpointPermissionsType,
    observedPermissions,
    projectsWithAccess,
    unexpectedProjects,
    unmanagedPermissions,
} from "../../provider/policy";
import {
    checkpointA,
    checkpointB,
    grant,
    grantProps,
    keyedPermissionsProps,
    legacyPermissionsProps,
    observation,
    permissionsProps,
    pluginGrant,
    pluginObservation,
    resourceArgs,
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

describe("observedPermissions", () => {
    it("returns the checkpoint, its permissions sorted by project, and the project ids, from the keyed record", () => {
        const record = observation(
            "o",
            permissionsProps(checkpointA, [
                { id: "cp_3", projectId: "proj_c" },
                { id: "cp_1", projectId: "proj_a" },
            ]),
        );
        const expected = {
            checkpoint: checkpointA,
            permissions: [
                { id: "cp_1", projectId: "proj_a" },
                { id: "cp_3", projectId: "proj_c" },
            ],
            projectIds: ["proj_a", "proj_c"],
        };
        for (const shape of bothShapes(record)) expect(observedPermissions(shape)).toEqual(expected);
        // The plugin's record has the same properties, without `kind` and `__provider`.
        const plugin = pluginObservation("p", permissionsProps(checkpointA, [{ id: "cp_3", projectId: "proj_c" }, { id: "cp_1", projectId: "proj_a" }]));
        for (const shape of bothShapes(plugin)) expect(observedPermissions(shape)).toEqual(expected);
        // A record not updated since its access became text: an object keyed by project.
        const keyed = observation("k", keyedPermissionsProps(checkpointA, [{ id: "cp_3", projectId: "proj_c" }, { id: "cp_1", projectId: "proj_a" }]));
        for (const shape of bothShapes(keyed)) expect(observedPermissions(shape)).toEqual(expected);
    });

    it("reads a record stored before it was keyed by project, several permissions of one project included", () => {
        const twice = observation(
            "o",
            legacyPermissionsProps(checkpointA, [
                { id: "cp_3", projectId: "proj_c" },
                { id: "cp_1", projectId: "proj_a" },
                { id: "cp_2", projectId: "proj_a" },
            ]),
        );
        for (const shape of bothShapes(twice)) {
            expect(observedPermissions(shape)).toEqual({
                checkpoint: checkpointA,
                permissions: [
                    { id: "cp_1", projectId: "proj_a", createdAt: 1_700_000_000 },
                    { id: "cp_2", projectId: "proj_a", createdAt: 1_700_000_000 },
                    { id: "cp_3", projectId: "proj_c", createdAt: 1_700_000_000 },
                ],
                projectIds: ["proj_a", "proj_c"],
            });
        }
    });

    it("accepts a checkpoint with no permissions", () => {
        const empty = observation("o", permissionsProps(checkpointA, []));
        expect(observedPermissions(resourceArgs(empty))).toEqual({ checkpoint: checkpointA, permissions: [], projectIds: [] });
    });

    it("is undefined for another resource type", () => {
        expect(observedPermissions(resourceArgs(grant("g", grantProps(checkpointA, "proj_a"))))).toBeUndefined();
    });

    it.each([
        ["the checkpoint", { checkpoint: unknownString }],
        ["the access", { access: unknownString }],
        ["the access (an object before it was text)", { access: unknownValues.object }],
        ["one permission id", { access: { proj_a: unknownString } }],
    ])("is undefined, without throwing, when %s is unknown behind the proxy", (_, override) => {
        const resource = observation("o", { ...permissionsProps(checkpointA, []), ...override });
        for (const shape of bothShapes(resource)) expect(observedPermissions(shape)).toBeUndefined();
    });

    it("is undefined when unknown values come as raw sentinel strings (no proxy)", () => {
        const raw = { ...observation("o", { ...permissionsProps(checkpointA, []), checkpoint: unknownString }), raw: true };
        expect(observedPermissions(resourceArgs(raw))).toBeUndefined();
    });

    it("is undefined, not an older record, when the access is unknown and the old properties absent", () => {
        const resource = observation("o", { ...permissionsProps(checkpointA, []), access: unknownValues.object });
        for (const shape of bothShapes(resource)) expect(observedPermissions(shape)).toBeUndefined();
    });

    it("is undefined, without throwing, when an older record's permissions are unknown", () => {
        for (const permissions of [unknownValues.array, [unknownValues.object], [{ id: "cp_1", projectId: unknownString }]]) {
            const resource = observation("o", { ...legacyPermissionsProps(checkpointA, []), permissions });
            for (const shape of bothShapes(resource)) expect(observedPermissions(shape)).toBeUndefined();
        }
    });

    it("ignores an unknown value in a property it does not need", () => {
        const resource = observation("o", { ...permissionsProps(checkpointA, []), managedProjects: unknownValues.object });
        expect(observedPermissions(resourceArgs(resource))?.checkpoint).toBe(checkpointA);
    });

    it.each([
        ["no checkpoint", { checkpoint: undefined }],
        ["an empty checkpoint", { checkpoint: "" }],
        ["a numeric checkpoint", { checkpoint: 42 }],
        ["access a list", { access: [{ id: "cp_1", projectId: "proj_a" }] }],
        ["a numeric permission id", { access: { proj_a: 1 } }],
        ["an empty permission id", { access: { proj_a: "" } }],
        ["a null access", { access: null }],
        ["access text without a permission", { access: "proj_a\n" }],
        ["access text listing a project twice", { access: "proj_a cp_1\nproj_a cp_2\n" }],
    ])("is undefined for malformed props: %s", (_, override) => {
        const resource = observation("o", { ...permissionsProps(checkpointA, [{ id: "cp_1", projectId: "proj_a" }]), ...override });
        expect(observedPermissions(resourceArgs(resource))).toBeUndefined();
    });

    it.each([
        ["permissions not a list", { permissions: { id: "cp_1", projectId: "proj_a" } }],
        ["a permission without project", { permissions: [{ id: "cp_1" }] }],
        ["a permission with a numeric id", { permissions: [{ id: 1, projectId: "proj_a" }] }],
        ["a null permission", { permissions: [null] }],
    ])("is undefined for a malformed older record: %s", (_, override) => {
        const resource = observation("o", { ...legacyPermissionsProps(checkpointA, [{ id: "cp_1", projectId: "proj_a" }]), ...override });
        expect(observedPermissions(resourceArgs(resource))).toBeUndefined();
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

    it("unmanagedPermissions matches on checkpoint and project, not on project alone", () => {
        expect(unmanagedPermissions([a, b], [{ checkpoint: checkpointA, projectId: "proj_a" }])).toEqual([b]);
        expect(unmanagedPermissions([a, b], [bOnB])).toEqual([a, b]);
        expect(unmanagedPermissions([a], [])).toEqual([a]);
    });

    it("allowedProjectsFor prefers the checkpoint's own list, even an empty one", () => {
        const config = { allowedProjects: ["proj_a"], checkpoints: { [checkpointB]: ["proj_b"], "ft:locked": [] } };
        expect(allowedProjectsFor(checkpointA, config)).toEqual(["proj_a"]);
        expect(allowedProjectsFor(checkpointB, config)).toEqual(["proj_b"]);
        expect(allowedProjectsFor("ft:locked", config)).toEqual([]);
        expect(allowedProjectsFor(checkpointA, { allowedProjects: [], checkpoints: {} })).toBeUndefined();
        expect(allowedProjectsFor("constructor", { allowedProjects: [], checkpoints: {} })).toBeUndefined();
    });

    it("describeAccess names the project and the permission id when known", () => {
        expect(describeAccess(a)).toBe("project proj_a (permission cp_1)");
        expect(describeAccess(bOnB)).toBe("project proj_b (granted by this stack)");
    });
});

describe("checkpointsInStack", () => {
    it("groups observed permissions and grants by checkpoint, counting a permission seen twice once", () => {
        const checkpoints = checkpointsInStack(
            stackArgs([
                grant("g-a", grantProps(checkpointA, "proj_c")),
                observedA,
                observation("observed-a-again", permissionsProps(checkpointA, [{ id: "cp_1", projectId: "proj_a" }])),
                grant("g-b", grantProps(checkpointB, "proj_a", { permissionId: "cp_7" })),
                { type: "random:index/randomId:RandomId", name: "noise", props: { hex: "ab" } },
            ]).resources,
        );
        expect(checkpoints).toHaveLength(2);
        const [onA, onB] = checkpoints;
        expect(onA).toMatchObject({ checkpoint: checkpointA, isObserved: true, hasUnknownGrants: false });
        expect(onA!.observed.map((access) => access.permissionId)).toEqual(["cp_1", "cp_2"]);
        expect(onA!.grants).toEqual([{ checkpoint: checkpointA, projectId: "proj_c", urn: urnOf("g-a", checkpointPermissionGrantType) }]);
        // A violation about the checkpoint points at what observed it, not at the first grant.
        expect(onA!.urn).toBe(urnOf("observed-a", checkpointPermissionsType));
        expect(projectsWithAccess(onA!)).toEqual(["proj_a", "proj_b", "proj_c"]);
        expect(onB).toMatchObject({ checkpoint: checkpointB, isObserved: false, urn: urnOf("g-b", checkpointPermissionGrantType) });
    });

    it("marks the checkpoint of a grant whose project is unknown", () => {
        const [onA, onB] = checkpointsInStack(
            stackArgs([observedA, grant("g-b", grantProps(checkpointB, "proj_a")), grant("g", grantProps(checkpointA, unknownString))])
                .resources,
        );
        expect(onA).toMatchObject({ checkpoint: checkpointA, hasUnknownGrants: true });
        expect(onA!.grants).toEqual([]);
        expect(onB).toMatchObject({ checkpoint: checkpointB, hasUnknownGrants: false });
    });

    it("marks every checkpoint when a grant's checkpoint is unknown", () => {
        const checkpoints = checkpointsInStack(
            stackArgs([observedA, grant("g-b", grantProps(checkpointB, "proj_a")), grant("g", grantProps(unknownString, "proj_a"))])
                .resources,
        );
        expect(checkpoints.map((c) => c.hasUnknownGrants)).toEqual([true, true]);
    });

    it("groups the plugin's resources with the dynamic ones on the same checkpoint", () => {
        const [onA] = checkpointsInStack(
            stackArgs([
                pluginObservation("plugin-a", permissionsProps(checkpointA, [{ id: "cp_5", projectId: "proj_e" }])),
                pluginGrant("plugin-g", grantProps(checkpointA, "proj_e", { permissionId: "cp_5" })),
                grant("g-a", grantProps(checkpointA, "proj_c")),
            ]).resources,
        );
        expect(onA!.observed.map((access) => access.projectId)).toEqual(["proj_e"]);
        expect(onA!.grants.map((g) => g.projectId)).toEqual(["proj_e", "proj_c"]);
        expect(onA!.urn).toBe(urnOf("plugin-a", pluginCheckpointPermissionsType));
    });

    it("skips an observation whose values are unknown", () => {
        const unknownObservation = observation("o", { ...permissionsProps(checkpointA, []), access: unknownValues.object });
        expect(checkpointsInStack(stackArgs([unknownObservation]).resources)).toEqual([]);
    });
});
