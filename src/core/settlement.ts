/**
 * Settling an operation: the last step of every path of a guarded flow (callback success, callback
 * failure, body error, expiry). Deletes the record, releases the locks and the hold, and sends the refund
 * when asked, from the contract's balance, with gas the callback reserved for it.
 *
 * The rule a callback settles by (`settleCallback`): a refund is paid only with money that came back.
 * What came back for a flow = the deposits of the awaited calls that FAILED (NEAR returns a failed call's
 * deposit to its predecessor, this contract) + the part of `op.refund` the contract never sent
 * (`max(0, refund - Σ deposits)`, e.g. an escrow that keeps the buyer's deposit). When the flow did not
 * succeed, the callback refunds `min(op.refund, came back)` (`refundDue`). The callback body may not move
 * money on that path (ERR_BODY_MOVED_MONEY, see refund-on-failure.ts), so the guard's refund is the only
 * money that leaves for it; a body that refunds in the contract's books says so with
 * `ctx.refundInBooks()`, and the guard then sends no Transfer for that amount (`refund_in_books`). If part
 * of the refund did not come back, or a callee kept a deposit, nothing more leaves the contract: the contract's `compensate` hook takes over
 * what was kept, or the operation is kept for reconciliation (status `reconcile`, its verdict recorded,
 * the account's own lock key and the hold held, every other lock key released, the credit of what the
 * callees kept staged) until the owner decides through `expireOperation`.
 */
import { near, decode, encode } from "near-sdk-js";
import { emitGuardEvent, type GuardEventData, type GuardEventValue } from "./events";
import { deleteOperation, operationStorageBytes, restoreOperation, updateOperation, waitingShape, shedLocks } from "./operation-ledger";
import { operationHome, type PendingOperation, type ExternalOutcome } from "./operation-record";
import { GuardError } from "./errors";
import { settleGas, deferGas, type SettleGasParameters } from "./gas";
import { sendCheckedRefund, spendable, checkRecordBytes } from "./refund-check";
import { anyGuardedCallback } from "./callback-registry";
import { callStartGas, stateBytes } from "./env";
import type { PromiseOutcome } from "./promise-outcomes";

/** How an operation ends. */
export interface SettleParameters {
  /** Send a refund to `op.account` (`amount`, default `op.refund`). */
  refund: boolean;
  /** Amount to refund when `refund` is set. Default `op.refund`. */
  amount?: bigint;
  /** Reported in `lock_released.outcome`. */
  outcome: "success" | "refund" | "compensated" | "expired";
  /** The record was already removed by `takeOperation` (the callback path). */
  taken?: boolean;
  /** Guarded callback method the refund's bounce check goes to. Default: any `withRefundOnFailure` method of the contract. */
  checkMethod?: string;
  /** With `taken`: the record written back when the refund must be deferred. Default `op` itself. */
  deferAs?: PendingOperation;
}

/** What happened when settling. */
export interface SettleReturnType {
  /** True when the operation was deleted and its locks released. */
  settled: boolean;
  /** True when a refund transfer was created. */
  refunded: boolean;
  /** Why the operation was kept in flight, when `settled` is false. */
  deferredReason?: string;
  /** What was short, when `settled` is false: `"gas"` (less than `settleGas` left) or `"balance"`. */
  deferredBecause?: "gas" | "balance";
}

/** The shape of `op` for the gas estimates (see `settleGas`). */
function gasShape(op: PendingOperation): SettleGasParameters {
  "use strip";
  // Bytes, as the host charges them (an id on a multi-byte lock key is up to 3 bytes per character).
  return { lockKeys: op.lockKeys.length, hold: op.hold !== null, indexed: op.indexed, idBytes: encode(op.id).length + encode(op.account).length, calls: op.sent.length, startGas: callStartGas(), stateBytes: stateBytes() };
}

