/**
 * The `/_emulator/*` control endpoints: the in-process test API over HTTP, so a test in another process
 * (or a shell with curl) can drive an emulator started with the CLI.
 *
 * They need no API key, are never subject to faults and are not written to the request log; they live
 * only under `/_emulator`, a path OpenAI does not have.
 *
 *   GET    /_emulator/state                                  the state as a seed (checkpoints, settings, projects, audit log), pending faults, request log, conditions
 *   POST   /_emulator/reset                                  body: optional seed; none = the starting seed
 *   GET    /_emulator/faults                                 pending faults
 *   POST   /_emulator/faults                                 body: a Fault or an array of Faults
 *   DELETE /_emulator/faults                                 drop all pending faults
 *   DELETE /_emulator/requests                               clear the request log
 *   GET    /_emulator/conditions                             latency, rate limit and audit-log delay in force
 *   PUT    /_emulator/conditions                             body: {"latencyMs"?, "rateLimit"?: {...} | null, "auditLogDelaySeconds"?}
 *   POST   /_emulator/checkpoints                            body: {"checkpoint", "owner_project_id"}
 *   POST   /_emulator/checkpoints/{checkpoint}/grants        body: {"project_id", "actor"?}; grant "outside Pulumi"
 *   DELETE /_emulator/checkpoints/{checkpoint}/grants/{id}   body (optional): {"actor"?}; revoke "outside Pulumi"
 *
 * `{checkpoint}` is percent-encoded as in the API paths. An `actor` is the API's `AuditLogActor` (its `type` fields
 * may be left out); without one, the change is the organization owner's, in the dashboard.
 */
import { z } from "zod";
import { InvalidConditionsError, parseConditionChanges, type ConditionChanges, type EmulatorConditions } from "./conditions";
import { ApiError, invalidUrl, methodNotAllowed, unparsableJson } from "./errors";
import { InvalidFaultError, parseFault, type Fault, type PendingFault } from "./faults";
import type { Responder } from "./http-io";
import type { ActorBody } from "./actors";
import { EmulatorSeedError, parseSeed, type EmulatorSeed } from "./seed";
import { UnknownCheckpointError, type PermissionWire } from "./store";

export const CONTROL_BASE_PATH = "/_emulator";

export function isControlPath(rawPath: string): boolean {
    return rawPath === CONTROL_BASE_PATH || rawPath.startsWith(`${CONTROL_BASE_PATH}/`);
}

/** What the control endpoints need from the running emulator. */
export interface ControlTarget {
    inject(fault: Fault): void;
    pendingFaults(): PendingFault[];
    clearFaults(): void;
    conditions(): EmulatorConditions;
    setConditions(changes: ConditionChanges): void;
    clearRequests(): void;
    reset(seed?: EmulatorSeed): void;
    snapshot(): EmulatorSeed;
    readonly requests: ReadonlyArray<unknown>;
    addCheckpoint(checkpoint: string, ownerProjectId: string): void;
    /** A request's `actor`, checked; undefined gives the default one. */
    controlActor(value: unknown): ActorBody;
    grantAs(checkpoint: string, projectId: string, actor: ActorBody): PermissionWire;
    revokeAs(checkpoint: string, permissionId: string, actor: ActorBody): boolean;
}

export interface ControlRequest {
    readonly method: string;
    readonly rawPath: string;
    readBody(): Promise<string>;
}

const AddCheckpointBody = z.strictObject({ checkpoint: z.string().min(1), owner_project_id: z.string().min(1) });
const GrantBody = z.strictObject({ project_id: z.string().min(1), actor: z.unknown().optional() });
const RevokeBody = z.strictObject({ actor: z.unknown().optional() });

function controlError(status: number, message: string, param: string | null = null): ApiError {
    return new ApiError(status, message, "invalid_request_error", param);
}

async function readJson(request: ControlRequest, allowEmpty: boolean): Promise<unknown> {
    const text = await request.readBody();
    if (text.trim() === "") {
        if (allowEmpty) return undefined;
        throw controlError(400, "A JSON body is required.");
    }
    try {
        return JSON.parse(text) as unknown;
    } catch {
        throw unparsableJson();
    }
}

