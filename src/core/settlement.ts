/**
 * Settling an operation: the last step of every path of a guarded flow (callback success, callback
 * failure, body error, expiry). Deletes the record, releases the locks and the hold, and sends the refund
 * when asked, from the contract's balance, with gas the callback reserved for it.
 */
import { near } from "near-sdk-js";
import { emitGuardEvent, type GuardEventData } from "./events";
import { deleteOperation, operationStorageBytes, restoreOperation, operationHome, type PendingOperation } from "./operation-ledger";
import { GuardError } from "./errors";
import { REFUND_GAS } from "./gas";

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
}

/**
 * Balance the contract can send without breaking storage staking once the operation's records are gone:
 * `balance + locked - (storage_usage - freed) × byte cost`. Conservative: ignores the zero-balance
 * allowance of small accounts and assumes the contract's `STATE` keeps its size.
 */
export function spendableAfterSettlement(op: PendingOperation, taken = false): bigint {
  const usage = near.storageUsage() - (taken ? 0n : operationStorageBytes(op));
  return near.accountBalance() + near.accountLockedBalance() - usage * near.storageByteCost();
}

/**
 * Settles `op`. When a refund is due but cannot be paid now (the contract's free balance is below the
 * refund, or the call's remaining gas is below REFUND_GAS), the operation is kept in flight with its
 * locks, a `refund_deferred` event is logged, and expiry decides later; nothing panics.
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
    if (near.prepaidGas() - near.usedGas() < REFUND_GAS) reason = "gas: less than REFUND_GAS left in this call";
    else if (spendableAfterSettlement(op, p.taken) < op.refund) reason = "balance: paying now would leave the contract below its storage staking";
    if (reason) {
      if (p.taken && !restoreOperation(op)) {
        // Only if the callback body started another operation on the same home key: keep everything
        // consistent by letting the protocol roll the whole callback back (the operation stays in flight).
        throw new GuardError("ERR_LOCKED", `cannot keep ${op.id} in flight for its deferred refund: its callback started another operation on "${operationHome(op.id)}"; the callback is rolled back, expire it later.`);
      }
      emitGuardEvent("refund_deferred", { op: op.id, account: op.account, amount: op.refund.toString(), reason });
      return { settled: false, refunded: false, deferredReason: reason };
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