/**
 * The error for a refund asked of an owner action (expiry, retry) that settlement deferred: ERR_INSUFFICIENT_GAS
 * when the call was short of gas (retry with more), ERR_INSUFFICIENT_BALANCE when paying would break storage
 * staking (retry once the contract can pay). Thrown, so nothing the action did is kept.
 * @internal
 * @example if (!result.settled) throw refundNotPaid(op.refund, op.id, result);
 */
export function refundNotPaid(amount: bigint, id: string, result: Pick<SettleReturnType, "deferredBecause" | "deferredReason">): GuardError {
  "use strip";
  return new GuardError(result.deferredBecause === "gas" ? "ERR_INSUFFICIENT_GAS" : "ERR_INSUFFICIENT_BALANCE", `cannot refund ${amount} for ${id} now (${result.deferredReason}); retry ${result.deferredBecause === "gas" ? "with more gas" : "later"}`);
}

/**
 * The guarded method a refund's bounce check is sent to; ERR_GUARD_PLACEMENT when the contract has none.
 * @internal
 * @example const method = checkMethodFor();
 */
export function checkMethodFor(given?: string): string {
  "use strip";
  const method = given ?? anyGuardedCallback();
  if (!method) throw new GuardError("ERR_GUARD_PLACEMENT", "no @withRefundOnFailure() method to check refunds");
  return method;
}

/**
 * Why a refund of `amount` cannot be paid in this call (null when it can): gas left below `settleGas`
 * (throws ERR_INSUFFICIENT_GAS when even deferring would not fit), or a balance that cannot pay it and
 * still cover storage once `freed` bytes are released and the check record is written.
 */
function refundBlocker(op: PendingOperation, amount: bigint, freed: bigint): { reason: string; because: "gas" | "balance" } | null {
  "use strip";
  // Everything after this check must fit in the gas left: compare against the whole settlement, not
  // only the Transfer's fees, or a callback left with a little more than the fees runs out of gas
  // half-way (the lock then stays until expiry and nobody is told why).
  const left = near.prepaidGas() - near.usedGas();
  const need = settleGas(gasShape(op));
  if (left < need) {
    // Not even enough to defer: say so instead of running out of gas after a misleading
    // refund_deferred event. The panic rolls the call back; the operation stays in flight.
    const toDefer = deferGas(gasShape(op));
    if (left < toDefer) {
      throw new GuardError("ERR_INSUFFICIENT_GAS", `cannot settle ${op.id}: ${left} gas left, refunding needs ${need}, deferring ${toDefer}; retry with more gas or expire it`);
    }
    return { because: "gas", reason: `gas: ${left} left in this call, settling with a refund needs ${need}` };
  }
  if (spendable(checkRecordBytes(op.account, amount) - freed) < amount) {
    return { because: "balance", reason: "balance: not spendable without breaking storage staking" };
  }
  return null;
}

/** Throws ERR_INSUFFICIENT_GAS (the call is rolled back, the operation stays pending) when keeping `op` would not fit in the gas left. */
function assertDeferGas(op: PendingOperation): void {
  "use strip";
  const left = near.prepaidGas() - near.usedGas();
  const need = deferGas(gasShape(op));
  if (left < need) throw new GuardError("ERR_INSUFFICIENT_GAS", `cannot keep ${op.id}: ${left} gas left, ${need} needed`);
}

/**
 * Keeps a taken operation waiting for reconciliation as `record` (status `reconcile`, never `pending`: its
 * callback ran). Frees the `released` lock keys first (their pointers free bytes), then writes the record,
 * then checks the contract still covers its storage staking. If it does not (the waiting record is a few
 * bytes longer than the pending one and the contract sits at its storage minimum), throws
 * ERR_STORAGE_STAKING: the callback fails loudly and is rolled back (nearcore would fail it anyway with
 * LackBalanceForState), so the operation stays pending as before its callback, and expires after its TTL.
 */
