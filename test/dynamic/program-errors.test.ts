/**
 * How the program reports the package's failures: message alone (Pulumi's RunError brand), and one report for a
 * failure that cannot change within the run, shared by every read that meets it.
 */
import * as pulumi from "@pulumi/pulumi";
import { beforeEach, expect, it } from "vitest";
import { AuthenticationError, InvalidArgumentError, NotFoundError } from "../../provider/client/errors";
import { programFailure, settledFailure } from "../../provider/dynamic/program-errors";

const BASE = "http://127.0.0.1:1/v1";
const details = (status: number, path: string) => ({ status, method: "GET", path, requestId: undefined, message: "no", type: undefined, code: undefined, param: undefined });

/** Failures are kept for a program run: each test is one, with a mocked engine of its own. */
beforeEach(() => pulumi.runtime.setMocks({ newResource: (args) => ({ id: args.name, state: {} }), call: () => ({}) }));

it("marks the package's errors as RunErrors, keeping their class; leaves other errors alone", () => {
    const invalid = new InvalidArgumentError("checkpoint", "", "must not be empty");
    expect(programFailure(invalid, BASE)).toBe(invalid);
    expect(pulumi.RunError.isInstance(invalid)).toBe(true);
    const bug = new TypeError("a bug");
    expect(programFailure(bug, BASE)).toBe(bug);
    expect(pulumi.RunError.isInstance(bug)).toBe(false);
    expect(settledFailure(BASE, "ft:a")).toBeUndefined();
});

it("a refused key is settled for every later and concurrent read at that base URL", () => {
    const first = new AuthenticationError(details(401, "/a"));
    const second = new AuthenticationError(details(401, "/b"));
    expect(programFailure(first, BASE, "ft:a")).toBe(first);
    expect(programFailure(second, BASE, "ft:b")).toBe(first);
    expect(settledFailure(BASE, "ft:c")).toBe(first);
    expect(settledFailure("http://127.0.0.1:2/v1", "ft:c")).toBeUndefined();
});

it("a missing checkpoint is settled for that checkpoint only", () => {
    const missing = new NotFoundError(details(404, "/a"));
    expect(programFailure(missing, BASE, "ft:a")).toBe(missing);
    expect(programFailure(new NotFoundError(details(404, "/a")), BASE, "ft:a")).toBe(missing);
    expect(settledFailure(BASE, "ft:a")).toBe(missing);
    expect(settledFailure(BASE, "ft:b")).toBeUndefined();
});

it("keeps the API's message first when the SDK fails a resource input with it", async () => {
    const refused = programFailure(new AuthenticationError(details(401, "/a")), BASE) as AuthenticationError;
    const message = refused.message;
    expect(message).toMatch(/^401 no /);
    // As the record's `access` input meets a failed read.
    await expect(pulumi.runtime.serializeProperties("record", { access: Promise.reject(refused) })).rejects.toBe(refused);
    expect(refused.message).toBe(message);
});

it("the same bad argument met by two reads fails both with one error, which Pulumi prints once", () => {
    const first = new InvalidArgumentError("checkpoint", " ft:a ", "must not start or end with whitespace");
    expect(programFailure(first, undefined)).toBe(first);
    expect(programFailure(new InvalidArgumentError("checkpoint", " ft:a ", "must not start or end with whitespace"), undefined)).toBe(first);
    const other = new InvalidArgumentError("checkpoint", " ft:b ", "must not start or end with whitespace");
    expect(programFailure(other, undefined)).toBe(other);
});
