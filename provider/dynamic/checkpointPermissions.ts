/**
 * `CheckpointPermissions`: records a checkpoint's live permissions in state.
 *
 * The listing is read during the program run and recorded as inputs, as text keyed by project, so its values are known
 * during preview (CrossGuard policies can assert on them) and a change made outside Pulumi shows as a diff on the
 * next preview that names the projects added, removed or granted again; `pulumi preview --expect-no-changes` then
 * fails, which is how CI catches drift. `pulumi refresh` re-reads it live.
 *
 * The listing is recorded keyed by project; `permissions`, `projectIds`, `permissionCount` and `revoking` are
 * derived here from the listing the program read and the access text the engine hands back.
 */
import * as pulumi from "@pulumi/pulumi";
import { getCheckpointPermissionsOutput, type GetCheckpointPermissionsResult } from "./getCheckpointPermissions";
import { checkpointPermissionsProvider } from "./provider";
import { CheckpointPermissionGrant } from "./checkpointPermissionGrant";
import { accessOfText, encodeAccess } from "../resources/access-text";
import { grantorsByProject, type AttributedPermission } from "../resources/attribution";
import { accessByProject, permissionsByProject, type ListedPermission } from "../resources/listing";
import type { RecordArgs } from "../resources/record";
import type { AccessByProject, AccessText } from "../resources/types";

export interface CheckpointPermissionsArgs {
    /** The fine-tuned model checkpoint whose permissions to record. */
    checkpoint: pulumi.Input<string>;
    /**
     * Record who granted each project's access, from the organization's audit log: a line reads
     * `proj_… cp_… by mallory@acme.com (dashboard)`, so drift names the grantor too.
     */
    attribution?: pulumi.Input<boolean>;
}

/** The record's inputs as the program gives them. */
type RecordInputArgs = { [K in keyof RecordArgs]: pulumi.Input<RecordArgs[K]> };

/** What the program derives from the listing it read and the access recorded. */
interface RecordViews {
    readonly access: AccessText;
    readonly permissions: ListedPermission[];
    readonly projectIds: string[];
    readonly permissionCount: number;
    readonly revoking: AccessByProject;
}

/**
 * Each record's `access` output as the engine hands it back: the text the provider recorded. Kept here, not in a
 * private field: the SDK sets it from the base class's constructor, before the record's own fields exist.
 */
const engineAccess = new WeakMap<CheckpointPermissions, pulumi.Output<unknown>>();

export class CheckpointPermissions extends pulumi.dynamic.Resource {
    declare readonly checkpoint: pulumi.Output<string>;
    /** The listing this program run read. */
    readonly #listing: pulumi.Output<GetCheckpointPermissionsResult>;
    #views?: pulumi.Output<RecordViews>;

    /**
     * Grants of this stack in `dependsOn` are waited for, so the record includes the access they give; and when
     * one leaves the program, the record leaves out the access that the same `up` revokes.
     */
    constructor(name: string, args: CheckpointPermissionsArgs, opts?: pulumi.CustomResourceOptions) {
        // Absent for no: the SDK pays for every property of every resource, in every preview.
        const flag = args.attribution === undefined || args.attribution === false ? {} : { attribution: args.attribution };
        const listing = getCheckpointPermissionsOutput({ checkpoint: args.checkpoint, ...flag }, { parent: opts?.parent, dependsOn: opts?.dependsOn });
        // Only what the provider needs: the SDK pays for every property of every resource, in every preview.
        const inputs: RecordInputArgs = {
            // From the args, so a listing still unknown (waiting on dependsOn) is a change, not a new checkpoint.
            checkpoint: args.checkpoint,
            access: listing.apply((l) => accessTextOf(l.permissions)),
            // The program writes the grantors into `access` itself; the flag is for `pulumi refresh`, whose read
            // runs in the provider without the program and must name them the same way.
            ...flag,
            ...(opts?.dependsOn === undefined ? {} : { managedProjects: projectsManagedBy(opts.dependsOn, args.checkpoint) }),
        };
        super(checkpointPermissionsProvider, name, inputs, opts, "openai", "CheckpointPermissions");
        this.#listing = listing;
    }