function keepWaiting(op: PendingOperation, record: PendingOperation, released: readonly string[]): void {
  shedLocks(op, released);
  putBack(op, record);
  const need = near.storageUsage() * near.storageByteCost();
  const have = near.accountBalance() + near.accountLockedBalance();
  if (have < need) {
    throw new GuardError(
      "ERR_STORAGE_STAKING",
      `cannot keep ${op.id}: ${need - have} yoctoNEAR short of storage staking`,
    );
  }
}

/** Writes `record` back at its home after takeOperation; throws ERR_LOCKED (the call is rolled back) when the body took the home meanwhile. */
function putBack(op: PendingOperation, record: PendingOperation): void {
  "use strip";
  if (!restoreOperation(record)) {
    // Only if the callback body started another operation on the same home key: keep everything
    // consistent by letting the protocol roll the whole callback back (the operation stays pending).
    throw new GuardError("ERR_LOCKED", `cannot keep ${op.id}: its callback locked "${operationHome(op.id)}" again`);
  }
}

/**
 * Settles `op`. When a refund is due but cannot be paid now (the contract's free balance is below the
 * refund, or the call's remaining gas is below `settleGas` for this operation: the Transfer and its bounce
 * check, the events, the ledger's storage operations, near-sdk-js saving STATE and the JavaScript), the
 * operation is kept (on the callback path: as the waiting record `deferAs`, status `reconcile`, with only
 * the account's own lock key and its hold: shared keys are released first, see `keepWaiting`), a
 * `refund_deferred` event is logged, and nothing panics (unless the waiting record cannot be staked:
 * ERR_STORAGE_STAKING, the callback is rolled back). With less gas left than even
 * deferring needs (`deferGas`), it throws ERR_INSUFFICIENT_GAS instead: the call panics and is rolled
 * back, so the operation stays as it was.
 *
 * A refund is a lone Transfer followed by a bounce check (see refund-check.ts): `refund_sent` means the
 * Transfer was created; a `refund_bounced` event follows if it fails.
 *
 * Why: one place where locks are released and money leaves, so every path does it the same way once.
 * Not covered: applying the credit (deferCredit does it before settlement, inside the unit).
 *
 * @example
 * settleOperation(op, { refund: true, outcome: "expired" });
 */
export function settleOperation(op: PendingOperation, p: SettleParameters): SettleReturnType {
  "use strip";
  const amount = p.refund ? (p.amount ?? op.refund) : 0n;
  const method = amount > 0n ? checkMethodFor(p.checkMethod) : "";
  if (amount > 0n) {
    const blocked = refundBlocker(op, amount, p.taken ? 0n : operationStorageBytes(op));
    if (blocked) {
      // The waiting record keeps only the account's own lock key (shared keys are released first, see
      // keepWaiting); a callback-ran operation is never written back as `pending`.
      const data: GuardEventData = { op: op.id, account: op.account, amount: amount.toString(), reason: blocked.reason };
      if (p.taken) {
        const waiting = waitingShape(p.deferAs ?? { ...op, status: "reconcile", returned: 0n });
        keepWaiting(op, waiting.record, waiting.released);
        if (waiting.released.length > 0) data.released = waiting.released;
      }
      emitGuardEvent("refund_deferred", data);
      return { settled: false, refunded: false, deferredReason: blocked.reason, deferredBecause: blocked.because };
    }
  }
  deleteOperation(op, p.taken);
  if (op.lockKeys.length > 0 || op.hold) {
    const data: GuardEventData = { op: op.id, outcome: p.outcome };
    if (op.hold) data.hold = op.hold.amount.toString();
    emitGuardEvent("lock_released", data);
  }
  if (amount > 0n) {
    const check = sendCheckedRefund(op.account, amount, method);
    emitGuardEvent("refund_sent", { op: op.id, account: op.account, amount: amount.toString(), check });
  }
  return { settled: true, refunded: amount > 0n };
}

/**
 * Pays a waiting operation the money that came back for it (`op.returned`, a refund that was deferred):
 * when that is everything still due and no credit is staged, the operation is settled (deleted, locks and
 * hold released); otherwise the returned part is refunded and the operation keeps waiting for the owner
 * with the rest (`refund - paid`, `returned` 0). Pays nothing when the balance or the gas left cannot
 * (`settled: false, refunded: false`, with the reason). Never pays more than `op.returned`.
 * @internal
 * @example const r = settleReturned(op); // op.status === "reconcile" && op.returned > 0n
 */
