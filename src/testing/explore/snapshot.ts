/**
 * A copy of a chain after set-up, restored into a fresh chain for every schedule, so that set-up (account
 * creation, deploys, init calls: tens of blocks) runs once instead of once per schedule.
 *
 * The runtime offers no snapshot API, so this copies every data field of the `Chain` object: accounts
 * through `StateStore`'s own API, the rest (queues, transaction records, code registry, counters) as deep
 * copies. Functions are never copied: the fresh chain keeps its own bound helpers. `explore` checks that a
 * restored chain runs a schedule exactly as the original did before it relies on this, and falls back to
 * running set-up per schedule when it does not.
 */
import type { Chain } from "../runtime/chain.js";
import { cloneAccount, type AccountRecord } from "../runtime/state.js";

/** Fields that are not state: configuration, the scheduler being installed, the async driver. */
const SKIP = new Set(["config", "state", "scheduler", "driving", "awaited"]);
/** Fields whose elements are never mutated once written: copied one level deep. */
const SHALLOW = new Set(["blocks", "codes"]);

export interface ChainSnapshot {
  accounts: [string, AccountRecord][];
  fields: [string, unknown][];
}

/** Copies the chain's state. The chain should be idle. */
export function captureChain(chain: Chain): ChainSnapshot {
  const accounts: [string, AccountRecord][] = chain.state.ids().map((id) => [id, cloneAccount(chain.state.get(id)!)]);
  const fields: [string, unknown][] = [];
  for (const [key, value] of Object.entries(chain)) {
    if (SKIP.has(key) || typeof value === "function") continue;
    fields.push([key, copyField(key, value)]);
  }
  return { accounts, fields };
}

/** Overwrites a (fresh) chain with the snapshot. */
export function restoreChain(chain: Chain, snapshot: ChainSnapshot): void {
  for (const id of chain.state.ids()) chain.state.delete(id);
  for (const [id, record] of snapshot.accounts) chain.state.set(id, cloneAccount(record));
  const target = chain as unknown as Record<string, unknown>;
  for (const [key, value] of snapshot.fields) target[key] = copyField(key, value);
}

function copyField(key: string, value: unknown): unknown {
  if (key === "txs" && value instanceof Map) {
    // A finished transaction's record no longer changes: share it.
    const out = new Map();
    for (const [k, v] of value) out.set(k, isFinished(v) ? v : deepCopy(v));
    return out;
  }
  if (SHALLOW.has(key)) {
    if (Array.isArray(value)) return value.slice();
    if (value instanceof Map) return new Map(value);
  }
  return deepCopy(value);
}

function isFinished(record: unknown): boolean {
  const r = record as { included?: unknown; outstanding?: unknown; waiters?: unknown };
  return r.included === true && r.outstanding === 0 && Array.isArray(r.waiters) && r.waiters.length === 0;
}

/** Deep copy of plain data: arrays, maps, sets, plain objects. Bytes and class instances are shared. */
function deepCopy(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map(deepCopy);
  if (value instanceof Map) {
    const out = new Map();
    for (const [k, v] of value) out.set(k, deepCopy(v));
    return out;
  }
  if (value instanceof Set) return new Set([...value].map(deepCopy));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
  return out;
}

/**
 * Whether a transaction and every receipt it caused have run. Read from the chain's transaction records,
 * which `TransactionHandle`s close over: a handle made before a restore would read a stale record.
 */
export function transactionDone(chain: Chain, hash: string): boolean {
  const txs = (chain as unknown as { txs?: Map<string, { included: boolean; outstanding: number }> }).txs;
  const record = txs?.get(hash);
  return record !== undefined && record.included && record.outstanding === 0;
}