function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issue = result.error.issues[0];
    const param = issue?.path.join(".") || null;
    throw controlError(400, `Invalid body: ${param ?? "(body)"}: ${issue?.message ?? "invalid"}`, param);
}

/** Runs `action`, turning the in-process API's thrown errors into 400/404 responses. */
function asControlError(action: () => unknown): unknown {
    try {
        return action();
    } catch (error) {
        if (error instanceof InvalidFaultError || error instanceof EmulatorSeedError || error instanceof InvalidConditionsError) {
            throw controlError(400, error.message);
        }
        if (error instanceof UnknownCheckpointError) throw controlError(404, error.message);
        if (error instanceof Error && !(error instanceof ApiError)) throw controlError(400, error.message);
        throw error;
    }
}

function decode(segment: string): string {
    try {
        return decodeURIComponent(segment);
    } catch {
        throw controlError(400, `Invalid percent-encoding in path segment: ${segment}`);
    }
}

/** Routes one control request and returns the response body (status 200), or throws an ApiError. */
async function route(target: ControlTarget, request: ControlRequest): Promise<unknown> {
    const { method, rawPath } = request;
    const segments = rawPath.slice(CONTROL_BASE_PATH.length + 1).split("/");
    const only = (...allowed: string[]): void => {
        if (!allowed.includes(method)) throw methodNotAllowed(method, rawPath, allowed);
    };

    const [first, checkpointSegment, grants, permissionSegment, ...rest] = segments;
    switch (first) {
        case "state":
            if (segments.length !== 1) break;
            only("GET");
            return { ...target.snapshot(), faults: target.pendingFaults(), requests: target.requests, conditions: target.conditions() };
        case "reset": {
            if (segments.length !== 1) break;
            only("POST");
            const seed = await readJson(request, true);
            asControlError(() => target.reset(seed === undefined ? undefined : parseSeed(seed, "request body")));
            return target.snapshot();
        }
        case "requests":
            if (segments.length !== 1) break;
            only("DELETE");
            target.clearRequests();
            return { requests: [] };
        case "faults":
            if (segments.length !== 1) break;
            only("GET", "POST", "DELETE");
            if (method === "POST") {
                const body = await readJson(request, false);
                const faults = Array.isArray(body) ? body : [body];
                // Validate all first, so a bad entry in a batch queues nothing.
                const parsed = faults.map((fault) => asControlError(() => parseFault(fault)) as Fault);
                for (const fault of parsed) target.inject(fault);
            } else if (method === "DELETE") {
                target.clearFaults();
            }
            return { faults: target.pendingFaults() };
        case "conditions":
            if (segments.length !== 1) break;
            only("GET", "PUT");
            if (method === "PUT") {
                const changes = await readJson(request, false);
                asControlError(() => target.setConditions(parseConditionChanges(changes)));
            }
            return { conditions: target.conditions() };
        case "checkpoints": {
            if (checkpointSegment === undefined) {
                only("POST");
                const body = parseBody(AddCheckpointBody, await readJson(request, false));
                asControlError(() => target.addCheckpoint(body.checkpoint, body.owner_project_id));
                return body;
            }
            if (grants !== "grants" || checkpointSegment === "" || rest.length > 0) break;
            const checkpoint = decode(checkpointSegment);
            if (permissionSegment === undefined) {
                only("POST");
                const body = parseBody(GrantBody, await readJson(request, false));
                return asControlError(() => target.grantAs(checkpoint, body.project_id, target.controlActor(body.actor)));
            }
            if (permissionSegment === "") break;
            only("DELETE");
            const permissionId = decode(permissionSegment);
            const body = parseBody(RevokeBody, (await readJson(request, true)) ?? {});
            const revoked = asControlError(() => target.revokeAs(checkpoint, permissionId, target.controlActor(body.actor)));
            if (!revoked) throw controlError(404, `No permission ${permissionId} on checkpoint ${checkpoint}.`);
            return { id: permissionId, revoked: true };
        }
    }
    throw invalidUrl(method, rawPath);
}

export async function handleControl(target: ControlTarget, request: ControlRequest, responder: Responder): Promise<void> {
    responder.json(200, await route(target, request));
}
