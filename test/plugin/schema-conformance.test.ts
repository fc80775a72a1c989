/**
 * The conformance check itself (test/support/schema-conformance.ts): it must fail on every kind of mismatch an SDK
 * trips over, or the plugin's tests and the engine suites that lean on it prove nothing.
 */
import { describe, expect, it } from "vitest";
import { GET_PERMISSIONS_TOKEN } from "../../provider/plugin/schema";
import { pluginCheckpointPermissionGrantType, pluginCheckpointPermissionsType } from "../../provider/resources/tokens";
import { UNKNOWN_STRING as UNKNOWN } from "../../provider/resources/unknowns";
import { assertStateConforms, conformanceErrors } from "../support/schema-conformance";

const CHECKPOINT = "ft:gpt-4o-mini-2024-07-18:acme::AbC123";
const grant = { checkpoint: CHECKPOINT, projectId: "proj_a", permissionId: "cp_a", createdAt: 1_700_000_000, adopted: false };
const record = { checkpoint: CHECKPOINT, access: "proj_a cp_a\n", managedProjects: ["proj_a"] };
const secret = (value: unknown) => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
const grantOutputs = { resource: pluginCheckpointPermissionGrantType, part: "outputs" } as const;
const recordOutputs = { resource: pluginCheckpointPermissionsType, part: "outputs" } as const;

describe("schema conformance", () => {
    it("passes what the schema declares, secret or not", () => {
        expect(conformanceErrors(grantOutputs, grant)).toEqual([]);
        expect(conformanceErrors(grantOutputs, { ...grant, projectId: secret("proj_a") })).toEqual([]);
        expect(conformanceErrors(recordOutputs, record)).toEqual([]);
    });

    it("fails a number where the schema says string, and a string where it says integer", () => {
        expect(conformanceErrors(grantOutputs, { ...grant, projectId: 42 })).toEqual([".projectId: expected string, got number 42"]);
        expect(conformanceErrors(grantOutputs, { ...grant, createdAt: "1700000000" })).toEqual(['.createdAt: expected integer, got string "1700000000"']);
        expect(conformanceErrors(grantOutputs, { ...grant, createdAt: secret(1.5) })).toEqual([".createdAt: expected integer, got number 1.5"]);
    });

    it("fails an object where the schema says a list of strings (what crashed the Python and Go SDKs)", () => {
        expect(conformanceErrors(recordOutputs, { ...record, managedProjects: { proj_a: true } })).toEqual([
            '.managedProjects: expected array, got object {"proj_a":true}',
        ]);
        expect(conformanceErrors(recordOutputs, { ...record, managedProjects: ["proj_a", 7] })).toEqual([".managedProjects[1]: expected string, got number 7"]);
    });

    it("fails a property the schema does not declare, and a required one that is missing", () => {
        expect(conformanceErrors(recordOutputs, { ...record, revoking: {} })).toEqual([".revoking: not declared by the schema (got object {})"]);
        const { access: _, ...withoutAccess } = record;
        expect(conformanceErrors(recordOutputs, withoutAccess)).toEqual([".access: required, but missing"]);
        // A failed check's answer need not carry its required inputs: the engine reports the failure instead.
        expect(conformanceErrors({ resource: pluginCheckpointPermissionGrantType, part: "inputs" }, { checkpoint: CHECKPOINT }, { failedCheck: true })).toEqual([]);
    });

    it("allows unknowns only where the engine sends them", () => {
        const preview = { ...record, access: UNKNOWN };
        expect(conformanceErrors({ resource: pluginCheckpointPermissionsType, part: "inputs" }, preview, { unknowns: true })).toEqual([]);
        expect(conformanceErrors(recordOutputs, preview)).toEqual([".access: an unknown value, where the engine sends none"]);
    });

    it("checks a function's result down to its types ($ref), and its maps", () => {
        const permission = { id: "cp_a", projectId: "proj_a", createdAt: 1 };
        const result = { id: CHECKPOINT, checkpoint: CHECKPOINT, order: "descending", permissions: [permission], projectIds: ["proj_a"], permissionsByProject: { proj_a: permission }, permissionCount: 1 };
        const fn = { function: GET_PERMISSIONS_TOKEN, part: "outputs" } as const;
        expect(conformanceErrors(fn, result)).toEqual([]);
        expect(conformanceErrors(fn, { ...result, permissions: [{ ...permission, createdAt: "yesterday" }] })).toEqual(['.permissions[0].createdAt: expected integer, got string "yesterday"']);
        expect(conformanceErrors(fn, { ...result, permissionsByProject: { proj_a: { ...permission, extra: 1 } } })).toEqual([".permissionsByProject.proj_a.extra: not declared by the schema (got number 1)"]);
    });

    it("requires a property declared secret to be secret, in an answer and in an exported state", () => {
        expect(conformanceErrors({ provider: true }, { adminKey: "sk-admin-in-clear" })).toEqual([".adminKey: declared secret, but sent in clear"]);
        const exported = (adminKey: unknown) => ({
            deployment: { resources: [{ urn: "urn:pulumi:dev::p::pulumi:providers:openai-checkpoints::partner", type: "pulumi:providers:openai-checkpoints", inputs: { adminKey, version: "0.1.0" } }] },
        });
        const plaintext = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", plaintext: JSON.stringify("sk-admin-partner") };
        expect(() => assertStateConforms(exported(plaintext))).not.toThrow();
        expect(() => assertStateConforms(exported("sk-admin-partner"))).toThrow(/::partner inputs.adminKey: declared secret, but sent in clear/);
    });

    it("names the resource in an exported state that breaks it", () => {
        const state = { deployment: { resources: [{ urn: "urn:pulumi:dev::p::openai-checkpoints:index:CheckpointPermissions::access", type: pluginCheckpointPermissionsType, inputs: record, outputs: { ...record, managedProjects: { proj_a: true } } }] } };
        expect(() => assertStateConforms(state)).toThrow(/::access outputs.managedProjects: expected array/);
    });
});
