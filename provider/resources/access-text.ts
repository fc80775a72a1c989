/**
 * A record's `access` as it is stored: text, one `project permission` line per project, sorted by project, and
 * with attribution who granted it (./attribution.ts `grantorLabel`):
 *
 *     proj_abGMw1llN8IrBb6SvvY5A1iH cp_zc4Q7MP6XxulcVzj4MZdwsAB
 *     proj_Hx0RZ2FqYk1mNn3vPp4sTt5u cp_Ab3dE6fG9hJ2kL5mN8pQ1rS4 by mallory@acme.com (dashboard)
 *
 * Text, not an object keyed by project, because the engine and the provider protocols pay per key (protobuf
 * Structs, built and read in the program, the engine and the provider): an object of 10,000 projects costs a
 * no-change preview about a second, the same projects as one string a fifth of that (`npm run bench records`).
 *
 * The preview still names the project: the engine shows a change of a text that spans lines as a line diff, the
 * lines added and removed marked `+` and `-`, with two unchanged lines around them for context. That is why this
 * is not YAML or JSON: the engine decodes those and prints every project of the mapping, changed or not. A space
 * ends the project (ids are tokens without whitespace: `checkProjectId`); an id that is not only letters, digits,
 * `-` and `_` (one with a `:` or `#`, say, which could make the text read as YAML after all) is written as a JSON
 * string.
 */
import { createHash } from "node:crypto";
import { InvalidArgumentError } from "../client/errors";
import { DEFAULT_LISTING_LIMITS } from "../client/limits";
import { compare } from "./listing";
import type { AccessByProject, AccessText, GrantorsByProject } from "./types";

/** Letters, digits, `-` and `_`, starting with a letter or digit: nothing YAML or JSON reads as structure. */
const PLAIN = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
const QUOTED = /^"(?:[^"\\]|\\.)*"/;

/**
 * The text of `access`, sorted by project, each line with its project's grantor if `grantors` names one: the same
 * access always gives the same text. No access is empty text.
 */
export function encodeAccess(access: AccessByProject, grantors: GrantorsByProject = {}): AccessText {
    let text = "";
    for (const projectId of Object.keys(access).sort(compare)) {
        const grantor = grantors[projectId];
        text += `${token(projectId)} ${token(access[projectId]!)}${grantor === undefined ? "" : `${BY}${oneLine(grantor)}`}\n`;
    }
    return text;
}

/** The access a text holds (its grantors aside): see {@link decodeRecordedAccess}. */
export function decodeAccess(text: unknown, argument = "access", maxPermissions = DEFAULT_LISTING_LIMITS.maxPermissions): AccessByProject {
    return decodeRecordedAccess(text, argument, maxPermissions).access;
}

/**
 * The access a text holds and who granted it, read strictly: each line is `project permission`, then ` by ` and the
 * grantor where it says, each project once. Errors name `argument` and the line. At most `maxPermissions` lines (the
 * listing's own bound).
 */
export function decodeRecordedAccess(
    text: unknown,
    argument = "access",
    maxPermissions = DEFAULT_LISTING_LIMITS.maxPermissions,
): { access: AccessByProject; grantors: GrantorsByProject } {
    if (typeof text !== "string") throw new InvalidArgumentError(argument, text, "must be the access text: `project permission` lines");
    const access: AccessByProject = {};
    const grantors: GrantorsByProject = {};
    let count = 0;
    let start = 0;
    for (let line = 1; start < text.length; line++) {
        const end = text.indexOf("\n", start);
        const content = text.slice(start, end === -1 ? text.length : end);
        start = end === -1 ? text.length : end + 1;
        if (content === "") continue;
        const where = `${argument} line ${line}`;
        if (++count > maxPermissions) throw new InvalidArgumentError(argument, `${count} lines`, `must list at most ${maxPermissions} projects`);
        const space = tokenEnd(content);
        if (space <= 0 || content[space] !== " ") throw new InvalidArgumentError(where, content, "must be `project permission`");
        const projectId = untoken(content.slice(0, space), where);
        if (Object.hasOwn(access, projectId)) throw new InvalidArgumentError(where, content, `lists ${projectId} a second time`);
        const rest = content.slice(space + 1);
        const permissionEnd = tokenEnd(rest);
        if (permissionEnd === -1 || permissionEnd === rest.length) {
            access[projectId] = untoken(rest, where);
            continue;
        }
        if (!rest.startsWith(BY, permissionEnd) || rest.length === permissionEnd + BY.length) {
            throw new InvalidArgumentError(where, content, "must be `project permission`, then ` by ` and who granted it");
        }
        access[projectId] = untoken(rest.slice(0, permissionEnd), where);
        grantors[projectId] = rest.slice(permissionEnd + BY.length);
    }
    return { access, grantors };
}

/** Between a permission and its grantor. */
const BY = " by ";

/** Where the token a text starts with ends: a JSON string at its closing quote (it may hold a space), else at a space. */
function tokenEnd(text: string): number {
    return text.startsWith('"') ? (QUOTED.exec(text)?.[0].length ?? -1) : text.indexOf(" ");
}

/** A grantor as one line of text: its own line breaks and control characters would break the text's lines. */
function oneLine(grantor: string): string {
    return grantor.replace(/[\u0000-\u001f\u007f]+/g, " ");
}

/**
 * What a record's outputs keep instead of its access text (the inputs keep the text): SHA-256, in base64url. A
 * collision would hide a change from the diff, so the hash is a cryptographic one.
 */
export function digestAccess(text: AccessText): string {
    return createHash("sha256").update(text).digest("base64url");
}

/** The access of a text, or `undefined` if it is not one: for readers that must not throw (policies, a program). */
export function accessOfText(text: unknown): AccessByProject | undefined {
    return recordedAccessOfText(text)?.access;
}

/** The access and grantors of a text, or `undefined` if it is not one: for readers that must not throw. */
export function recordedAccessOfText(text: unknown): { access: AccessByProject; grantors: GrantorsByProject } | undefined {
    try {
        return decodeRecordedAccess(text);
    } catch (error) {
        if (error instanceof InvalidArgumentError) return undefined;
        throw error;
    }
}

/** An id as the text writes it: plain, or as a JSON string (above). */
export function token(id: string): string {
    return PLAIN.test(id) ? id : JSON.stringify(id);
}

/** The id a {@link token} writes; errors name `where`. */
export function untoken(token: string, where: string): string {
    if (!token.startsWith('"')) {
        if (token !== "" && !token.includes(" ")) return token;
    } else {
        try {
            const id: unknown = JSON.parse(token);
            if (typeof id === "string") return id;
        } catch {
            // named below
        }
    }
    throw new InvalidArgumentError(where, token, "must be an id, plain or as a JSON string");
}