export function settleReturned(op: PendingOperation): SettleReturnType {
  const amount = op.returned < op.refund ? op.returned : op.refund;
  if (amount === op.refund && op.credit === 0n) return settleOperation(op, { refund: true, amount, outcome: "refund" });
  const method = checkMethodFor();
  const blocked = refundBlocker(op, amount, 0n);
  if (blocked) return { settled: false, refunded: false, deferredReason: blocked.reason, deferredBecause: blocked.because };
  updateOperation({ ...op, refund: op.refund - amount, returned: 0n });
  const check = sendCheckedRefund(op.account, amount, method);
  emitGuardEvent("refund_sent", { op: op.id, account: op.account, amount: amount.toString(), check });
  return { settled: false, refunded: true, deferredReason: "reconcile" };
}

/** What the contract's `compensate` hook receives (see `WithRefundOnFailureParameters.compensate`). */
export interface CompensationContext {
  /** The operation (its staged credit was not applied). */
  readonly op: PendingOperation;
  /** The awaited calls' outcomes. */
  readonly results: readonly PromiseOutcome[];
  /** What the guard refunds to `op.account` from money that came back. */
  readonly paid: bigint;
  /** Part of `op.refund` the guard does not pay: it did not come back. */
  readonly outstanding: bigint;
  /** Per awaited call, the deposit the callee kept (its call succeeded; 0 for failed calls). */
  readonly kept: readonly bigint[];
}

/** What `settleCallback` needs besides the operation. */
export interface CallbackSettlement {
  /** The verdict said success and the body (and credit) completed. */
  ok: boolean;
  /** The awaited calls' outcomes. */
  results: readonly PromiseOutcome[];
  /** The guarded method running (the refund's bounce check comes back to it). */
  method: string;
  /** Runs the contract's compensation as a unit; true when it returned. */
  compensate?: (context: CompensationContext) => boolean;
  /**
   * yoctoNEAR of the refund the callback body credited to `op.account` in the contract's books
   * (`ctx.refundInBooks()`; 0 when the body threw, and its book writes were undone). The guard sends no
   * Transfer for it: the money that came back stays in the contract, owed by its books.
   */
  inBooks?: bigint;
}

/**
 * The credit a record kept for the owner still stages: the share of `op.credit` that matches what the
 * callees kept (`credit × kept / Σ sent`, rounded down), 0 when nothing was kept. The rest of the deposit
 * came back and is refunded (or held for the refund), so an owner hook that books `op.credit` can never
 * credit the user for money the user also gets back.
 */
function keptCredit(op: PendingOperation, kept: bigint, sent: bigint): bigint {
  return sent > 0n && kept > 0n ? (op.credit * (kept < sent ? kept : sent)) / sent : 0n;
}

/** Up to 32 bytes of a successful result, as text, for events. */
function prefixOf(r: PromiseOutcome): string {
  "use strip";
  return r.status === "success" && r.bytes.length > 0 ? decode(r.bytes.slice(0, 32)) : "";
}

/**
 * What a callback owes `op.account` on its refund path: `min(op.refund, came back)`, where what came back
 * is the deposits of the awaited calls that failed plus the part of `op.refund` the flow never sent.
 * @internal
 * @example const due = refundDue(op, callback.results);
 */
export function refundDue(op: PendingOperation, results: readonly PromiseOutcome[]): bigint {
  let sentTotal = 0n;
  let cameBack = 0n;
  op.sent.forEach((deposit, i) => {
    sentTotal += deposit;
    if (results[i] && results[i].status === "failure") cameBack += deposit;
  });
  if (op.refund > sentTotal) cameBack += op.refund - sentTotal;
  return op.refund < cameBack ? op.refund : cameBack;
}

