/**
 * Keeps OpenAI keys out of every message, log line and thrown object this package produces.
 *
 * OpenAI itself echoes a masked key in some errors ("Incorrect API key provided: sk-adm****abcd"), and a
 * caller may paste a key into an argument by mistake; anything shaped like a key is replaced, as is the
 * exact key the client was configured with (which may not look like one).
 */

/** `sk-` keys of every kind (`sk-admin-…`, `sk-proj-…`, `sk-svcacct-…`, legacy `sk-…`), masked or not. */
const KEY_SHAPED = /\bsk-[A-Za-z0-9_*.\-]{3,}/g;
/**
 * A key's kind alone (`sk-admin-` in the placeholder `sk-admin-…`) holds no secret: documented fixes such as
 * `pulumi config set --secret openai:adminKey <sk-admin-…>` must reach the user intact.
 */
const KIND_PREFIX = /^sk-(?:[a-z]+-)?$/;
/** A bearer credential in a header dump. */
const BEARER = /\b(Bearer\s+)[^\s"',]+/gi;

export const REDACTED = "[redacted]";

/** Returns `text` with anything key-shaped, and each of `secrets`, replaced by `[redacted]`. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
    let out = text;
    for (const secret of secrets) {
        // Short strings would redact ordinary words; real keys are long.
        if (secret && secret.length >= 8) {
            out = out.split(secret).join(REDACTED);
        }
    }
    return out.replace(BEARER, `$1${REDACTED}`).replace(KEY_SHAPED, (match) => (KIND_PREFIX.test(match) ? match : REDACTED));
}
