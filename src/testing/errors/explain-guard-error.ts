/**
 * What each guard error means and what to do about it, kept off chain.
 *
 * Why here and not in the message: QuickJS reads a contract's whole bytecode at the start of every call,
 * so every character of an error text is paid on every call of the contract, views included (measured on
 * the wasm engine: shortening the guards' messages took 5 KB off the staking example's wasm and 0.11 Tgas
 * off each of its calls). The messages thrown on chain keep
 * the stable code and the facts with their values (`ERR_LOCKED: lock "@alice.near" is held by operation
 * …`); the explanation and the advice live here, printed by `near-callback-guards explain <code or
 * panic text>` and returned by {@link explainGuardError}.
 */
import type { GuardErrorCode } from "../../core/errors.js";

/** What {@link explainGuardError} returns. */
export interface GuardErrorHelp {
  /** The stable code, e.g. `"ERR_LOCKED"`. */
  code: GuardErrorCode;
  /** What happened, in one sentence. */
  meaning: string;
  /** What to do about it, one line per situation. */
  remedy: string[];
}

/** Every code's explanation. A `Record` over the code union: a new code without an entry does not compile. */
export const GUARD_ERROR_HELP: Record<GuardErrorCode, Omit<GuardErrorHelp, "code">> = {
  ERR_NOT_PRIVATE_CALLBACK: {
    meaning: "A private callback (or a refund's bounce check) was called by another account than the contract itself; nothing ran.",
    remedy: ["Call the public method that starts the flow; only the contract's own promise may call its callbacks."],
  },
  ERR_NOT_A_CALLBACK: {
    meaning:
      "A private callback ran without promise results: called directly (even signed with the contract's own key), or a guarded callback was called as a function from inside another guarded callback.",
    remedy: [
      "Callbacks run only as the callback of the contract's own promise; start the flow with its public method.",
      "Guarded callbacks do not nest: move the shared work into a plain function both callbacks call.",
      "For a plain @privateCallback method the contract may also call on itself directly, set `requireCallback: false` (never for @withRefundOnFailure methods: settling always needs the awaited results).",
    ],
  },
  ERR_UNEXPECTED_RESULT_COUNT: {
    meaning: "The callback awaited another number of promises than its guard declares (or startGuardedCall was given a flow whose number of calls differs from the `results` its callback declares; nothing was sent).",
    remedy: ['Set `results: <n>` (or `"any"`) in the callback\'s guard to the number of joined calls, or make the flow match it.'],
  },
  ERR_RESULT_TOO_LARGE: {
    meaning: "A promise result is larger than `maxResultBytes`; its bytes were not read (reading costs gas per byte).",
    remedy: ["Raise `maxResultBytes` in the guard (or in startGuardedCall's call) if the result is legitimately that large."],
  },
  ERR_RESULT_NOT_JSON: {
    meaning: "`json()` was called on a result that is empty or not JSON.",
    remedy: ["Read `bytes` or `text()` instead, or check `status` and the callee's return type first."],
  },
  ERR_LOCKED: {
    meaning: "A lock key is held by an operation in flight (the message names it, with its kind, account and expiry block, when its record can be read); nothing changed.",
    remedy: [
      "Retry once that operation settles (its callback runs a few blocks later).",
      "If it never settles, anyone the contract allows can expire it from its expiry block with expireOperation.",
      'An operation "kept for the owner" waits for reconciliation: the owner decides it with expireOperation.',
      "From settlement (cannot keep … locked … again): the callback started another operation on the same key; the call is rolled back, expire the operation later.",
    ],
  },
  ERR_INSUFFICIENT_GAS: {
    meaning: "The prepaid gas cannot cover what the guards must reserve (external calls + callback with refund + fees + margin), or what is left cannot settle or pay a refund; the call is rolled back and nothing changed.",
    remedy: [
      "Attach at least the gas the message says (`attach <gas>`), e.g. with `--gas` in near-cli or `gas` in near-api-js.",
      "For a settlement short of gas: the operation stays in flight; retry with more gas, or expire it later.",
    ],
  },
  ERR_INSUFFICIENT_AVAILABLE: {
    meaning: "An amount hold (or a spend checked by pendingLock) exceeds the balance that flows in flight do not already hold.",
    remedy: ["Wait for the flows in flight to settle, or hold (spend) less."],
  },
  ERR_INSUFFICIENT_BALANCE: {
    meaning: "The contract cannot pay the refund now without breaking its storage staking (or exceeding its liquid balance); nothing changed.",
    remedy: ["Retry once the contract can pay it: top up the contract, or free storage.", "Keep the contract funded above its storage staking; charge users for the storage they add."],
  },
  ERR_INVALID_AMOUNT: {
    meaning: "An amount is not a U128 decimal string (user input) or not a bigint in [0, 2^128 − 1] (contract code), or is outside the allowed range.",
    remedy: [
      'Pass amounts as decimal strings like "1000" (JSON numbers lose precision above 2^53; negative, fractional and exponent forms are refused).',
      "In contract code, parse user input with parseU128 and pass bigints.",
    ],
  },
  ERR_INVALID_ARGUMENT: {
    meaning: "Another argument or parameter is malformed (the message names it).",
    remedy: [
      "Account ids: 2–64 characters of a-z, 0-9, -, _ with . separators.",
      "Lock keys: 3–256 characters without | or , and not starting with #, $, ! or ^; build them with lockKeyForAccount / lockKeyForResource.",
      'Gas: positive bigints (e.g. `50n * TGAS`); ttlBlocks at least 1; `callback.args` must not contain "op" or "ncg_refund".',
      'Hooks: expireOperation\'s returns "refund", "resolved" or "keep"; resolveRefundCheck\'s "arrived", "bounced" or "keep"; a bounced-refund hook "resolved" or "keep"; clearCorruptGuardState\'s "clear", "keep" or a bigint.',
      "Too many operations in this block: retry in the next block.",
      "clearCorruptGuardState on an entry that is valid guard state: settle operations with expireOperation instead.",
    ],
  },
  ERR_GUARD_PLACEMENT: {
    meaning: "A guard is placed where it cannot work: above @call(...), in the wrong order, twice, on a non-method, or a helper was used outside its guard.",
    remedy: [
      "near-sdk-js's build exports only methods whose FIRST decorator is @call/@view/@initialize/@migrate(...): put @call({...}) first, guards below.",
      "Order: @privateCallback above @withRefundOnFailure above @deferCredit; pendingLock is not combined with callback guards (the operation's own lock would block its settlement).",
      "refundInBooks() only when ctx.succeeded is false; applyDeferredCredit needs the context of a @withRefundOnFailure() callback.",
      "Refund checks need a @withRefundOnFailure() method in the contract.",
      "Run `near-callback-guards check <contract.ts>` to find placement mistakes before building.",
    ],
  },
  ERR_UNKNOWN_OPERATION: {
    meaning: "No operation with this id is in flight: it was settled or expired already, or never existed.",
    remedy: ["Read the contract's guard events (lock_released, refund_sent) to see how it ended."],
  },
  ERR_NOT_EXPIRED: {
    meaning: "Expiry (or resolving a refund check) was asked before its block: the callback may still settle it.",
    remedy: ["Wait for the block the message names."],
  },
  ERR_CREDIT_NOT_APPLIED: {
    meaning: "An operation with a staged credit succeeded but nothing applied the credit.",
    remedy: ["Add @deferCredit({ apply }) below @withRefundOnFailure() on the callback."],
  },
  ERR_CORRUPT_GUARD_STATE: {
    meaning:
      "A value under the guards' storage prefix (0xFF) is not guard state: a raw storage write of the contract's own code reached it, or (if the contract never writes raw bytes) a bug of the guards; nothing was changed.",
    remedy: ['The owner can inspect and clear it with clearCorruptGuardState({ space, key, decide }).', "If the contract never writes raw storage keys, report it as a bug."],
  },
  ERR_MISSING_OPERATION: {
    meaning: 'A @withRefundOnFailure() callback ran without a well-formed "op" argument, so no operation tells it whom to refund or credit.',
    remedy: ['Start the flow with startGuardedCall({ callback: { method: "<callback>" } }) instead of building the promise by hand.'],
  },
  ERR_UNKNOWN_CALLBACK: {
    meaning: "startGuardedCall's `callback.method` is not a @withRefundOnFailure() method of this contract, so nothing would settle the flow; nothing was written or sent.",
    remedy: ["Name the guarded callback method."],
  },
  ERR_NOTHING_TO_CLAIM: {
    meaning: "No bounced refund (or refund check record, or refund of money that came back) is recorded for this account or operation.",
    remedy: [
      "A refund check that already ran shows as a refund_bounced event; check the id.",
      "A pending operation's callback has not settled it yet (not run, or failed and rolled back): it can be expired after its TTL.",
      "An operation waiting for reconciliation without money that came back is for the owner to decide with expireOperation.",
    ],
  },
  ERR_STORAGE_STAKING: {
    meaning:
      "A callback body's (or compensate's) writes would leave the contract below its storage staking (nearcore would fail the receipt with LackBalanceForState), counting the refund still due; the writes were undone and the flow settles on its refund path (or waits for expiry).",
    remedy: [
      "Top up the contract's balance, or make the users who add state pay for it.",
      "From compensate: the operation is kept for the owner (a reconcile_required event), who decides it with expireOperation.",
    ],
  },
  ERR_BODY_MOVED_MONEY: {
    meaning:
      "On a refund path a callback body (or compensate) tried to move money, or moved it past the guard's checks: the guard already pays the user back with the money that came back, so the body is undone as a unit and the flow settles as a plain refund (or the call is rolled back and the operation waits for expiry).",
    remedy: [
      "Move money on the success path only.",
      "Start a new flow with startGuardedCall from the success path.",
      "To refund in your own books instead, call ctx.refundInBooks() (refund path only).",
      "From compensate: the operation is kept for the owner (a reconcile_required event), who decides it with expireOperation; compensate may only take over in the books what did not come back.",
    ],
  },
};

