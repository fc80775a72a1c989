/** Small fetch helpers for driving an emulator over real loopback HTTP. */
import { expect } from "vitest";
import type { RunningEmulator } from "../../../provider/emulator";
import { assertSchema } from "./spec";

export const ADMIN_KEY = "sk-admin-emulator-key";
export const REQUEST_ID = /^req_[0-9a-f]{32}$/;
export const PERMISSION_ID = /^cp_[A-Za-z0-9]{24}$/;

/** Encodes a checkpoint id as clients do: `/`, `?`, `#`, `%` (and the rest) encoded, `:` left raw. */
export function encodeCheckpoint(checkpoint: string): string {
    return encodeURIComponent(checkpoint).replace(/%3A/gi, ":");
}

export function permissionsUrl(emulator: RunningEmulator, checkpoint: string, query: Record<string, string> = {}): string {
    const search = new URLSearchParams(query).toString();
    return `${emulator.baseUrl}/fine_tuning/checkpoints/${encodeCheckpoint(checkpoint)}/permissions${search ? `?${search}` : ""}`;
}

export function permissionUrl(emulator: RunningEmulator, checkpoint: string, permissionId: string): string {
    return `${emulator.baseUrl}/fine_tuning/checkpoints/${encodeCheckpoint(checkpoint)}/permissions/${encodeURIComponent(permissionId)}`;
}

export interface Reply {
    status: number;
    headers: Headers;
    text: string;
    /** The parsed body, or undefined if it is not JSON. */
    json: unknown;
}

export interface CallOptions {
    method?: string;
    /** The API key; null sends no Authorization header. Default: the admin key. */
    key?: string | null;
    /** A JSON body (serialised) or a raw string body. */
    body?: unknown;
    headers?: Record<string, string>;
}

export async function call(url: string, options: CallOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? ADMIN_KEY : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.body !== undefined) {
        body = typeof options.body === "string" ? options.body : JSON.stringify(options.body);
        headers["content-type"] = "application/json";
    }
    const response = await fetch(url, { method: options.method ?? "GET", headers, body });
    const text = await response.text();
    let json: unknown;
    try {
        json = JSON.parse(text);
    } catch {
        json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
}

/** An OpenAI error body, checked against the spec's ErrorResponse and carrying an x-request-id. */
export interface ErrorFields {
    message: string;
    type: string;
    param: string | null;
    code: string | null;
}

export function expectError(reply: Reply, status: number, fields: Partial<ErrorFields> = {}): ErrorFields {
    expect(reply.status, reply.text).toBe(status);
    expect(reply.headers.get("x-request-id")).toMatch(REQUEST_ID);
    assertSchema("ErrorResponse", reply.json);
    const error = (reply.json as { error: ErrorFields }).error;
    expect(error).toMatchObject(fields);
    return error;
}

export interface ListBody {
    object: "list";
    data: Array<{ object: string; id: string; created_at: number; project_id: string }>;
    first_id: string | null;
    last_id: string | null;
    has_more: boolean;
}

/** A 200 list envelope, checked against the spec. */
export function expectList(reply: Reply): ListBody {
    expect(reply.status, reply.text).toBe(200);
    expect(reply.headers.get("x-request-id")).toMatch(REQUEST_ID);
    assertSchema("ListFineTuningCheckpointPermissionResponse", reply.json);
    return reply.json as ListBody;
}

export async function list(emulator: RunningEmulator, checkpoint: string, query: Record<string, string> = {}): Promise<ListBody> {
    return expectList(await call(permissionsUrl(emulator, checkpoint, query)));
}

/** The URL of one of the organization admin listings, with a query whose list values are sent once each. */
export function adminUrl(emulator: RunningEmulator, listing: "audit_logs" | "projects", query: Record<string, string | string[]> = {}): string {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) for (const one of Array.isArray(value) ? value : [value]) search.append(name, one);
    const text = search.toString();
    return `${emulator.baseUrl}/organization/${listing}${text ? `?${text}` : ""}`;
}

export interface AuditLogBody {
    object: "list";
    data: Array<{ id: string; type: string; effective_at: number; project?: { id: string; name?: string }; actor?: Record<string, unknown> | null; [details: string]: unknown }>;
    first_id: string | null;
    last_id: string | null;
    has_more: boolean;
}

/** A 200 page of the audit log, checked against the spec. */
export function expectAuditLog(reply: Reply): AuditLogBody {
    expect(reply.status, reply.text).toBe(200);
    expect(reply.headers.get("x-request-id")).toMatch(REQUEST_ID);
    assertSchema("ListAuditLogsResponse", reply.json);
    return reply.json as AuditLogBody;
}

/** A page of the emulator's audit log, checked against the spec. */
export async function auditLogs(emulator: RunningEmulator, query: Record<string, string | string[]> = {}): Promise<AuditLogBody> {
    return expectAuditLog(await call(adminUrl(emulator, "audit_logs", query)));
}
