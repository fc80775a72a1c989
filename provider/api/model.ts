/**
 * The API model: the wire shapes of OpenAI's checkpoint-permissions operations (as in
 * `checkpoint-permissions.openapi.yaml` beside this file) and the camelCase values the rest of the package uses.
 *
 * The schemas parse what the API sends; unknown extra fields are tolerated (zod strips them) so a field
 * OpenAI adds tomorrow does not break a stack today.
 */
import { z } from "zod";
import type { CheckpointPermission, Page } from "./types";

export type { CheckpointPermission, DeletedPermission, Page, PermissionOrder, PermissionPage } from "./types";

/** The list envelope every listing of the API answers with, around `item`. */
export function listWire<T extends z.ZodType>(item: T) {
    return z.object({
        object: z.literal("list"),
        data: z.array(item),
        first_id: z.string().nullish(),
        last_id: z.string().nullish(),
        has_more: z.boolean(),
    });
}

/** A list envelope as a {@link Page}, each item converted by `convert`. */
export function toPage<W, T>(wire: { data: W[]; first_id?: string | null; last_id?: string | null; has_more: boolean }, convert: (item: W) => T): Page<T> {
    return {
        data: wire.data.map(convert),
        firstId: wire.first_id ?? null,
        lastId: wire.last_id ?? null,
        hasMore: wire.has_more,
    };
}

/** `checkpoint.permission` as the API sends it. */
export const PermissionWire = z.object({
    object: z.literal("checkpoint.permission"),
    id: z.string(),
    created_at: z.number().int(),
    project_id: z.string(),
});
export type PermissionWire = z.infer<typeof PermissionWire>;

/** The list envelope returned by both `GET` and `POST …/permissions`. */
export const PermissionListWire = listWire(PermissionWire);
export type PermissionListWire = z.infer<typeof PermissionListWire>;

/** The body of `DELETE …/permissions/{permission_id}`. */
export const DeletedPermissionWire = z.object({
    object: z.literal("checkpoint.permission"),
    id: z.string(),
    deleted: z.boolean(),
});
export type DeletedPermissionWire = z.infer<typeof DeletedPermissionWire>;

/** OpenAI's error envelope: `{ error: { message, type, param, code } }`. */
export const ErrorWire = z.object({
    error: z.object({
        message: z.string(),
        type: z.string().nullish(),
        param: z.string().nullish(),
        code: z.union([z.string(), z.number()]).nullish(),
    }),
});
export type ErrorWire = z.infer<typeof ErrorWire>;

export function toPermission(wire: PermissionWire): CheckpointPermission {
    return { id: wire.id, projectId: wire.project_id, createdAt: wire.created_at };
}

