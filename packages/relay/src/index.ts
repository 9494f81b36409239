export {
  createRelay,
  RELAY_DEFAULTS,
  RELAY_PARTITIONS,
  SOLE_RELAY,
  type Relay,
  type RelayDeps,
  type RelayHooks,
  type RelayOptions,
  type RoundResult,
} from "./relay";
export { serverEmitter, type RelayEmitter } from "./emitter";
export { createRetentionWorker, type RetentionWorkerOptions } from "./retention";
export { relayMemberId, shareOf } from "./membership";
