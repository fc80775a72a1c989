/**
 * The emulator CLI's flags, parsed and checked apart from running anything, so every mistake is reported
 * (exit status 2) before a port is opened, and the rules can be tested in-process.
 */
import { parseArgs } from "node:util";
import { checkAdminKey } from "./auth";
import { parseConditionChanges, type ConditionOptions } from "./conditions";
import { checkGenerateSeedOptions, InvalidGenerateSeedOptionsError, type GenerateSeedOptions } from "./generated-seed";

export const CLI_USAGE =
    "usage: emulator --port <n> [--host 127.0.0.1] [--admin-key <key>] [--seed <file.json> | --generate checkpoints=<n>,permissions=<n>[,events=<n>][,audit-logging=off]] [--latency-ms <ms>] [--rate-limit <requests per second>] [--rate-limit-burst <n>] [--audit-log-delay-seconds <s>]";

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
    /** A generated organization instead of a seed file (`generateSeed`'s options). */
    readonly generate: GenerateSeedOptions | undefined;
    /** The emulator's standing latency, rate limit and audit-log delay. */
    readonly conditions: ConditionOptions;
}

export function parseCliArgs(argv: readonly string[]): CliOptions {
    let values: {
        port?: string;
        host?: string;
        "admin-key"?: string;
        seed?: string;
        generate?: string;
        "latency-ms"?: string;
        "rate-limit"?: string;
        "rate-limit-burst"?: string;
        "audit-log-delay-seconds"?: string;
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
                generate: { type: "string" },
                "latency-ms": { type: "string" },
                "rate-limit": { type: "string" },
                "rate-limit-burst": { type: "string" },
                "audit-log-delay-seconds": { type: "string" },
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
    if (values.seed !== undefined && values.generate !== undefined) throw new UsageError("--seed and --generate cannot be used together: the seed is one or the other");
    const generate = values.generate === undefined ? undefined : generateFrom(values.generate);
    return { port, host, adminKey, seedFile: values.seed, generate, conditions: conditionsFrom(values) };
}

const GENERATE_KEYS = ["checkpoints", "permissions", "events", "audit-logging"] as const;

/** `checkpoints=500,permissions=20,events=10000,audit-logging=off` as `generateSeed`'s options, checked by its rules. */
function generateFrom(text: string): GenerateSeedOptions {
    const fail = (why: string) => new UsageError(`Invalid --generate value '${text}': ${why}`);
    const given = new Map<string, string>();
    for (const pair of text.split(",")) {
        const [key = "", value, extra] = pair.split("=");
        if (value === undefined || extra !== undefined) throw fail(`expected key=value pairs separated by commas, got '${pair}'`);
        if (!(GENERATE_KEYS as readonly string[]).includes(key)) throw fail(`unknown key '${key}' (expected ${GENERATE_KEYS.join(", ")})`);
        if (given.has(key)) throw fail(`${key} is given twice`);
        given.set(key, value);
    }
    const count = (key: string): number | undefined => {
        const value = given.get(key);
        if (value === undefined) return undefined;
        if (!/^\d+$/.test(value)) throw fail(`${key} must be a whole number, got '${value}'`);
        return Number(value);
    };
    const logging = given.get("audit-logging");
    if (logging !== undefined && logging !== "on" && logging !== "off") throw fail(`audit-logging must be on or off, got '${logging}'`);
    const checkpoints = count("checkpoints");
    const permissions = count("permissions");
    if (checkpoints === undefined || permissions === undefined) throw fail("checkpoints and permissions are required");
    const events = count("events");
    const options: GenerateSeedOptions = {
        checkpoints,
        permissions,
        ...(events === undefined ? {} : { events }),
        ...(logging === undefined ? {} : { auditLogging: logging === "on" }),
    };
    try {
        checkGenerateSeedOptions(options);
    } catch (error) {
        if (!(error instanceof InvalidGenerateSeedOptionsError)) throw error;
        throw fail(error.message.replace(/^generateSeed: /, ""));
    }
    return options;
}

type ConditionFlag = "latency-ms" | "rate-limit" | "rate-limit-burst" | "audit-log-delay-seconds";

function conditionsFrom(values: { [flag in ConditionFlag]?: string }): ConditionOptions {
    const number = (flag: ConditionFlag): number | undefined => {
        const text = values[flag];
        if (text === undefined) return undefined;
        const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
        if (Number.isNaN(value)) throw new UsageError(`Invalid --${flag} value '${text}': expected a number`);
        return value;
    };
    const latencyMs = number("latency-ms");
    const requestsPerSecond = number("rate-limit");
    const burst = number("rate-limit-burst");
    const auditLogDelaySeconds = number("audit-log-delay-seconds");
    if (burst !== undefined && requestsPerSecond === undefined) throw new UsageError("--rate-limit-burst needs --rate-limit");
    const changes = {
        ...(latencyMs === undefined ? {} : { latencyMs }),
        ...(auditLogDelaySeconds === undefined ? {} : { auditLogDelaySeconds }),
        ...(requestsPerSecond === undefined ? {} : { rateLimit: { requestsPerSecond, ...(burst === undefined ? {} : { burst }) } }),
    };
    try {
        parseConditionChanges(changes);
        return changes;
    } catch (error) {
        // Names the field the flag sets (latencyMs, rateLimit.requestsPerSecond, rateLimit.burst, auditLogDelaySeconds) and the rule.
        throw new UsageError((error as Error).message);
    }
}
