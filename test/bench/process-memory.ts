/**
 * The resident memory of the Pulumi CLI's process tree (the CLI, its language hosts, the program, the plugins and
 * dynamic providers they start), sampled from Linux's /proc while a command runs: a child process's memory, which
 * `process.memoryUsage()` cannot see.
 *
 * The tree is every process descended from a direct child of this process named `pulumi`. Each sample lists /proc and
 * reads the status of the processes in the tree and of those it has not seen yet; a process found outside the tree is
 * not read again, so a sample costs well under a millisecond however busy the machine. Samples are synchronous (they
 * block this process's event loop, where an in-process emulator answers, for that long): an asynchronous read of
 * /proc would only spread the same work over more ticks.
 *
 * A process's peak is its high-water mark (`VmHWM`), exact even between samples; the tree's peak is the largest sum
 * of `VmRSS` at one sample, so it may miss a peak shorter than the interval.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

/** What a node process of the tree runs, by the @pulumi/pulumi entry point in its command line. */
const NODE_ROLES: ReadonlyArray<readonly [RegExp, string]> = [
    [/\/cmd\/run-plugin\//, "the plugin"],
    [/\/cmd\/dynamic-provider\//, "the dynamic provider"],
    [/\/cmd\/run-policy-pack\//, "a policy pack"],
    [/\/cmd\/run\//, "the program"],
];

export interface NodeProcessPeak {
    readonly bytes: number;
    /**
     * What it ran: "the program", "the plugin", "the dynamic provider", …, or its command line; and who started the
     * language host that runs it, unless the CLI (e.g. a YAML stack's plugin runs twice: as the engine's provider, and
     * for pulumi-language-yaml, which asks it for its schema).
     */
    readonly role: string;
}

export interface TreeMemoryPeak {
    /** The largest resident size of the whole tree at one sample, in bytes. */
    readonly treeBytes: number;
    /** The node process whose resident size peaked highest; undefined if the tree ran none. */
    readonly largestNode?: NodeProcessPeak;
    readonly samples: number;
}

export interface TreeMemorySampler {
    /** Takes a last sample, stops sampling and returns the peaks. */
    stop(): TreeMemoryPeak;
}

interface ProcessStatus {
    readonly name: string;
    readonly parent: number;
    readonly rssBytes: number;
    readonly hwmBytes: number;
}

/** `/proc/<pid>/status`, or undefined once the process is gone. Sizes there are in kB. */
function readStatus(pid: number): ProcessStatus | undefined {
    let text: string;
    try {
        text = readFileSync(`/proc/${pid}/status`, "latin1");
    } catch {
        return undefined;
    }
    const field = (name: string) => new RegExp(`^${name}:\\s*(\\S+)`, "m").exec(text)?.[1];
    const kB = (name: string) => Number(field(name) ?? 0) * 1024;
    return { name: field("Name") ?? "", parent: Number(field("PPid")), rssBytes: kB("VmRSS"), hwmBytes: kB("VmHWM") };
}

function commandLine(pid: number): string {
    try {
        return readFileSync(`/proc/${pid}/cmdline`, "latin1").replaceAll("\0", " ").trim();
    } catch {
        return ""; // gone already
    }
}

/** What the node process `pid` runs (see `NodeProcessPeak.role`); `tree` holds the tree's processes' statuses. */
function roleOf(pid: number, tree: ReadonlyMap<number, ProcessStatus>): string {
    const command = commandLine(pid);
    const role = NODE_ROLES.find(([pattern]) => pattern.test(command))?.[1] ?? (command || `process ${pid}`);
    const languageHost = tree.get(pid)?.parent;
    const starter = languageHost === undefined ? undefined : tree.get(languageHost)?.parent;
    const starterName = starter === undefined ? undefined : tree.get(starter)?.name;
    if (starter === undefined || starterName === undefined || starterName === "pulumi") return role;
    // Named by its command line: a process's name is cut to 15 characters (`pulumi-language`).
    return `${role}, for ${path.basename(commandLine(starter).split(" ")[0]!) || starterName}`;
}

/** Starts sampling the CLI's process tree every `intervalMs`; call `stop()` in a `finally`. */
export function sampleCliTreeMemory(intervalMs = 50): TreeMemorySampler {
    if (process.platform !== "linux") throw new Error("process-memory samples /proc: Linux only");
    const self = process.pid;
    /** The tree's processes, as last sampled (a name changes when the process runs another program). */
    const inside = new Map<number, ProcessStatus>();
    const outside = new Set<number>();
    const nodePeaks = new Map<number, NodeProcessPeak>();
    let treeBytes = 0;
    let samples = 0;

    const sample = () => {
        samples++;
        const fresh = new Map<number, ProcessStatus>();
        for (const entry of readdirSync("/proc")) {
            const pid = Number(entry);
            if (!Number.isInteger(pid) || outside.has(pid)) continue;
            const status = readStatus(pid);
            if (status === undefined) inside.delete(pid);
            else if (inside.has(pid)) inside.set(pid, status);
            else fresh.set(pid, status);
        }
        // A process joins the tree if it is the CLI or its parent is in the tree; its parent may be new in this sample
        // too, listed after it, hence the rounds until nothing joins.
        for (let joined = true; joined; ) {
            joined = false;
            for (const [pid, status] of fresh) {
                if (!(status.parent === self && status.name === "pulumi") && !inside.has(status.parent)) continue;
                inside.set(pid, status);
                fresh.delete(pid);
                joined = true;
            }
        }
        // Not the CLI's: never read again. Except this process's own children, one of which may be the CLI still
        // between fork and exec (named as this process until it runs `pulumi`).
        for (const [pid, status] of fresh) if (status.parent !== self) outside.add(pid);

        let total = 0;
        for (const [pid, status] of inside) {
            total += status.rssBytes;
            if (status.name !== "node") continue;
            const known = nodePeaks.get(pid);
            nodePeaks.set(pid, { bytes: Math.max(known?.bytes ?? 0, status.hwmBytes), role: known?.role ?? roleOf(pid, inside) });
        }
        treeBytes = Math.max(treeBytes, total);
    };

    sample();
    const timer = setInterval(sample, intervalMs);
    return {
        stop() {
            clearInterval(timer);
            sample();
            const largest = [...nodePeaks.values()].reduce<NodeProcessPeak | undefined>((max, peak) => (max === undefined || peak.bytes > max.bytes ? peak : max), undefined);
            return { treeBytes, samples, ...(largest ? { largestNode: largest } : {}) };
        },
    };
}
