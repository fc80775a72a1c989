/**
 * `SharedCheckpointRecords` for TypeScript programs: every checkpoint the organization shares, each recorded as a
 * `CheckpointPermissions` (../components/shared-checkpoint-records.ts), read with the program's client.
 *
 * ```ts
 * const organization = new SharedCheckpointRecords("acme", { attribution: true });
 * export const shared = organization.checkpointIds;
 * ```
 */
import type * as pulumi from "@pulumi/pulumi";
import { SharedCheckpointRecordsComponent, type RecordingSurface, type SharedCheckpointRecordsArgs } from "../components/shared-checkpoint-records";
import { CheckpointPermissions } from "./checkpointPermissions";
import { getSharedCheckpoints } from "./getSharedCheckpoints";

export type { SharedCheckpointRecordsArgs };

const dynamicRecording: RecordingSurface = {
    discover: (include, parent) => getSharedCheckpoints({ include }, { parent }),
    record: (name, args, opts) => new CheckpointPermissions(name, args, opts),
};

export class SharedCheckpointRecords extends SharedCheckpointRecordsComponent {
    constructor(name: string, args: SharedCheckpointRecordsArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(dynamicRecording, name, args, opts);
    }
}
