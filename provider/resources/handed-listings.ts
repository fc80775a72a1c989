/**
 * Listings read once and handed on once, within one provider instance: the plugin's component lists each
 * checkpoint it confirms (discovery), and the checkpoint's record, registered by the component, takes that listing
 * in its check instead of listing again. A preview of the component then sends one listing per checkpoint.
 *
 * Handed on once, then forgotten: a second check of the record (the update after a preview in the same process)
 * lists afresh, and the map holds at most what discovery confirmed (`listingLimits.maxCandidates`).
 */
import type { CheckpointPermissionsClient } from "../client";
import { listPermissions, type PermissionLister } from "./listing";
import type { CheckpointPermission } from "./types";

export class HandedListings {
    readonly #listings = new Map<string, Promise<CheckpointPermission[]>>();

    /** Lists through `client`, keeping each listing that succeeds for one later {@link take}. */
    keeping(client: CheckpointPermissionsClient): PermissionLister {
        return (checkpoint, progress) => {
            const listing = listPermissions(client, checkpoint, progress);
            this.#listings.set(checkpoint, listing);
            // A failed listing is not handed on: the record lists again, and reports its own error.
            listing.catch(() => this.#listings.delete(checkpoint));
            return listing;
        };
    }

    /** The listing kept for the checkpoint, once; undefined when none is kept (the caller lists). */
    take(checkpoint: string): Promise<CheckpointPermission[]> | undefined {
        const kept = this.#listings.get(checkpoint);
        this.#listings.delete(checkpoint);
        return kept;
    }
}
