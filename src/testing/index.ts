/**
 * near-callback-guards/testing: a local NEAR runtime that runs near-sdk-js contracts from their source,
 * receipt by receipt, with nearcore's rules, behind a near-workspaces-style API.
 *
 * @example
 * import { Worker, parseNEAR, TGAS } from "near-callback-guards/testing";
 * const worker = await Worker.init();
 * const alice = await worker.rootAccount.createSubAccount("alice");
 * const counter = await worker.rootAccount.devDeploy("contracts/counter.ts");
 * await alice.call(counter, "increment", {});
 * console.log(await counter.view("get"));
 */
// First: names every missing optional peer dependency before a module that needs one loads.
export { testingDependenciesChecked } from "./check-dependencies.js";
export { Worker, type WorkerOptions } from "./workspaces/worker.js";
export { Account, type PendingTransaction, type CallOptions, type DevDeployOptions, type AccountBalance, type AccountView, type ContractState } from "./workspaces/account.js";
export { TransactionResult, TransactionFailedError } from "./workspaces/transaction-result.js";
export { parseNEAR, toYocto, encodeArgs, type Amount } from "./workspaces/args.js";
export { NEAR, InvalidNearAmountError } from "./workspaces/near-amount.js";
export { Chain, type ChainOptions, type FaultRule, type TransactionHandle, type TransactionOutcomes, type Block } from "./runtime/chain.js";
export {
  defaultRuntimeConfig,
  resolveRuntimeConfig,
  PROTOCOL_83_GAS_LIMITS,
  TGAS,
  ONE_NEAR,
  type RuntimeConfig,
  type RuntimeConfigOverrides,
  type RuntimeLimits,
  type Fee,
  type HostCosts,
} from "./runtime/config.js";
export { InvalidTxError } from "./runtime/invalid-tx-error.js";
export type { Action, ActionReceipt, DataReceipt, Receipt, ExecutionOutcome, ExecutionStatus, ReceiptFailure, StorageOpCounts } from "./runtime/types.js";
export { formatTrace, type TraceEntry } from "./runtime/trace.js";
export { bundleContract, renderContract, lastBundleStats, ContractBundleError, type ContractBundle, type RenderedContract, type BundleStats } from "./loader/bundle-contract.js";
export { type EngineName } from "./loader/engines.js";
export { isValidAccountId } from "./runtime/account-id.js";
// Interleaving explorer: every order of receipts causality allows, fault plans, invariants, replayable
// counterexamples (explore, replay, defineScenario, built-in invariants, explorerMatchers).
export * from "./explore/index.js";
export { checkGuardPlacement, type PlacementIssue, type PlacementIssueKind } from "./placement/check-guard-placement.js";
export { ContractSourceNotFoundError } from "./placement/read-contract-source.js";
export { explainGuardError, formatGuardErrorHelp, GUARD_ERROR_HELP, type GuardErrorHelp } from "./errors/explain-guard-error.js";
export { MissingDependenciesError, missingDependencies, TESTING_DEPENDENCIES, CLI_DEPENDENCIES, type TestingDependency } from "./dependencies.js";
