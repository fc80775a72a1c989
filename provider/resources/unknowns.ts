/**
 * Values the engine does not know yet (during a preview) travel as sentinel strings, one per kind of value.
 * They are part of Pulumi's resource-monitor wire protocol, so they do not change; copied here so the provider
 * process and policies need not load the SDK's runtime (test/policy checks them against @pulumi/policy's own).
 */
const unknownSentinels: ReadonlySet<string> = new Set([
    "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
    "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
    "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string
    "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
    "030794c1-ac77-496b-92df-f27374a8bd58", // asset
    "e48ece36-62e2-4504-bad9-02848725956a", // archive
    "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** True for a value the engine does not know yet (preview): one of its unknown sentinels. */
export function isUnknown(value: unknown): boolean {
    return typeof value === "string" && unknownSentinels.has(value);
}

/** The sentinel for a string, which is how an unknown id or name reaches a dynamic provider's `check`. */
export const UNKNOWN_STRING = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A list whose every item is known (during preview the engine may send the list, or an item of it, as unknown). */
export function isKnownList(value: unknown): value is string[] {
    return Array.isArray(value) && !value.some(isUnknown);
}

/** The same ids in the same order (both sorted, as checked); a list not known yet is never the same. */
export function sameList(old: unknown, next: unknown): boolean {
    if (!isKnownList(old) || !isKnownList(next)) return false;
    return old.length === next.length && old.every((id, i) => id === next[i]);
}
