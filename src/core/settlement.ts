/**
 * Settling an operation: the last step of every path of a guarded flow (callback success, callback
 * failure, body error, expiry). Deletes the record, releases the locks and the hold, and sends the refund
 * when asked, from the contract's balance, with gas the callback reserved for it.
 */
import { near } from "near-sdk-js";
import { emitGuardEvent, type GuardEventData } from "./events";
import { deleteOperation, operationStorageBytes, restoreOperation } from "./operation-ledger";
import { operationHome, type PendingOperation } from "./operation-record";
import { GuardError } from "./errors";
import { settleGas, deferGas, type SettleGasParameters } from "./gas";

/** How an operation ends. */
export interface SettleParameters {
  /** Send `op.refund` back to `op.account`. */
  refund: boolean;
  /** Reported in `lock_released.outcome`. */
  outcome: "success" | "refund" | "expired";
  /** The record was already removed by `takeOperation` (the callback path). */
  taken?: boolean;
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

/**
 * Balance the contract can send without breaking storage staking once the operation's records are gone:
 * `min(balance, balance + locked - (storage_usage - freed) × byte cost)`, never below 0. A Transfer can
 * only spend the liquid `balance` (more aborts the call with BalanceExceeded), and what stays must cover
 * storage together with the locked (staked) balance. Conservative: ignores the zero-balance allowance
 * of small accounts and assumes the contract's `STATE` keeps its size.
 */
function spendableAfterSettlement(op: PendingOperation, taken = false): bigint {
  const balance = near.accountBalance();
  const usage = near.storageUsage() - (taken ? 0n : operationStorageBytes(op));
  // Locked balance counts towards storage staking, never towards what can be sent: with locked above
  // the storage cost, `balance + locked - cost` exceeds `balance`, and a refund sized by it would abort.
  const afterStorage = balance + near.accountLockedBalance() - usage * near.storageByteCost();
  const spendable = afterStorage < balance ? afterStorage : balance;
  return spendable > 0n ? spendable : 0n;
}

/** The shape of `op` for the gas estimates (see `settleGas`). */
function gasShape(op: PendingOperation): SettleGasParameters {
  return { lockKeys: op.lockKeys.length, hold: op.hold !== null, indexed: op.indexed, idBytes: op.id.length + op.account.length };
}

/**
 * Settles `op`. When a refund is due but cannot be paid now (the contract's free balance is below the
 * refund, or the call's remaining gas is below `settleGas` for this operation: the Transfer, the events,
 * the ledger's storage operations, near-sdk-js saving STATE and the JavaScript), the operation is kept in
 * flight with its locks, a `refund_deferred` event is logged, and expiry decides later; nothing panics.
 * With less gas left than even deferring needs (`deferGas`), it throws ERR_INSUFFICIENT_GAS instead: the
 * call panics and is rolled back, so the operation stays in flight until expiry all the same.
 *
 * Why: one place where locks are released and money leaves, so every path does it the same way once.
 * Not covered: applying the credit (deferCredit does it before settlement, inside the unit).
 *
 * @example
 * settleOperation(op, { refund: true, outcome: "refund" });
 */
export function settleOperation(op: PendingOperation, p: SettleParameters): SettleReturnType {
  const refund = p.refund && op.refund > 0n;
  if (refund) {
    let reason: string | undefined;
    let because: "gas" | "balance" | undefined;
    // Everything after this check must fit in the gas left: compare against the whole settlement, not
    // only the Transfer's fees, or a callback left with a little more than the fees runs out of gas
    // half-way (the lock then stays until expiry and nobody is told why).
    const left = near.prepaidGas() - near.usedGas();
    const need = settleGas(gasShape(op));
    if (left < need) {
      // Not even enough to defer: say so instead of running out of gas after a misleading
      // refund_deferred event. The panic rolls the call back; the operation stays for expiry.
      const toDefer = deferGas(gasShape(op));
      if (left < toDefer) {
        throw new GuardError("ERR_INSUFFICIENT_GAS", `cannot settle ${op.id}: ${left} gas left, refunding needs ${need} and deferring ${toDefer}; the call is rolled back and the operation stays in flight: retry with more gas, or expire it later.`);
      }
      because = "gas";
      reason = `gas: ${left} left in this call, settling with a refund needs ${need}`;
    } else if (spendableAfterSettlement(op, p.taken) < op.refund) {
      because = "balance";
      reason = "balance: paying now would leave the contract below its storage staking or exceed its liquid balance";
    }
    if (reason) {
      if (p.taken && !restoreOperation(op)) {
        // Only if the callback body started another operation on the same home key: keep everything
        // consistent by letting the protocol roll the whole callback back (the operation stays in flight).
        throw new GuardError("ERR_LOCKED", `cannot keep ${op.id} in flight for its deferred refund: its callback started another operation on "${operationHome(op.id)}"; the callback is rolled back, expire it later.`);
      }
      emitGuardEvent("refund_deferred", { op: op.id, account: op.account, amount: op.refund.toString(), reason });
      return { settled: false, refunded: false, deferredReason: reason, deferredBecause: because };
    }
  }
  deleteOperation(op, p.taken);
  if (op.lockKeys.length > 0 || op.hold) {
    const data: GuardEventData = { op: op.id, outcome: p.outcome };
    if (op.hold) data.hold = op.hold.amount.toString();
    emitGuardEvent("lock_released", data);
  }
  if (refund) {
    const promise = near.promiseBatchCreate(op.account);
    near.promiseBatchActionTransfer(promise, op.refund);
    emitGuardEvent("refund_sent", { op: op.id, account: op.account, amount: op.refund.toString() });
  }
  return { settled: true, refunded: refund };
}
