/**
 * Runs a callback body as a unit: if it throws, its storage writes and its changes to the contract
 * object are undone, and the callback goes on (to release locks and refund) instead of panicking.
 *
 * How, without a panic (a panic would also undo the refund and leave the locks held):
 * - the contract object's own fields are deep-copied before the body (prototypes kept, so near-sdk-js
 *   collections, nested classes, bigint, Date, Map, Set and Uint8Array survive) and put back on error;
 *   near-sdk-js then saves the restored object as `STATE` after the method, as usual;
 * - for the body's duration `env.storage_write` and `env.storage_remove` are wrapped: the first write or
 *   remove of each key records the key's previous value, which the host hands back in the register
 *   anyway (no extra read); on error each touched key gets its previous value back (or is removed).
 *   Every writer goes through them: `near.storageWrite*`, `near.storageRemove*` and all collections;
 * - the promise creators are wrapped too, only to notice them: a promise cannot be cancelled, so a body
 *   that created one and then threw cannot be undone by hand. The unit then reports
 *   `promisesCreated: true` and the caller must let the call panic, which drops those promises with
 *   everything else (the operation then stays in flight until expiry);
 * - the actions that move money (a deposit on `promise_create` / `promise_then` /
 *   `promise_batch_action_function_call` (and `_weight`), any `promise_batch_action_transfer`,
 *   `promise_batch_action_stake` or `promise_batch_action_delete_account`) are wrapped so that a caller can
 *   refuse them (`refuseMoney`): the refused action is never handed to the host, the body fails there and
 *   is undone like any other failure, even if it caught the error itself. A refund path uses this: the
 *   guard pays the user back, so the body must not move money too (ERR_BODY_MOVED_MONEY, see
 *   refund-on-failure.ts). Promises the body created before the refused action carry no money (that is
 *   what was refused) and are not undone: they still go out.
 *
 * Not covered:
 * - logs (they cannot be unwritten);
 * - host errors and gas exhaustion (they abort the whole call before any JavaScript `catch` runs);
 * - objects reachable from the contract object but shared elsewhere (module-level variables, closures);
 * - fields the snapshot cannot see: only the contract object's own enumerable string-keyed fields are
 *   copied and put back, so `#private` fields, symbol-keyed fields and non-enumerable fields (e.g. set
 *   with `Object.defineProperty`) keep whatever the body wrote to them. near-sdk-js only saves own
 *   enumerable fields to STATE, so such fields are not persisted either, but the rest of the callback
 *   (the credit hook, your body's return value) would see the body's changes to them.
 *
 * Cost: the snapshot deep-copies every own field of the contract object before the body, on every
 * callback, so its gas grows with the size of the contract object (large arrays or maps kept in STATE
 * are copied each time; near-sdk-js collections such as LookupMap only hold their prefix and are cheap).
 * Keep big data in collections, not in plain fields, or budget `callback.gas` for the copy.
 */
import { str } from "near-sdk-js";
import { hostEnv, SCRATCH_REGISTER, type HostEnv } from "./env";

/** What `runAsUnit` reports. */
export type UnitResult<T> =
  | { ok: true; value: T }
  | {
      ok: false;
      error: unknown;
      /** True when the body created a promise (it cannot be cancelled: undoing needs a panic), unless `refused`. */
      promisesCreated: boolean;
      /** True when the body failed because `refuseMoney` refused one of its money actions (nothing moved). */
      refused: boolean;
    };

function clone(value: unknown, seen: Map<object, unknown>): unknown {
  "use strip";
  if (value === null || typeof value !== "object") return value;
  const known = seen.get(value);
  if (known !== undefined) return known;
  let out: any;
  if (value instanceof Uint8Array) out = value.slice();
  else if (value instanceof Date) out = new Date(value.getTime());
  else if (Array.isArray(value)) {
    out = [];
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) out.push(clone(value[i], seen));
    return out;
  } else if (value instanceof Map) {
    out = new Map();
    seen.set(value, out);
    value.forEach((v, k) => out.set(clone(k, seen), clone(v, seen)));
    return out;
  } else if (value instanceof Set) {
    out = new Set();
    seen.set(value, out);
    value.forEach((v) => out.add(clone(v, seen)));
    return out;
  } else {
    out = Object.create(Object.getPrototypeOf(value));
    seen.set(value, out);
    for (const k of Object.keys(value)) out[k] = clone((value as Record<string, unknown>)[k], seen);
    return out;
  }
  seen.set(value, out);
  return out;
}

/** A deep copy of the object's own enumerable string-keyed fields, for `restoreFields`. */
function snapshotFields(target: object): [string, unknown][] {
  "use strip";
  const seen = new Map<object, unknown>();
  return Object.keys(target).map((k) => [k, clone((target as Record<string, unknown>)[k], seen)] as [string, unknown]);
}

/** Puts the object's own fields back as they were when `snapshot` was taken (deleting fields added since). */
function restoreFields(target: object, snapshot: [string, unknown][]): void {
  "use strip";
  const t = target as Record<string, unknown>;
  const keep: Record<string, true> = Object.create(null);
  for (const [k] of snapshot) keep[k] = true;
  for (const k of Object.keys(t)) if (!keep[k]) delete t[k];
  for (const [k, v] of snapshot) t[k] = v;
}

const PROMISE_CREATORS = ["promise_create", "promise_then", "promise_batch_create", "promise_batch_then"] as const;

