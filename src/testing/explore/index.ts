/**
 * The interleaving explorer: every order of receipts causality allows, every fault choice, invariants,
 * replayable counterexamples.
 */
export { explore } from "./explore.js";
export { replay, type ReplayOptions } from "./replay.js";
export { defineScenario } from "./scenario.js";
export { explorerMatchers } from "./matchers.js";
export {
  conservation,
  noPendingCallbacks,
  noLocksHeld,
  noLeftoverStorage,
  noNetGain,
  noContractLoss,
  invariant,
  formatYocto,
  type LocksView,
  type StoragePrefix,
  type ContractBooks,
} from "./invariants.js";
export { ScheduleMismatchError } from "./choices.js";
export { parseScheduleId, encodeScheduleId, type ParsedScheduleId, type ChoiceSettings } from "./schedule-id.js";
export { renderTimeline } from "./timeline.js";
export { renderMermaid, type MermaidOptions } from "./mermaid.js";
export type {
  Scenario,
  NamedAccounts,
  TxSpec,
  FaultSpec,
  FaultKind,
  Invariant,
  InvariantLike,
  InvariantVerdict,
  InvariantContext,
  StateReader,
  TxRun,
  ExploreOptions,
  ExploreReport,
  Counterexample,
  ViolationSummary,
  InvariantFailure,
  ReplayResult,
} from "./types.js";
