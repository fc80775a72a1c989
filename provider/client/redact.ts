/**
 * Keeps OpenAI keys out of every message, log line and thrown object this package produces.
 *
 * OpenAI itself echoes a masked key in some errors ("Incorrect API key provided: sk-adm****abcd"), and a
 * caller may paste a key into an argument by mistake; anything shaped like a key is replaced, as is the
 * exact key the client was configured with (which may not look like one). Credentials written into a URL
 * (`https://user:password@host`) are replaced too.
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
/**
 * The userinfo of a URL in running text (`https://user:password@host`): up to the last `@` before the host
 * ends, so a password holding `@` goes whole; whitespace ends a URL in prose. The scheme's length is
 * bounded so a long run of `a.a.a…` costs linear time, not quadratic.
 */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#]*@/gi;
/** The same at the start of a value that is meant to be one URL, where even whitespace can be part of it. */
const LEADING_URL_USERINFO = /^(\s*[a-z][a-z0-9+.-]{0,31}:\/\/)[^/?#]*@/i;

export const REDACTED = "[redacted]";

/** Returns `text` with anything key-shaped, the credentials in any URL, and each of `secrets` replaced by `[redacted]`. */
export function redact(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
    let out = text;
    for (const secret of secrets) {
        // Short strings would redact ordinary words; real keys are long.
        if (secret && secret.length >= 8) {
            out = out.split(secret).join(REDACTED);
        }
    }
    return out.replace(BEARER, `$1${REDACTED}`).replace(URL_USERINFO, `$1${REDACTED}@`).replace(KEY_SHAPED, (match) => (KIND_PREFIX.test(match) ? match : REDACTED));
}

/** A value meant to be a URL, for an error message: its userinfo (credentials) and anything key-shaped redacted. */
export function redactUrl(value: string): string {
    return redact(value.replace(LEADING_URL_USERINFO, `$1${REDACTED}@`));
}
