/**
 * The pack as the engine runs it, without the engine: @pulumi/pulumi's own policy-pack runner starts
 * `policy-pack/` from its folder (ts-node, type-checked, modules from the repository's node_modules), and the test
 * speaks the analyzer gRPC protocol to it, as the CLI would. This checks what the unit tests cannot: that the pack
 * loads with no install of its own, what it declares, that config reaches the policies, and that unknown values
 * arriving over the wire (sentinel strings, read through @pulumi/policy's proxy) report nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkpointAccessType, checkpointPermissionGrantType, checkpointPermissionsType, sharedCheckpointRecordsType } from "../../provider/policy";
import { accessProps, checkpointA, grantProps, permissionsProps, unknownString, urnOf } from "./harness";

const repoRoot = join(__dirname, "../..");
let pack: ChildProcess | undefined;
let client: AnalyzerClient;

/** Starts the pack and resolves with the port it prints, as the engine reads it. */
function startPack(): Promise<number> {
    return new Promise((resolve, reject) => {
        const runner = join(repoRoot, "node_modules/@pulumi/pulumi/cmd/run-policy-pack/index.js");
        // The runner drops its first argument (the engine's address): the pack only serves.
        pack = spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
            cwd: join(repoRoot, "policy-pack"),
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        pack.stdout!.on("data", (chunk: Buffer) => {
            stdout += chunk.toString();
            const port = /^(\d+)\s*$/m.exec(stdout);
            if (port) resolve(Number(port[1]));
        });
        pack.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        pack.on("exit", (code) => reject(new Error(`policy pack exited (${code}) before serving:\n${stdout}\n${stderr}`)));
    });
}

/** Resolves a unary call's response; rejects with its error. */
function unary<Response>(start: (done: (error: grpc.ServiceError | null, response: Response) => void) => unknown): Promise<Response> {
    return new Promise((resolve, reject) => start((error, response) => (error ? reject(error) : resolve(response))));
}

function options(): analyzer.AnalyzerResourceOptions {
    return new analyzer.AnalyzerResourceOptions().setCustomtimeouts(new analyzer.AnalyzerResourceOptions.CustomTimeouts());
}

function analyzeRequest(type: string, name: string, props: Record<string, unknown>): analyzer.AnalyzeRequest {
    return new analyzer.AnalyzeRequest()
        .setType(type)
        .setName(name)
        .setUrn(urnOf(name, type))
        .setProperties(Struct.fromJavaScript(props as never))
        .setOptions(options());
}

/** A resource of the stack as `analyzeStack` is given it; `parent` names another of the request's resources. */
function stackResource(type: string, name: string, props: Record<string, unknown>, parent?: string): analyzer.AnalyzerResource {
    const resource = new analyzer.AnalyzerResource()
        .setType(type)
        .setName(name)
        .setUrn(urnOf(name, type))
        .setProperties(Struct.fromJavaScript(props as never))
        .setOptions(options());
    return parent === undefined ? resource : resource.setParent(parent);
}

function analyzeStack(resources: analyzer.AnalyzerResource[]): Promise<analyzer.AnalyzeResponse> {
    const request = new analyzer.AnalyzeStackRequest().setResourcesList(resources);
    return unary<analyzer.AnalyzeResponse>((done) => client.analyzeStack(request, done));
}

interface Diagnostic {
    policyName: string;
    message: string;
    enforcementLevel: number;
}

const diagnosticsOf = (response: analyzer.AnalyzeResponse): Diagnostic[] =>
    response.getDiagnosticsList().map((d) => ({
        policyName: d.getPolicyname(),
        message: d.getMessage(),
        enforcementLevel: d.getEnforcementlevel(),
    }));

async function configure(config: Record<string, { enforcementLevel: number; properties: Record<string, unknown> }>) {
    const request = new analyzer.ConfigureAnalyzerRequest();
    for (const [name, { enforcementLevel, properties }] of Object.entries(config)) {
        request
            .getPolicyconfigMap()
            .set(
                name,
                new analyzer.PolicyConfig()
                    .setEnforcementlevel(enforcementLevel)
                    .setProperties(Struct.fromJavaScript(properties as never)),
            );
    }
    await unary((done) => client.configure(request, done));
}

const { ADVISORY, MANDATORY } = analyzer.EnforcementLevel;

