/**
 * Storage staking after a callback body: nearcore checks, at the end of every receipt, that the account's
 * balance (liquid + locked) covers its storage (`storage_usage × storage byte cost`); a receipt that does
 * not is rolled back with LackBalanceForState, after every JavaScript `catch` has run. For a guarded
 * callback that would undo the settlement too and leave the operation pending. So the callback checks it
 * itself, while the body can still be undone as a unit: a shortfall is a body failure.
 */
import { near } from "near-sdk-js";
import { GuardError } from "./errors";
import { checkRecordBytes, spendable } from "./refund-check";
import { operationStorageBytes } from "./operation-ledger";
import type { PendingOperation } from "./operation-record";

/** Bytes kept free beyond a taken record's own for the waiting record a deferral writes (its fields can be longer). */
const WAITING_SLACK = 64n;

/** What a refund-path body or hook must leave for the settlement after it (see {@link settlementReserve}). */
export interface SettlementReserve {
  /** The refund the guard pays right after (0 when it cannot be paid now and will be deferred). */
  refund: bigint;
  /** Storage bytes of the room a waiting record needs (a deferral, or reconciliation, writes one). */
  bytes: bigint;
  /** Storage bytes of the refund's check record (0 when the refund is not paid now). */
  check: bigint;
}

/**
 * What settlement needs after a refund-path body or `compensate` hook of the taken operation `op`, which
 * owes `due`: room for a waiting record (a deferral, or reconciliation, writes one), and, when the refund
 * can be paid now, the refund itself and its check record. Measured before the body or hook runs, so their
 * writes cannot make a payable refund unpayable (or a waiting record unstakable) without failing as a unit.
 * @internal
 * @example const reserve = settlementReserve(op, refundDue(op, results)); // before the body
 */
export function settlementReserve(op: PendingOperation, due: bigint): SettlementReserve {
  "use strip";
  const check = due > 0n ? checkRecordBytes(op.account, due) : 0n;
  const payNow = due > 0n && spendable(check) >= due;
  return { refund: payNow ? due : 0n, bytes: operationStorageBytes(op) + WAITING_SLACK, check: payNow ? check : 0n };
}

/**
 * The storage checks of a body or hook run as a unit (runAsUnit's `beforePromise`, and `atEnd` at its end),
 * against `reserve()` read when each runs. Until the body creates a promise a failed check fails it cleanly,
 * so the whole reserve is checked; once a promise exists a failed check panics the callback (the operation
 * then waits for expiry), so `atEnd` only checks the room of a waiting record: settlement defers a refund it
 * cannot pay, and only writes that leave no room even for that panic.
 * @internal
 * @example const checks = storageChecks(name, () => reserve); runAsUnit(this, () => { body(); checks.atEnd(); }, checks.beforePromise);
 */
export function storageChecks(method: string, reserve: () => SettlementReserve | null): { beforePromise: () => void; atEnd: () => void } {
  "use strip";
  let promised = false;
  return {
    beforePromise: () => {
      assertStorageStaked(method, reserve());
      promised = true;
    },
    atEnd: () => {
      const r = reserve();
      assertStorageStaked(method, r && promised ? { refund: 0n, bytes: r.bytes, check: 0n } : r);
    },
  };
}

/**
 * Throws ERR_STORAGE_STAKING when the contract's balance (liquid + locked) no longer covers its storage
 * usage: the writes of the callback body (or the money it sent) left it below its storage staking. With a
 * `reserve`, the balance must also cover what settlement still pays and writes after the body or hook:
 * writes that fit only by spending the user's refund, or the room of the waiting record, would leave
 * settlement unable to pay or to keep the operation waiting (the callback would fail and the user's lock stay
 * held until expiry: REVIEW5-3, REVIEW6-1).
 *
 * Why: a callback whose receipt fails LackBalanceForState is rolled back with its settlement; caught as a
 * body failure, its writes are undone and the flow settles on its refund path. Not covered: the growth of
 * the contract object's `STATE`, which near-sdk-js writes after the method (keep the data that grows in
 * collections); money sent by promises created after the check.
 * @internal
 * @example assertStorageStaked("on_purchase_resolved", reserve); // inside the unit, before promises are created
 */
export function assertStorageStaked(method: string, reserve?: SettlementReserve | null): void {
  "use strip";
  const refund = reserve ? reserve.refund : 0n;
  const bytes = near.storageUsage() + (reserve ? reserve.bytes + reserve.check : 0n);
  const need = bytes * near.storageByteCost() + refund;
  const have = near.accountBalance() + near.accountLockedBalance();
  if (have < need || near.accountBalance() < refund) {
    throw new GuardError(
      "ERR_STORAGE_STAKING",
      `${method}: its writes need ${need - have} yoctoNEAR more for storage staking (${bytes} bytes${refund > 0n ? ", refund " + refund + " due" : ""}); undone`,
    );
  }
}
