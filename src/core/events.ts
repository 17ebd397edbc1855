/**
 * NEP-297 events. Every state transition of a guarded flow is logged as
 * `EVENT_JSON:{"standard":"nep297-callback-guards","version":"1.0.0","event":"<name>","data":[{...}]}`,
 * so indexers, wallets and tests can follow money and locks without reading contract storage.
 * Payloads are kept short on purpose: a log byte costs about 0.3 Ggas (UTF-8 decoding + log fees).
 * Logs survive a failed receipt (they stay in its outcome), so even a callback that had to panic leaves
 * its `callback_failed` event behind.
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
export const EVENT_VERSION = "1.0.0";

/**
 * Names of the events:
 * - `lock_acquired`: a flow started: its locks and hold are taken (`op`, `kind`, `account`, `keys`, `expires_at`, and `hold` if any).
 * - `lock_released`: its locks and hold are released (`op`, `outcome`: `success` | `refund` | `expired`, and `hold` if any).
 * - `lock_expired`: expiry ran the contract's hook (`op`, `decision`: `refund` | `resolved` | `keep`).
 * - `credit_applied`: the staged credit was applied after success (`op`, `account`, `amount`).
 * - `refund_sent`: the refund transfer was created (`op`, `account`, `amount`).
 * - `refund_deferred`: the refund could not be paid now; the operation stays in flight for expiry (`op`, `account`, `amount`, `reason`).
 * - `callback_failed`: the callback body threw; its writes were undone (`op`, `error`, `external`, `panicked`).
 * - `stale_callback`: a callback for an operation that is no longer in flight (expired, or unknown); nothing
 *   was changed (`op`, and `external`: whether the awaited call succeeded, for reconciling an expiry).
 */
export type GuardEventName =
  | "lock_acquired"
  | "lock_released"
  | "lock_expired"
  | "credit_applied"
  | "refund_sent"
  | "refund_deferred"
  | "callback_failed"
  | "stale_callback";

/** JSON-safe payload of an event: amounts are decimal strings. */
export type GuardEventData = Record<string, string | string[] | boolean | null>;

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
  near.log("EVENT_JSON:" + JSON.stringify({ standard: EVENT_STANDARD, version: EVENT_VERSION, event, data: [data] }));
}