describe("the policy pack, served as the engine runs it", () => {
    beforeAll(async () => {
        const port = await startPack();
        client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    }, 180_000);

    afterAll(() => {
        client?.close();
        pack?.kill();
    });

    it("declares its nine policies, their enforcement levels and config schemas", async () => {
        const info = await unary<analyzer.AnalyzerInfo>((done) => client.getAnalyzerInfo(new Empty(), done));
        expect(info.getName()).toBe("openai-checkpoint-permissions");
        const policies = info.getPoliciesList().map((p) => ({
            name: p.getName(),
            enforcementLevel: p.getEnforcementlevel(),
            config: Object.keys(p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}),
        }));
        expect(policies).toEqual([
            { name: "checkpoint-single-manager", enforcementLevel: MANDATORY, config: [] },
            { name: "checkpoint-allowed-projects", enforcementLevel: MANDATORY, config: ["allowedProjects", "checkpoints"] },
            { name: "checkpoint-forbidden-projects", enforcementLevel: MANDATORY, config: ["forbiddenProjects"] },
            { name: "checkpoint-max-projects", enforcementLevel: ADVISORY, config: ["maxProjects"] },
            { name: "checkpoint-required-projects", enforcementLevel: ADVISORY, config: ["requiredProjects"] },
            { name: "checkpoint-no-unmanaged-access", enforcementLevel: ADVISORY, config: [] },
            { name: "checkpoint-allowed-grantors", enforcementLevel: MANDATORY, config: ["allowUnknown", "allowedGrantors"] },
            { name: "checkpoint-audit-logging", enforcementLevel: MANDATORY, config: [] },
            { name: "checkpoint-max-revocations", enforcementLevel: MANDATORY, config: ["maxRevocations"] },
        ]);
    });

    it("stops a grant to a forbidden project, with the configured project list", async () => {
        await configure({ "checkpoint-forbidden-projects": { enforcementLevel: MANDATORY, properties: { forbiddenProjects: ["proj_x"] } } });
        const request = analyzeRequest(checkpointPermissionGrantType, "to-x", grantProps(checkpointA, "proj_x"));
        const response = await unary<analyzer.AnalyzeResponse>((done) => client.analyze(request, done));
        expect(diagnosticsOf(response)).toEqual([
            {
                policyName: "checkpoint-forbidden-projects",
                message: expect.stringContaining(`Checkpoint ${checkpointA}: project proj_x (granted by this stack) is a forbidden project.`),
                enforcementLevel: MANDATORY,
            },
        ]);
    });

    it("reports nothing, not even a 'can't run during preview' warning, for a grant whose project is unknown", async () => {
        await configure({ "checkpoint-forbidden-projects": { enforcementLevel: MANDATORY, properties: { forbiddenProjects: ["proj_x"] } } });
        const request = analyzeRequest(checkpointPermissionGrantType, "to-unknown", grantProps(checkpointA, unknownString));
        const response = await unary<analyzer.AnalyzeResponse>((done) => client.analyze(request, done));
        expect(diagnosticsOf(response)).toEqual([]);
        expect(response.getNotApplicableList().map((n) => n.getPolicyName())).toContain("checkpoint-forbidden-projects");
    });

    it("warns about access granted outside Pulumi at the configured level, on the record", async () => {
        await configure({ "checkpoint-no-unmanaged-access": { enforcementLevel: ADVISORY, properties: {} } });
        const permissions = [
            { id: "cp_1", projectId: "proj_a" },
            { id: "cp_2", projectId: "proj_b" },
        ];
        const response = await analyzeStack([
            stackResource(checkpointPermissionsType, "observed", permissionsProps(checkpointA, permissions, ["proj_a"])),
            stackResource(checkpointPermissionGrantType, "to-a", grantProps(checkpointA, "proj_a", { permissionId: "cp_1" })),
        ]);
        expect(diagnosticsOf(response)).toEqual([
            {
                policyName: "checkpoint-no-unmanaged-access",
                message: expect.stringContaining("project proj_b (permission cp_2) has access that no CheckpointPermissionGrant"),
                enforcementLevel: ADVISORY,
            },
        ]);
    });

    it("says nothing of an audit's records (their parent is a SharedCheckpointRecords), as the engine gives the parent by URN", async () => {
        await configure({ "checkpoint-no-unmanaged-access": { enforcementLevel: ADVISORY, properties: {} } });
        const component = stackResource(sharedCheckpointRecordsType, "acme", { auditLogging: true });
        const record = stackResource(checkpointPermissionsType, "acme-record", permissionsProps(checkpointA, [{ id: "cp_1", projectId: "proj_a" }]), component.getUrn());
        const response = await analyzeStack([component, record]);
        expect(diagnosticsOf(response)).toEqual([]);
    });

    it("fails a checkpoint with a CheckpointAccess and a grant, on the CheckpointAccess", async () => {
        await configure({ "checkpoint-single-manager": { enforcementLevel: MANDATORY, properties: {} } });
        const response = await analyzeStack([
            stackResource(checkpointAccessType, "access", accessProps(checkpointA, ["proj_a"])),
            stackResource(checkpointPermissionGrantType, "grant", grantProps(checkpointA, "proj_b")),
        ]);
        expect(diagnosticsOf(response)).toEqual([
            {
                policyName: "checkpoint-single-manager",
                message: expect.stringContaining(`Checkpoint ${checkpointA} has more than one manager in the stack: CheckpointAccess access (`),
                enforcementLevel: MANDATORY,
            },
        ]);
    });
});
