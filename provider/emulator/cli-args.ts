/**
 * The emulator CLI's flags, parsed and checked apart from running anything, so every mistake is reported
 * (exit status 2) before a port is opened, and the rules can be tested in-process.
 */
import { parseArgs } from "node:util";
import { checkAdminKey } from "./auth";
import { parseConditionChanges, type ConditionOptions } from "./conditions";

export const CLI_USAGE =
    "usage: emulator --port <n> [--host 127.0.0.1] [--admin-key <key>] [--seed <file.json>] [--latency-ms <ms>] [--rate-limit <requests per second>] [--rate-limit-burst <n>]";

/** A command-line mistake; the message names the flag (and its value, unless the value is secret). */
export class UsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UsageError";
    }
}

export interface CliOptions {
    readonly port: number;
    readonly host: string;
    /** Undefined: the emulator's default key. */
    readonly adminKey: string | undefined;
    readonly seedFile: string | undefined;
    /** The emulator's standing latency and rate limit. */
    readonly conditions: ConditionOptions;
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
    let values: {
        port?: string;
        host?: string;
        "admin-key"?: string;
        seed?: string;
        "latency-ms"?: string;
        "rate-limit"?: string;
        "rate-limit-burst"?: string;
    };
    try {
        ({ values } = parseArgs({
            args: [...argv],
            strict: true,
            allowPositionals: false,
            options: {
                port: { type: "string" },
                host: { type: "string" },
                "admin-key": { type: "string" },
                seed: { type: "string" },
                "latency-ms": { type: "string" },
                "rate-limit": { type: "string" },
                "rate-limit-burst": { type: "string" },
            },
        }));
    } catch (error) {
        // parseArgs names the unknown flag, the stray argument or the flag missing its value.
        throw new UsageError((error as Error).message);
    }

    if (values.port === undefined) throw new UsageError("Missing required flag --port (use --port 0 for a free port)");
    const port = /^\d+$/.test(values.port) ? Number(values.port) : NaN;
    if (!(port >= 0 && port <= 65535)) {
        throw new UsageError(`Invalid --port value '${values.port}': expected an integer from 0 to 65535`);
    }

    const host = values.host ?? "127.0.0.1";
    if (host.trim() === "" || /\s/.test(host)) {
        throw new UsageError(`Invalid --host value '${host}': expected a host name or IP address`);
    }

    const adminKey = values["admin-key"];
    if (adminKey !== undefined) {
        try {
            checkAdminKey(adminKey);
        } catch (error) {
            // The key is a secret: the message describes the problem without echoing it.
            throw new UsageError(`Invalid --admin-key value: ${(error as Error).message.replace(/^The emulator's admin key /, "")}`);
        }
    }

    if (values.seed === "") throw new UsageError("Invalid --seed value '': expected a path to a JSON seed file");
    return { port, host, adminKey, seedFile: values.seed, conditions: conditionsFrom(values) };
}

function conditionsFrom(values: { "latency-ms"?: string; "rate-limit"?: string; "rate-limit-burst"?: string }): ConditionOptions {
    const number = (flag: "latency-ms" | "rate-limit" | "rate-limit-burst"): number | undefined => {
        const text = values[flag];
        if (text === undefined) return undefined;
        const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
        if (Number.isNaN(value)) throw new UsageError(`Invalid --${flag} value '${text}': expected a number`);
        return value;
    };
    const latencyMs = number("latency-ms");
    const requestsPerSecond = number("rate-limit");
    const burst = number("rate-limit-burst");
    if (burst !== undefined && requestsPerSecond === undefined) throw new UsageError("--rate-limit-burst needs --rate-limit");
    const changes = {
        ...(latencyMs === undefined ? {} : { latencyMs }),
        ...(requestsPerSecond === undefined ? {} : { rateLimit: { requestsPerSecond, ...(burst === undefined ? {} : { burst }) } }),
    };
    try {
        parseConditionChanges(changes);
        return changes;
    } catch (error) {
        // Names the field the flag sets (latencyMs, rateLimit.requestsPerSecond, rateLimit.burst) and the rule.
        throw new UsageError((error as Error).message);
    }
}
