/**
 * A small organization on a hostile server, for reads that page the audit log and list checkpoints at once
 * (getSharedCheckpoints): the test says what each page of the log names and how each checkpoint's listing is
 * answered, and may hold any answer until an event of its own (a gate), so the order of the steps is set by
 * events, never by a delay. Everything goes over real loopback HTTP.
 */
import type { ServerResponse } from "node:http";
import { pageWire, permissionWire, sendJson, type HostileHandler } from "./hostile-server";

/** A request the organization answered, in the order answered. */
export type OrganizationRequest = { readonly kind: "audit-log"; readonly page: number } | { readonly kind: "listing"; readonly checkpoint: string };

/** An error answer: status and message. */
export interface Refusal {
    readonly status: number;
    readonly message: string;
}

export interface OrganizationScript {
    /** The checkpoints the log's page `page` (from 0) names, one created event each, and whether more pages follow; or a refusal. */
    page(page: number): { readonly checkpoints: readonly string[]; readonly hasMore: boolean } | Refusal;
    /** A checkpoint's permissions (default: one, for `proj_x`), or a refusal. */
    permissions?(checkpoint: string): ReadonlyArray<Record<string, unknown>> | Refusal;
    /** Resolves when the request may be answered; undefined answers at once. */
    hold?(request: OrganizationRequest): Promise<void> | undefined;
}

export interface Organization {
    readonly handler: HostileHandler;
    /** Every request answered so far, in the order answered. */
    readonly answered: ReadonlyArray<OrganizationRequest>;
}

const LISTING = /^\/v1\/fine_tuning\/checkpoints\/([^/]+)\/permissions$/;

export function organization(script: OrganizationScript): Organization {
    const answered: OrganizationRequest[] = [];
    const handler: HostileHandler = (req, res) => {
        const url = new URL(req.url ?? "", "http://organization");
        const listing = LISTING.exec(url.pathname);
        const request: OrganizationRequest | undefined =
            url.pathname === "/v1/organization/audit_logs"
                ? { kind: "audit-log", page: pageAfter(url.searchParams.get("after")) }
                : listing
                  ? { kind: "listing", checkpoint: decodeURIComponent(listing[1]!) }
                  : undefined;
        if (request === undefined) return refuse(res, { status: 404, message: `no route ${url.pathname}` });
        void (async () => {
            await script.hold?.(request);
            answered.push(request);
            answer(res, request, script);
        })();
    };
    return { handler, answered };
}

function answer(res: ServerResponse, request: OrganizationRequest, script: OrganizationScript): void {
    if (request.kind === "audit-log") {
        const page = request.page < 0 ? { status: 400, message: "not a cursor of this server" } : script.page(request.page);
        if ("status" in page) return refuse(res, page);
        // Event ids `evt_<page>_<n>`, so a cursor tells which page comes next.
        return sendJson(res, 200, pageWire(page.checkpoints.map((checkpoint, n) => createdEvent(`evt_${request.page}_${n}`, checkpoint)), page.hasMore));
    }
    const permissions = script.permissions?.(request.checkpoint) ?? [permissionWire("cp_x", "proj_x")];
    if ("status" in permissions) return refuse(res, permissions);
    sendJson(res, 200, pageWire([...permissions], false));
}

function refuse(res: ServerResponse, { status, message }: Refusal): void {
    sendJson(res, status, JSON.stringify({ error: { message, type: "invalid_request_error", code: null } }));
}

/** The page after the cursor `after`, from 0; -1 for a cursor this server never made. */
function pageAfter(after: string | null): number {
    if (after === null) return 0;
    const page = /^evt_(\d+)_\d+$/.exec(after);
    return page ? Number(page[1]) + 1 : -1;
}

/** A `checkpoint.permission.created` event naming `checkpoint`. */
export function createdEvent(id: string, checkpoint: string): Record<string, unknown> {
    return {
        id,
        type: "checkpoint.permission.created",
        effective_at: 1_700_000_000,
        "checkpoint.permission.created": { id: `cp_${id}`, data: { project_id: "proj_x", fine_tuned_model_checkpoint: checkpoint } },
    };
}

/** A gate a test opens: `opened` resolves once `open()` is called. */
export function gate(): { readonly opened: Promise<void>; open(): void } {
    let open: () => void = () => undefined;
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { opened, open };
}
