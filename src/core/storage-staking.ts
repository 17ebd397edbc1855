/**
 * Storage staking after a callback body: nearcore checks, at the end of every receipt, that the account's
 * balance (liquid + locked) covers its storage (`storage_usage × storage byte cost`); a receipt that does
 * not is rolled back with LackBalanceForState, after every JavaScript `catch` has run. For a guarded
 * callback that would undo the settlement too and leave the operation pending. So the callback checks it
 * itself, while the body can still be undone as a unit: a shortfall is a body failure.
 */
import { near } from "near-sdk-js";
import { GuardError } from "./errors";

/**
 * Throws ERR_STORAGE_STAKING when the contract's balance (liquid + locked) no longer covers its storage
 * usage: the writes of the callback body (or the money it sent) left it below its storage staking.
 *
 * Why: a callback whose receipt fails LackBalanceForState is rolled back with its settlement; caught as a
 * body failure, its writes are undone and the flow settles on its refund path. Not covered: the growth of
 * the contract object's `STATE`, which near-sdk-js writes after the method (keep the data that grows in
 * collections); money sent by promises created after the check.
 * @internal
 * @example assertStorageStaked("on_purchase_resolved"); // inside the unit, before promises are created
 */
export function assertStorageStaked(method: string): void {
  const need = near.storageUsage() * near.storageByteCost();
  const have = near.accountBalance() + near.accountLockedBalance();
  if (have < need) {
    throw new GuardError(
      "ERR_STORAGE_STAKING",
      `${method}: the callback body's writes need ${need - have} yoctoNEAR more for storage staking than the contract holds (${near.storageUsage()} bytes); they were undone and the flow settles as a failed body. Top up the contract's balance, or make the users who add state pay for it.`,
    );
  }
}
