/**
 * The checkpoints' whole listings of one program run, shared by every read of the run that lists a checkpoint
 * whole (../resources/listing.ts `PermissionLister`): `getSharedCheckpoints` confirming a candidate, then the
 * checkpoint's record, and any `getCheckpointPermissions` of it. A nightly audit of N checkpoints then lists each
 * once, not once to find it and again to record it. Reads that wait for `dependsOn` list afresh, not from here.
 */
import type { CheckpointPermissionsClient } from "../client";
import { listPermissions, type PermissionLister } from "../resources/listing";
import type { CheckpointPermission } from "../resources/types";
import { perProgramRun } from "./program-run";

/** By base URL and checkpoint; a failed listing is forgotten, so a later read tries again. */
const runListings = perProgramRun(() => new Map<string, Promise<CheckpointPermission[]>>());

/** The lister of this program run for `client`'s organization. */
export function programLister(client: CheckpointPermissionsClient): PermissionLister {
    return (checkpoint, progress) => {
        const listings = runListings();
        const key = JSON.stringify([client.baseUrl, checkpoint]);
        let listing = listings.get(key);
        if (listing === undefined) {
            listing = listPermissions(client, checkpoint, progress);
            listings.set(key, listing);
            listing.catch(() => listings.delete(key));
        }
        return listing;
    };
}
