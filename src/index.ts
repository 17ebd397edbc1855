/**
 * near-callback-guards: guards that make NEAR cross-contract calls safe in near-sdk-js 2.x contracts.
 *
 * A flow starts in a public method with `startGuardedCall` (gas checked, operation recorded, locks
 * taken, credit staged) and ends in a callback decorated with `privateCallback`, `withRefundOnFailure`
 * and `deferCredit` (private, settles once, refunds on failure, credits on success, never half-applied).
 * Methods that must wait decorate themselves with `pendingLock`. Every guard goes BELOW `@call({...})`.
 *
 * Runs inside QuickJS on chain: no Node APIs, no dependency beyond near-sdk-js, tree-shakeable. Every
 * function of the contract side starts with QuickJS's `"use strip"` directive: qjsc then leaves out its
 * debug information (line table, names of locals), which near-sdk-js build would otherwise ship in the
 * wasm and QuickJS would read on every call (−15 % of the guards' bytes; their stack frames show no line).
 *
 * @example
 * @NearBindgen({ requireInit: true })
 * class Staking {
 *   validator = "";
 *   balances = new LookupMap<string>("b");
 *
 *   @call({ payableFunction: true })
 *   deposit_and_stake(): NearPromise {
 *     const amount = near.attachedDeposit();
 *     return startGuardedCall({
 *       kind: "stake", refund: amount, credit: amount,
 *       call: { contractId: this.validator, method: "stake", deposit: amount, gas: 50n * TGAS },
 *       callback: { method: "on_staked", gas: 20n * TGAS },
 *     });
 *   }
 *
 *   @call({})
 *   @privateCallback()
 *   @withRefundOnFailure()
 *   @deferCredit<Staking>({ apply: (self, { account, amount }) => self.credit(account, amount) })
 *   on_staked(_args: { op: string }, ctx: GuardedCallbackContext): boolean {
 *     return ctx.succeeded;
 *   }
 *
 *   @call({})
 *   @pendingLock()
 *   withdraw({ amount }: { amount: string }): NearPromise { ... }
 * }
 */
export { privateCallback, assertPrivateCallback, type PrivateCallbackParameters } from "./guards/private-callback";
export { withRefundOnFailure, type WithRefundOnFailureParameters } from "./guards/refund-on-failure";
export {
  claimBouncedRefund,
  resolveBouncedRefund,
  bouncedRefundOf,
  sendRefund,
  type SendRefundParameters,
  type ClaimBouncedRefundParameters,
  type ClaimBouncedRefundReturnType,
  type ResolveBouncedRefundParameters,
  type BouncedRefundDecision,
} from "./guards/bounced-refunds";
export { clearCorruptGuardState, type ClearCorruptGuardStateParameters, type CorruptGuardState, type CorruptStateDecision } from "./guards/clear-corrupt-guard-state";
export type { CallbackContext, GuardedCallbackContext } from "./core/callback-context";
export { deferCredit, applyDeferredCredit, type DeferCreditParameters, type StagedCredit } from "./guards/defer-credit";
export { pendingLock, assertNotLocked, isLocked, assertAvailable, type PendingLockParameters, type AssertAvailableParameters } from "./guards/pending-lock";
export {
  startGuardedCall,
  lastStartedOperation,
  DEFAULT_TTL_BLOCKS,
  type StartGuardedCallParameters,
  type StartGuardedCallReturnType,
  type ExternalCall,
  type GuardedCallbackTarget,
  type HoldParameters,
} from "./guards/start-guarded-call";
export { expireOperation, type ExpiryDecision, type ExpireOperationParameters, type ExpireOperationReturnType } from "./guards/expire-operation";
export { retryDeferredRefund, type RetryDeferredRefundParameters, type RetryDeferredRefundReturnType } from "./guards/retry-deferred-refund";
export { resolveRefundCheck, REFUND_CHECK_GRACE_BLOCKS, type RefundCheckDecision, type RefundCheckRecord, type ResolveRefundCheckParameters } from "./guards/resolve-refund-check";

export { getOperation, listOperations, operationToView, heldAmount, type PendingOperationView } from "./core/operation-ledger";
export type { PendingOperation, OperationHold, OperationStatus, ExternalOutcome } from "./core/operation-record";
export { readPromiseOutcomes, type PromiseOutcome, type PromiseSuccess, type PromiseFailure } from "./core/promise-outcomes";
export { GuardError, isGuardError, type GuardErrorCode } from "./core/errors";
export { parseU128, assertU128, parseAccountId, U128_MAX, type ParseU128Options } from "./core/amounts";
export {
  TGAS,
  REFUND_GAS,
  REFUND_CHECK_GAS,
  MAX_RESULT_BYTES,
  CALLBACK_OVERHEAD_GAS,
  SETTLE_STORAGE_OP_GAS,
  DEFAULT_START_GAS_MARGIN,
  settleGas,
  deferGas,
  claimGas,
  refundCheckGas,
  resultReadGas,
  refundReserveGas,
  guardedCallGas,
  functionCallFees,
  assertGuardedCallGas,
  type SettleGasParameters,
  type GuardedCallGasParameters,
  type GuardedCallGasBreakdown,
} from "./core/gas";
export { EVENT_STANDARD, EVENT_VERSION, emitGuardEvent, type GuardEventName, type GuardEventData, type GuardEventValue } from "./core/events";
export { lockKeyForAccount, lockKeyForResource, CONTRACT_LOCK_KEY, KEY_PREFIX, type GuardStorageSpace } from "./core/storage-keys";
export { markGuardCompatible, type GuardDecorator, type GuardName } from "./core/placement";
export { runAsUnit, type UnitResult } from "./core/unit-of-work";
export { settleOperation, type SettleParameters, type SettleReturnType, type CompensationContext } from "./core/settlement";
