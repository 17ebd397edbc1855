/**
 * Refunds whose arrival is checked. Every refund the guards send is a lone Transfer (so that nearcore
 * still creates a missing NEAR-implicit account from it) followed by `.then(check)`: a call back to a
 * guarded callback method of this contract with the reserved argument `ncg_refund`. The check reads the
 * Transfer's outcome; if it failed (a named account deleted while the flow was in flight), the money has
 * come back to the contract (R15/R17) and the check records it as claimable by that account, under a
 * guard key, with a `refund_bounced` event.
 *
 * A check cannot be forged: the amount and the account come from a check record the refund wrote
 * (`FF 't'` + id), which the check removes (so it runs once), never from the arguments; the arguments
 * only name the record. The check is private (predecessor = this contract, exactly one promise result).
 */
import { near, decode, encode } from "near-sdk-js";
import { GuardError } from "./errors";
import { emitGuardEvent } from "./events";
import { hostEnv, SCRATCH_REGISTER, callStartGas, stateBytes } from "./env";
import { guardKey, lockKeyForAccount } from "./storage-keys";
import { writeGuard, removeGuard, corruptGuardState, addAmount } from "./guard-storage";
import { refundCheckGas } from "./gas";

/**
 * The reserved argument of a refund check, as it arrives at a guarded callback method: `{ ncg_refund: "<check id>" }`.
 * @internal
 * @example if (isRefundCheck(args)) return handleRefundCheck(name);
 */
export const REFUND_CHECK_ARG = "ncg_refund";

/**
 * True when `args` are a refund check's arguments (handled by the guards before anything else).
 * @internal
 * @example if (isRefundCheck(args)) return inner.call(this, args);
 */
export function isRefundCheck(args: unknown): boolean {
  "use strip";
  return !!args && typeof args === "object" && typeof (args as Record<string, unknown>)[REFUND_CHECK_ARG] === "string";
}

/**
 * What the contract can send without breaking storage staking once its storage usage changed by
 * `storageDelta` bytes: `min(balance, balance + locked - usage × byte cost)`, never below 0. A Transfer can
 * only spend the liquid balance (more aborts the call), and what stays must cover storage together with
 * the locked (staked) balance. Conservative: ignores the zero-balance allowance of small accounts and
 * assumes the contract's `STATE` keeps its size.
 * @internal
 * @example if (spendable(-freedBytes + checkRecordBytes(account, amount)) < amount) defer();
 */
export function spendable(storageDelta: bigint): bigint {
  "use strip";
  const balance = near.accountBalance();
  const afterStorage = balance + near.accountLockedBalance() - (near.storageUsage() + storageDelta) * near.storageByteCost();
  const s = afterStorage < balance ? afterStorage : balance;
  return s > 0n ? s : 0n;
}

/**
 * Storage bytes a check record for a refund of `amount` to `account` takes while the Transfer is in flight
 * (key, value and NEAR's 40-byte record overhead).
 * @internal
 * @example spendable(checkRecordBytes(op.account, op.refund));
 */
export function checkRecordBytes(account: string, amount: bigint): bigint {
  "use strip";
  return BigInt(2 + 16 + encode(account).length + amount.toString().length + 40);
}

/**
 * Sends `amount` to `account` as a lone Transfer whose outcome is checked by the guarded callback
 * `method` of this contract (static gas `refundCheckGas` of this call's measured start). Returns the check id. The caller checks gas
 * and balance first (see `settleGas`, `spendable`).
 * @internal
 * @example sendCheckedRefund(op.account, op.refund, "on_staked");
 */
export function sendCheckedRefund(account: string, amount: bigint, method: string): string {
  "use strip";
  const base = near.blockIndex().toString(36);
  let id = "";
  for (let n = 0; id === ""; n++) {
    const candidate = (n === 0 ? base : base + "." + n) + ":" + account;
    const key = guardKey("check", candidate);
    const evicted = writeGuard(key, amount.toString());
    if (evicted === null) id = candidate;
    else near.storageWriteRaw(key, evicted); // another refund to the same account in this block
  }
  const transfer = near.promiseBatchCreate(account);
  near.promiseBatchActionTransfer(transfer, amount);
  near.promiseThen(transfer, near.currentAccountId(), method, JSON.stringify({ [REFUND_CHECK_ARG]: id }), 0n, refundCheckGas(callStartGas(), stateBytes()));
  return id;
}

/**
 * Handles a refund check arriving at the guarded method `method`: private (predecessor is this contract,
 * exactly one promise result), runs once (removes its check record), and, if the Transfer failed, adds
 * the amount to what the account can claim (`refund_bounced`). A check whose record is gone does nothing.
 * @internal
 * @example if (isRefundCheck(args)) { handleRefundCheck(name, args); return undefined; }
 */
export function handleRefundCheck(method: string, args: unknown): void {
  "use strip";
  const current = near.currentAccountId();
  if (near.predecessorAccountId() !== current) {
    throw new GuardError("ERR_NOT_PRIVATE_CALLBACK", `${method} is a private callback, refused for ${near.predecessorAccountId()}`);
  }
  const env = hostEnv();
  if (env.promise_results_count() !== 1n) {
    throw new GuardError("ERR_NOT_A_CALLBACK", method + " only runs as a callback");
  }
  const id = (args as Record<string, string>)[REFUND_CHECK_ARG];
  const key = guardKey("check", id);
  const raw = removeGuard(key);
  if (raw === null) return;
  const value = decode(raw);
  const colon = id.indexOf(":");
  if (!/^[0-9]{1,39}$/.test(value) || colon < 0) {
    near.storageWriteRaw(key, raw);
    throw corruptGuardState("check", id, raw);
  }
  // 1 = the Transfer succeeded (its value is empty), 2 = it failed and the amount came back.
  if (env.promise_result(0, SCRATCH_REGISTER) === 1n) return;
  const account = id.slice(colon + 1);
  const claimable = addAmount("claim", lockKeyForAccount(account), BigInt(value));
  emitGuardEvent("refund_bounced", { account, amount: value, claimable: claimable.toString(), check: id });
}