/**
 * Host functions that move money, and the position of the amount among their arguments (-1: the action
 * moves money whatever its arguments: a Transfer or a stake of any amount, a deleted account's balance).
 */
const MONEY_ACTIONS: readonly [string, number][] = [
  ["promise_create", 3],
  ["promise_then", 4],
  ["promise_batch_action_function_call", 3],
  ["promise_batch_action_function_call_weight", 3],
  ["promise_batch_action_transfer", -1],
  ["promise_batch_action_stake", -1],
  ["promise_batch_action_delete_account", -1],
];

/** An amount argument as the host reads it (near-sdk-js passes a bigint; a number or a decimal string is read the same way). */
function amountOf(value: unknown): bigint {
  if (value === undefined || value === null) return 0n;
  if (typeof value === "bigint") return value;
  if (typeof value === "number" || typeof value === "string") return BigInt(value);
  return 0n;
}

/**
 * Runs `body`; on a throw, undoes its storage writes and its changes to `contract`'s fields and reports
 * the error instead of rethrowing it. `beforePromise`, if given, runs just before the body creates its
 * first promise; if it throws, the body fails there, with nothing that cannot be undone. `refuseMoney`,
 * if given, is asked before each action that moves money (see the file comment) and returns the error to
 * fail the body with, or undefined to let the action through; once it refused, the body counts as failed
 * (`refused: true`) even if it caught that error.
 *
 * Why: a callback that panics after partial writes loses its refund and keeps its locks; one that
 * catches without undoing keeps half-applied state. Not covered (see the file comment): logs, host
 * errors and gas exhaustion, `#private` / symbol-keyed / non-enumerable fields of `contract`, objects
 * shared outside it. Costs a deep copy of `contract`'s fields, i.e. gas proportional to its size.
 *
 * @example
 * const unit = runAsUnit(this, () => this.applyReward(args));
 * if (!unit.ok && unit.promisesCreated) throw unit.error; // let the call panic
 */
export function runAsUnit<T>(contract: object, body: () => T, beforePromise?: () => void, refuseMoney?: (action: string) => Error | undefined): UnitResult<T> {
  "use strip";
  const env: HostEnv = hostEnv();
  const fields = snapshotFields(contract);
  const journal: { key: Uint8Array; prior: Uint8Array | null }[] = [];
  const touched = new Map<string, true>();
  const write = env.storage_write;
  const remove = env.storage_remove;
  const creators = PROMISE_CREATORS.map((name) => env[name] as (...a: unknown[]) => bigint);
  const payers = MONEY_ACTIONS.map(([name]) => env[name] as (...a: unknown[]) => unknown);
  let promisesCreated = false;
  let refusal: Error | undefined;

  const record = (key: Uint8Array, existed: bigint, register: number | bigint): void => {
    const k = str(key);
    if (touched.has(k)) return;
    touched.set(k, true);
    journal.push({ key: key.slice(), prior: existed === 1n ? env.read_register(register) : null });
  };
  env.storage_write = function (key: Uint8Array, value: Uint8Array, register: number | bigint): bigint {
    const existed = write.call(env, key, value, register);
    record(key, existed, register);
    return existed;
  };
  env.storage_remove = function (key: Uint8Array, register: number | bigint): bigint {
    const existed = remove.call(env, key, register);
    record(key, existed, register);
    return existed;
  };
  PROMISE_CREATORS.forEach((name, i) => {
    env[name] = function (...args: unknown[]): bigint {
      // Last chance to fail the body cleanly: once a promise exists the unit can only panic.
      if (!promisesCreated && beforePromise) beforePromise();
      promisesCreated = true;
      return creators[i].apply(env, args);
    };
  });
  // Wrapped after the creators: promise_create / promise_then reach the creator wrapper through `payers`,
  // so a refused call is refused before its promise exists.
  MONEY_ACTIONS.forEach(([name, at], i) => {
    const inner = env[name] as (...a: unknown[]) => unknown;
    if (typeof payers[i] !== "function") return;
    env[name] = function (...args: unknown[]): unknown {
      if (refuseMoney && (at < 0 || amountOf(args[at]) > 0n)) {
        const error = refuseMoney(name);
        if (error) {
          refusal = refusal ?? error;
          throw error;
        }
      }
      return inner.apply(env, args);
    };
  });

  const undo = (error: unknown): UnitResult<T> => {
    for (let i = journal.length - 1; i >= 0; i--) {
      const { key, prior } = journal[i];
      if (prior === null) remove.call(env, key, SCRATCH_REGISTER);
      else write.call(env, key, prior, SCRATCH_REGISTER);
    }
    restoreFields(contract, fields);
    // A refused action never reached the host: what the body created before it carries no money.
    return refusal ? { ok: false, error: refusal, promisesCreated: false, refused: true } : { ok: false, error, promisesCreated, refused: false };
  };
  try {
    const value = body();
    // The body caught the refusal and went on: it is still undone (the money it meant to move did not move).
    return refusal ? undo(refusal) : { ok: true, value };
  } catch (error) {
    return undo(error);
  } finally {
    env.storage_write = write;
    env.storage_remove = remove;
    PROMISE_CREATORS.forEach((name, i) => {
      env[name] = creators[i];
    });
    MONEY_ACTIONS.forEach(([name], i) => {
      if (typeof payers[i] === "function") env[name] = payers[i];
    });
  }
}
