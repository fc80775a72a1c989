/**
 * Values as the plugin receives them from @pulumi/pulumi/provider: the engine's property values turned into plain
 * JavaScript, where a secret is still wrapped in the wire format's signature object (the plugin says it accepts
 * secrets, so the engine sends them as such) and a value not known yet is a sentinel string (./unknowns).
 */

/** The signature key and value that mark a wrapped secret in Pulumi's property wire format. */
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

interface WrappedSecret {
    [SIGNATURE_KEY]: typeof SECRET_SIGNATURE;
    value: unknown;
}

function isWrappedSecret(value: unknown): value is WrappedSecret {
    return typeof value === "object" && value !== null && (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE;
}

/** A property bag with every secret unwrapped (deeply), and the names of the top-level properties that were secret. */
export interface Unwrapped {
    readonly values: Record<string, unknown>;
    readonly secretKeys: ReadonlySet<string>;
}

export function unwrapSecrets(bag: unknown): Unwrapped {
    const values: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    if (typeof bag !== "object" || bag === null) return { values, secretKeys };
    for (const [key, value] of Object.entries(bag)) {
        if (containsSecret(value)) secretKeys.add(key);
        values[key] = plain(value);
    }
    return { values, secretKeys };
}

/** Marks the named properties secret again, so what came in secret goes back to the engine secret. */
export function wrapSecrets(bag: object, secretKeys: ReadonlySet<string>): Record<string, unknown> {
    const out: Record<string, unknown> = Object.fromEntries(Object.entries(bag));
    for (const key of secretKeys) {
        if (key in out) out[key] = { [SIGNATURE_KEY]: SECRET_SIGNATURE, value: out[key] };
    }
    return out;
}

function containsSecret(value: unknown): boolean {
    if (isWrappedSecret(value)) return true;
    if (Array.isArray(value)) return value.some(containsSecret);
    if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
    return false;
}

function plain(value: unknown): unknown {
    if (isWrappedSecret(value)) return plain(value.value);
    if (Array.isArray(value)) return value.map(plain);
    if (typeof value === "object" && value !== null) {
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
    }
    return value;
}

/** The resource type of a URN (`urn:pulumi:<stack>::<project>::<parent types$>type::<name>`). */
export function urnType(urn: string): string {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.slice(qualified.lastIndexOf("$") + 1);
}
