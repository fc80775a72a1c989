// postject ships no types: the one function tools/release/plugin-binary.ts calls.
declare module "postject" {
    export function inject(
        filename: string,
        resourceName: string,
        resourceData: Buffer,
        options?: { sentinelFuse?: string; machoSegmentName?: string; overwrite?: boolean },
    ): Promise<void>;
}
