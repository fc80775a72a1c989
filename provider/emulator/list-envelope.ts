/** The list envelope every listing answers with: `{object: "list", data, first_id, last_id, has_more}`. */
export interface ListEnvelope<T> {
    object: "list";
    data: T[];
    first_id: string | null;
    last_id: string | null;
    has_more: boolean;
}

export function listEnvelope<T extends { id: string }>(data: T[], hasMore: boolean): ListEnvelope<T> {
    return { object: "list", data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: hasMore };
}
