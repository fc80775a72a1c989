/**
 * The emulator CLI's flags, parsed and checked apart from running anything, so every mistake is reported
 * (exit status 2) before a port is opened, and the rules can be tested in-process.
 */
import { parseArgs } from "node:util";
import { PLUGIN_CONFIG_KEYS } from "../plugin/schema";
import { PROGRAM_CONFIG_KEYS, type ConfigKeys } from "../resources/settings";
import { checkAdminKey, DEFAULT_ADMIN_KEY } from "./auth";
import { parseConditionChanges, type ConditionOptions } from "./conditions";
import { checkGenerateSeedOptions, InvalidGenerateSeedOptionsError, type GenerateSeedOptions } from "./generated-seed";

/** Every flag the CLI takes: its value's shape and what it does, for parseArgs and for `--help` alike. */
const FLAGS = {
    port: { value: "<n>", help: "the port to listen on; 0 takes a free one (required)" },
    host: { value: "<host>", help: "the address to listen on (default 127.0.0.1)" },
    "admin-key": { value: "<key>", help: `the admin key clients must send (default ${DEFAULT_ADMIN_KEY})` },
    seed: { value: "<file.json>", help: "the organization to start with (its format: provider/emulator/README.md in the package)" },
    generate: {
        value: "checkpoints=<n>,permissions=<n>[,events=<n>][,audit-logging=off]",
        help: "a generated organization instead of --seed",
    },
    "latency-ms": { value: "<ms>", help: "delay every answer by this long" },
    "rate-limit": { value: "<requests per second>", help: "answer 429 beyond this rate, as OpenAI does" },
    "rate-limit-burst": { value: "<n>", help: "the requests --rate-limit lets through at once" },
    "audit-log-delay-seconds": { value: "<s>", help: "write each audit-log event this late, as the real log may" },
} as const;

type Flag = keyof typeof FLAGS;

const PARSE_OPTIONS = {
    ...(Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: "string" }])) as { [flag in Flag]: { type: "string" } }),
    help: { type: "boolean", short: "h" },
} as const;

export const CLI_USAGE = "usage: openai-checkpoint-emulator --port <n> [--seed <file.json> | --generate <counts>] [options] (--help lists every option)";

/** What `--help` prints: the usage line, then every flag and what it does. */
export const CLI_HELP = [
    "A local emulator of OpenAI's checkpoint-permissions API, its audit log and projects, for tests.",
    "",
    CLI_USAGE,
    "",
    "Options:",
    ...Object.entries(FLAGS).map(([flag, { value, help }]) => `  --${flag} ${value}\n      ${help}`),
    "  -h, --help\n      print this text and exit",
    "",
    "It prints where it listens, its admin key and the `pulumi config set` commands that point a stack at it,",
    "and serves until SIGINT or SIGTERM.",
].join("\n");

/**
 * What the CLI prints once it listens: the URL line first (a parent process waits for it and reads the port), then
 * the admin key and the commands that point a stack at this emulator, on either surface. The key is the
 * emulator's, not an organization's: printing it is how a user learns it.
 */
export function startLines(baseUrl: string, adminKey: string): string[] {
    const configSet = (keys: ConfigKeys) => [`  pulumi config set ${keys.baseUrl} ${baseUrl}`, `  pulumi config set --secret ${keys.adminKey} ${adminKey}`];
    return [
        `OpenAI emulator listening on ${baseUrl}`,
        `Admin key: ${adminKey}`,
        "Point a TypeScript stack (dynamic resources) at it:",
        ...configSet(PROGRAM_CONFIG_KEYS),
        "Point a stack on the openai-checkpoints plugin (YAML, Python, Go) at it:",
        ...configSet(PLUGIN_CONFIG_KEYS),
    ];
}

/** Whether the command line asks for `--help` (or `-h`), as a flag rather than as another flag's value. */
export function helpRequested(argv: readonly string[]): boolean {
    return parseArgs({ args: [...argv], strict: false, allowPositionals: true, options: PARSE_OPTIONS }).values.help === true;
}

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
    let values: { [flag in Flag]?: string };
    try {
        ({ values } = parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: PARSE_OPTIONS }));
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
