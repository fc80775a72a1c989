/**
 * During a preview the engine sends values it does not know yet as this sentinel string (the SDK's
 * `runtime.unknownValue`, copied here so the provider process need not load the SDK's runtime).
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}