    /** The access recorded, as the preview diffs it: one `project permission` line per project, sorted. */
    get access(): pulumi.Output<AccessText> {
        return this.#recordViews().access;
    }
    /**
     * The SDK sets an Output on the resource for each property the program sends, from the outputs the engine hands
     * back. The class derives its views from it and the listing together (above), so this takes the SDK's Output
     * instead of letting it shadow the getter.
     */
    set access(engineOutput: pulumi.Output<unknown>) {
        engineAccess.set(this, engineOutput);
    }

    /** Every permission, sorted by project id: the listing this program run read. */
    get permissions(): pulumi.Output<ListedPermission[]> {
        return this.#recordViews().permissions;
    }

    /** The projects with access, sorted and unique. */
    get projectIds(): pulumi.Output<string[]> {
        return this.#recordViews().projectIds;
    }

    get permissionCount(): pulumi.Output<number> {
        return this.#recordViews().permissionCount;
    }

    /**
     * Access that this `up` revokes through grants that left the program (project id to permission id). The
     * listing, read before Pulumi deletes anything, still shows it; the record and the outputs above leave it out.
     */
    get revoking(): pulumi.Output<AccessByProject> {
        return this.#recordViews().revoking;
    }

    /**
     * Derived in the program, on first use (a record's views of 10,000 permissions are not free), from the listing
     * it read and the `access` the engine hands back: tied to this resource, as its other outputs are, and known
     * during preview, where the engine hands back the checked inputs as the outputs.
     */
    #recordViews(): pulumi.Output<RecordViews> {
        return (this.#views ??= pulumi
            .all([engineAccess.get(this) ?? pulumi.output(null), this.#listing])
            .apply(([recorded, l]) => viewsOf(recorded, l.permissions)));
    }
}

/**
 * The listing's views, as the record holds it: the access text the engine hands back (what the provider recorded),
 * and each project's permission it holds; the rest of the listing is what the `up` revokes. No text readable (a
 * mocked engine's) is the whole listing.
 */
function viewsOf(recorded: unknown, listing: readonly ListedPermission[]): RecordViews {
    const held = typeof recorded === "string" ? accessOfText(recorded) : undefined;
    const permissions: ListedPermission[] = [];
    const revoking: AccessByProject = {};
    for (const permission of permissionsByProject(listing)) {
        if (held === undefined || held[permission.projectId] === permission.id) permissions.push(permission);
        else revoking[permission.projectId] = permission.id;
    }
    return {
        // The provider's text keeps a grantor whose event aged out of the audit log; the listing's would not.
        access: held === undefined ? accessTextOf(permissions) : String(recorded),
        permissions,
        projectIds: permissions.map((p) => p.projectId),
        permissionCount: permissions.length,
        revoking,
    };
}

/** The access text of a listing: each project's permission, and who granted it when the listing says. */
function accessTextOf(permissions: readonly ListedPermission[]): AccessText {
    const attributed = permissions.filter((p): p is AttributedPermission => p.grantedBy !== undefined);
    return encodeAccess(accessByProject(permissions), attributed.length === 0 ? {} : grantorsByProject(attributed));
}

/** The projects that grants among `dependsOn` give access to on `checkpoint` (the provider's check sorts them). */
function projectsManagedBy(dependsOn: NonNullable<pulumi.CustomResourceOptions["dependsOn"]>, checkpoint: pulumi.Input<string>): pulumi.Output<string[]> {
    return pulumi
        .all([grantedAccess(dependsOn), checkpoint])
        .apply(([granted, recorded]) => granted.filter(([grantCheckpoint]) => grantCheckpoint === recorded).map(([, projectId]) => projectId));
}

/**
 * `[checkpoint, projectId]` of each grant in a `dependsOn` option, however it is given (a resource, an array,
 * Inputs of either). Unwrapped by hand: `pulumi.output()` would turn a resource into a plain object.
 */
function grantedAccess(dependsOn: unknown): pulumi.Output<Array<[string, string]>> {
    if (dependsOn instanceof CheckpointPermissionGrant) return pulumi.all([dependsOn.checkpoint, dependsOn.projectId]).apply((pair) => [pair]);
    if (Array.isArray(dependsOn)) return pulumi.all(dependsOn.map(grantedAccess)).apply((lists) => lists.flat());
    if (pulumi.Output.isInstance<unknown>(dependsOn)) return dependsOn.apply(grantedAccess);
    if (dependsOn instanceof Promise) return pulumi.output(dependsOn.then(grantedAccess));
    return pulumi.output([]);
}
