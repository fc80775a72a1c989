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

/**
 * A property bag with every secret unwrapped (deeply), the names of the top-level properties that were secret, and
 * the text of every secret (each string inside one), which no message may repeat.
 */
export interface Unwrapped {
    readonly values: Record<string, unknown>;
    readonly secretKeys: ReadonlySet<string>;
    readonly secretTexts: readonly string[];
}

export function unwrapSecrets(bag: unknown): Unwrapped {
    const values: Record<string, unknown> = {};
    const secretKeys = new Set<string>();
    const secretTexts: string[] = [];
    if (typeof bag !== "object" || bag === null) return { values, secretKeys, secretTexts };
    for (const [key, value] of Object.entries(bag)) {
        if (containsSecret(value)) secretKeys.add(key);
        collectSecretTexts(value, false, secretTexts);
        values[key] = plain(value);
    }
    return { values, secretKeys, secretTexts };
}

/**
 * The bag as the engine takes it: the named properties marked secret again, so what came in secret goes back
 * secret, and absent values left out (the wire format has no `undefined`: a key holding one fails to serialize).
 */
export function wrapSecrets(bag: object, secretKeys: ReadonlySet<string>): Record<string, unknown> {
    const out: Record<string, unknown> = Object.fromEntries(Object.entries(bag).filter(([, value]) => value !== undefined));
    for (const key of secretKeys) {
        if (key in out) out[key] = { [SIGNATURE_KEY]: SECRET_SIGNATURE, value: out[key] };
    }
    return out;
}

/** The mark that stands for a secret in a message. */
export const SECRET_MARK = "[secret]";

/** `text` with every secret of `secretTexts` replaced by {@link SECRET_MARK}, as written and as a JSON string writes it. */
export function redactSecrets(text: string, secretTexts: readonly string[]): string {
    let out = text;
    // The longest first: a secret that holds another is replaced whole.
    for (const secret of [...secretTexts].sort((a, b) => b.length - a.length)) {
        for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) out = out.split(form).join(SECRET_MARK);
    }
    return out;
}

function collectSecretTexts(value: unknown, inSecret: boolean, into: string[]): void {
    if (isWrappedSecret(value)) return collectSecretTexts(value.value, true, into);
    if (typeof value === "string" && inSecret && value !== "") into.push(value);
    else if (Array.isArray(value)) for (const item of value) collectSecretTexts(item, inSecret, into);
    else if (typeof value === "object" && value !== null) for (const item of Object.values(value)) collectSecretTexts(item, inSecret, into);
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

/** Whether a URN's resource has a parent of type `parentType` (the URN's qualified type names its parents, `$`-joined). */
export function isChildOf(urn: string, parentType: string): boolean {
    const qualified = urn.split("::")[2] ?? "";
    return qualified.split("$").slice(0, -1).includes(parentType);
}