/**
 * Settles the operation a callback claimed, by the rule of this file's comment: on success nothing is
 * refunded; otherwise `min(op.refund, came back)` is refunded and, if part of the refund did not come
 * back or a callee kept a deposit, the contract's compensation runs or the operation is kept for
 * reconciliation (`reconcile_required`).
 * @internal
 * @example settleCallback(op, { ok, results: callback.results, method: name });
 */
export function settleCallback(op: PendingOperation, s: CallbackSettlement): SettleReturnType {
  "use strip";
  if (s.ok) return settleOperation(op, { refund: false, outcome: "success", taken: true });
  const external: ExternalOutcome[] = op.sent.map((_, i) => (s.results[i] && s.results[i].status === "failure" ? "failure" : "success"));
  let sentTotal = 0n;
  const kept: bigint[] = [];
  op.sent.forEach((deposit, i) => {
    sentTotal += deposit;
    kept.push(external[i] === "failure" ? 0n : deposit);
  });
  const payable = refundDue(op, s.results);
  const outstanding = op.refund - payable;
  // The body took the refund over in the contract's books (ctx.refundInBooks()): no Transfer for it.
  const inBooks = s.inBooks ?? 0n;
  const byBody = inBooks < payable ? inBooks : payable;
  const pay = payable - byBody;
  if (byBody > 0n) emitGuardEvent("refund_in_books", { op: op.id, account: op.account, amount: byBody.toString() });
  let keptTotal = 0n;
  for (const k of kept) keptTotal += k;
  // Deferred, the refund waits as a `reconcile` record: what is due, backed by what came back.
  const deferAs: PendingOperation = { ...op, status: "reconcile", external, refund: pay, returned: pay, credit: 0n };
  if (outstanding === 0n && keptTotal === 0n) return settleOperation(op, { refund: true, amount: pay, outcome: "refund", taken: true, checkMethod: s.method, deferAs });
  if (s.compensate && s.compensate({ op, results: s.results, paid: pay, outstanding, kept })) {
    emitGuardEvent("compensated", { op: op.id, kept: keptTotal.toString(), outstanding: outstanding.toString() });
    return settleOperation(op, { refund: true, amount: pay, outcome: "compensated", taken: true, checkMethod: s.method, deferAs });
  }
  // Kept for reconciliation: nothing beyond what came back leaves the contract.
  const results: GuardEventValue[] = s.results.map((r) => ({ status: r.status, size: r.status === "success" ? String(r.size) : "0", prefix: prefixOf(r) }));
  // It keeps only the account's own lock key and its hold: shared keys are released, so a flow that waits
  // for the owner never blocks other users (REVIEW-1).
  const shaped = waitingShape({ ...op, status: "reconcile", external, refund: op.refund - byBody, returned: pay, credit: keptCredit(op, keptTotal, sentTotal) });
  const waiting = shaped.record;
  const blocked = pay > 0n ? refundBlocker(op, pay, -operationStorageBytes(waiting)) : null;
  if (pay === 0n) assertDeferGas(op);
  const paid = blocked ? 0n : pay;
  keepWaiting(op, { ...waiting, refund: op.refund - byBody - paid, returned: pay - paid }, shaped.released);
  if (blocked) emitGuardEvent("refund_deferred", { op: op.id, account: op.account, amount: pay.toString(), reason: blocked.reason });
  else if (paid > 0n) {
    const check = sendCheckedRefund(op.account, paid, s.method);
    emitGuardEvent("refund_sent", { op: op.id, account: op.account, amount: paid.toString(), check });
  }
  emitGuardEvent("reconcile_required", {
    op: op.id,
    account: op.account,
    paid: paid.toString(),
    outstanding: (op.refund - byBody - paid).toString(),
    kept: keptTotal.toString(),
    results,
    released: shaped.released,
  });
  return { settled: false, refunded: paid > 0n, deferredReason: blocked ? blocked.reason : "reconcile", deferredBecause: blocked ? blocked.because : undefined };
}