for (const help of Object.values(GUARD_ERROR_HELP)) Object.freeze(Object.freeze(help).remedy);
Object.freeze(GUARD_ERROR_HELP);

const CODES = /\bERR_[A-Z_]+\b/g;

const isKnown = (code: unknown): code is GuardErrorCode => typeof code === "string" && Object.prototype.hasOwnProperty.call(GUARD_ERROR_HELP, code);

/** The first known code in `value`: its `code`, its `message`, its `cause`, or its JSON text. */
function findCode(value: unknown, depth: number): GuardErrorCode | undefined {
  if (typeof value === "string") {
    for (const m of value.matchAll(CODES)) if (isKnown(m[0])) return m[0];
    return undefined;
  }
  if (value === null || typeof value !== "object" || depth > 3) return undefined;
  const { code, message, cause } = value as { code?: unknown; message?: unknown; cause?: unknown };
  if (isKnown(code)) return code;
  return (typeof message === "string" ? findCode(message, depth) : undefined) ?? findCode(cause, depth + 1) ?? findCode(JSON.stringify(value), depth);
}

/**
 * Explains a guard error: pass its code, the error (from any realm), an object with a `code` or `message`,
 * a receipt's failure object, or a whole panic text (`Smart contract panicked: ERR_LOCKED: …`): the first
 * code of this package found wins. Returns undefined when there is none; never throws.
 *
 * @example
 * const help = explainGuardError(result.receiptFailureMessages[0]);
 * if (help) console.log(help.meaning, help.remedy);
 */
export function explainGuardError(error: unknown): GuardErrorHelp | undefined {
  let code: GuardErrorCode | undefined;
  try {
    code = findCode(error, 0);
  } catch {
    return undefined; // a getter or proxy that throws: never replace the error being explained with another
  }
  if (!code) return undefined;
  const help = GUARD_ERROR_HELP[code];
  return { code, meaning: help.meaning, remedy: [...help.remedy] };
}

/**
 * The explanation as text, for a terminal or a test's failure message.
 *
 * @example
 * process.stdout.write(formatGuardErrorHelp(explainGuardError("ERR_LOCKED")!));
 */
export function formatGuardErrorHelp(help: GuardErrorHelp): string {
  return `${help.code}: ${help.meaning}\n${help.remedy.map((r) => `  - ${r}`).join("\n")}\n`;
}
