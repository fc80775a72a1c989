/**
 * A local emulator of OpenAI's fine-tuning checkpoint-permissions API, with the organization's audit log and
 * projects beside it, for tests (ours and users').
 *
 *     const emulator = await startEmulator({ seed });
 *     // point a client at emulator.baseUrl with the key emulator.adminKey
 *     emulator.inject({ kind: "status", status: 429, retryAfter: 1 });
 *     await emulator.close();
 *
 * The same emulator runs stand-alone with `npm run emulator -- --port 8787 --seed seed.json` and is then
 * driven over HTTP through the `/_emulator/*` control endpoints (see ./control.ts).
 */
export { startEmulator } from "./server";
export type { ChangeOptions, EmulatorOptions, RunningEmulator, RequestLogEntry } from "./server";
export type { ApiKeyActorOption, EmulatorActor, SessionActorOption } from "./actors";
export { DEFAULT_ADMIN_KEY_ACTOR, DEFAULT_DASHBOARD_ACTOR, DEFAULT_OWNER } from "./actors";
export { DEFAULT_PROJECT_ID, InvalidActorError } from "./organization";
export { loadSeedFile, parseSeed, EmulatorSeedError } from "./seed";
export type { EmulatorSeed } from "./seed";
export { generateSeed, InvalidGenerateSeedOptionsError, MAX_GENERATED_EVENTS, MAX_GENERATED_PERMISSIONS } from "./generated-seed";
export type { GenerateSeedOptions } from "./generated-seed";
export { InvalidFaultError } from "./faults";
export { InvalidConditionsError } from "./conditions";
export type { ConditionChanges, ConditionOptions, EmulatorConditions, RateLimit } from "./conditions";
export type {
    Fault,
    FaultMatcher,
    Operation,
    LatencyFault,
    StatusFault,
    ResetFault,
    MalformedFault,
    StuckCursorFault,
    PendingFault,
} from "./faults";
export { DEFAULT_ADMIN_KEY } from "./auth";
export { CONTROL_BASE_PATH } from "./control";
