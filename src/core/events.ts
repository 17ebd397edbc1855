/**
 * NEP-297 events. Each state transition of a guarded flow logs one of these as
 * `EVENT_JSON:{"standard":"nep297-callback-guards","version":"1.2.0","event":"<name>","data":[{...}]}`,
 * so indexers, wallets and tests can follow money and locks without reading contract storage.
 * Payloads are kept short on purpose: a log byte costs about 0.3 Ggas (UTF-8 decoding + log fees).
 *
 * Read them with the receipt's status. Logs survive a failed receipt (they stay in its outcome), so a
 * callback that had to panic leaves its `callback_failed` event behind; but so does everything else it
 * logged before failing: a `lock_released` or `refund_sent` in a receipt that then ran out of gas
 * describes a change that was rolled back (the operation is still in flight). Count only the events of
 * successful receipts as done. Likewise a callback body undone as a unit (`callback_failed`) may have
 * logged events of its own (e.g. a `lock_acquired` for a flow it started and whose writes were undone):
 * that flow does not exist.
 */
import { near } from "near-sdk-js";

/**
 * The `standard` field of every event, for consumers that filter logs. Not covered: the contract's own
 * events, which use their own standard.
 *
 * @example
 * const mine = logs.filter((l) => l.startsWith("EVENT_JSON:") && JSON.parse(l.slice(11)).standard === EVENT_STANDARD);
 */
export const EVENT_STANDARD = "nep297-callback-guards";
/**
 * The `version` field of every event; bumped on any change of an event's payload.
 *
 * @example
 * if (event.version !== EVENT_VERSION) throw new Error("unknown event format");
 */
export const EVENT_VERSION = "1.2.0";

/**
 * Names of the events:
 * - `lock_acquired`: a flow started: its locks and hold are taken (`op`, `kind`, `account`, `keys`, `expires_at`, and `hold` if any).
 * - `lock_released`: its locks and hold are released (`op`, `outcome`: `success` | `refund` | `compensated` | `expired`, and `hold` if any).
 * - `lock_expired`: expiry ran the contract's hook (`op`, `decision`: `refund` | `resolved` | `keep`, `status`: `pending` | `reconcile`).
 * - `credit_applied`: the staged credit was applied after success (`op`, `account`, `amount`).
 * - `refund_sent`: a refund Transfer was CREATED (`op`, `account`, `amount`). It is not proof of arrival: the
 *   Transfer runs a block later, and if the account no longer exists it bounces, which `refund_bounced`
 *   reports. No `refund_bounced` for the same transfer (`check`) means it arrived.
 * - `refund_bounced`: a refund Transfer failed (the account was deleted meanwhile); the money came back and
 *   is recorded as claimable by the account (`account`, `amount`, `claimable`: the account's new total).
 * - `refund_claimed`: a bounced refund was paid out again (`account`, `amount`); a new Transfer, checked the same way.
 * - `claim_resolved`: the owner settled a bounced refund (`account`, `amount`, `decision`).
 * - `check_resolved`: the owner resolved a refund check record its check left behind (it ran out of gas):
 *   `check`, `account`, `amount`, `decision` (`arrived` | `bounced` | `keep`; `bounced` is followed by `refund_bounced`).
 * - `refund_in_books`: on a refund path the callback body took the refund over with `ctx.refundInBooks()`:
 *   `amount` (money that came back) was credited to `account` in the contract's own books, so the guard
 *   sent no Transfer for it and the money stays in the contract, owed by its books (`op`, `account`, `amount`).
 * - `refund_deferred`: the refund could not be paid now; the operation waits for the owner (`op`, `account`,
 *   `amount`, `reason`, and `released`: the lock keys it let go, when it keeps only the account's own).
 * - `reconcile_required`: the flow did not succeed and not everything it sent came back (the callee kept a
 *   deposit); nothing is paid from the contract's own balance. The operation is kept with only the
 *   account's own lock key and its hold (every other key is released: `released`), and the credit of what
 *   the callees kept staged, until the owner decides (`op`, `account`, `paid`, `outstanding`, `kept`,
 *   `released`, `results`: per awaited call `{ status, size, prefix }` with up to 32 bytes of the value as
 *   text).
 * - `compensated`: the contract's `compensate` hook took over what was kept (`op`, `kept`, `outstanding`).
 * - `callback_failed`: the callback body (or, with `stage: "compensate"`, the compensation) threw; its writes were undone (`op`, `error`, `external`, `panicked`).
 * - `stale_callback`: a callback for an operation that is no longer pending (expired, or settled); nothing
 *   was changed (`op`, and `external`: whether the awaited call succeeded, for reconciling an expiry).
 * - `guard_state_corrupt`: a value under the guards' storage prefix is not guard state (`space`, `key`, `size`).
 * - `guard_state_cleared`: the owner cleared (or rewrote) such a value (`space`, `key`, `decision`).
 */
export type GuardEventName =
  | "lock_acquired"
  | "lock_released"
  | "lock_expired"
  | "credit_applied"
  | "refund_sent"
  | "refund_bounced"
  | "refund_claimed"
  | "claim_resolved"
  | "check_resolved"
  | "refund_deferred"
  | "refund_in_books"
  | "reconcile_required"
  | "compensated"
  | "callback_failed"
  | "stale_callback"
  | "guard_state_corrupt"
  | "guard_state_cleared";

/** A JSON-safe value in an event payload: amounts are decimal strings. */
export type GuardEventValue = string | boolean | null | GuardEventValue[] | { [key: string]: GuardEventValue };

/** JSON-safe payload of an event: amounts are decimal strings. */
export type GuardEventData = Record<string, GuardEventValue>;

/**
 * Logs one NEP-297 event of this library.
 *
 * Why: one format for every guard, so a consumer parses `EVENT_JSON:` lines once. Not covered: events of
 * the contract's own domain (emit those yourself; they may share the log).
 *
 * @example
 * emitGuardEvent("refund_sent", { op: op.id, account: op.account, amount: op.refund.toString() });
 */
export function emitGuardEvent(event: GuardEventName, data: GuardEventData): void {
  "use strip";
  near.log("EVENT_JSON:" + JSON.stringify({ standard: EVENT_STANDARD, version: EVENT_VERSION, event, data: [data] }));
}
