/**
 * Hashes of chain states, to recognise two schedules that reached the same state by different paths.
 *
 * A state is everything that decides what can still happen: height, every account (balance, locked,
 * code, keys, storage), tokens burnt, receipts waiting to run (content, not only ids: a receipt's content
 * depends on the state its parent ran against), callbacks waiting for data, transactions not yet included,
 * and the explorer's own bookkeeping (deferrals used per receipt, fault counters). Queue order is left
 * out: the explorer tries every order of ready receipts anyway.
 */
import { createHash, type Hash } from "node:crypto";
import type { Chain } from "../runtime/chain.js";
import type { Action, Receipt } from "../runtime/types.js";

function updateAction(h: Hash, a: Action): void {
  switch (a.type) {
    case "FunctionCall":
      h.update(`F${a.methodName.length}:${a.methodName}|${a.deposit}|${a.gas}|${a.weight}|${a.args.length}:`);
      h.update(a.args);
      return;
    case "Transfer":
      h.update(`T${a.deposit}|`);
      return;
    case "DeployContract":
      h.update(`C${a.code.length}:`);
      h.update(a.code);
      return;
    default:
      h.update(JSON.stringify(a, (_k, v) => (typeof v === "bigint" ? `${v}n` : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v)));
  }
}

function updateReceipt(h: Hash, r: Receipt): void {
  if (r.kind === "data") {
    h.update(`D|${r.id}|${r.predecessorId}|${r.receiverId}|${r.dataId}|`);
    if (r.data === null) h.update("-|");
    else {
      h.update(`${r.data.length}:`);
      h.update(r.data);
    }
    return;
  }
  h.update(`A|${r.id}|${r.predecessorId}|${r.receiverId}|${r.signerId}|${r.gasPrice}|${r.origin}|${r.inputDataIds.join(",")}|`);
  for (const d of r.outputDataReceivers) h.update(`${d.dataId}@${d.receiverId},`);
  h.update(`|${r.actions.length}|`);
  for (const a of r.actions) updateAction(h, a);
}

function updateAccounts(h: Hash, chain: Chain): void {
  for (const id of chain.state.ids()) {
    const a = chain.state.get(id)!;
    h.update(`@${id}|${a.amount}|${a.locked}|${a.code ? a.code.hash : "-"}|${a.keys.length}|`);
    for (const k of a.keys) h.update(k.publicKey);
    const keys = [...a.storage.keys()].sort();
    h.update(`${keys.length}|`);
    for (const k of keys) {
      const v = a.storage.get(k)!;
      h.update(`${k.length}:`);
      h.update(k, "latin1");
      h.update(`${v.length}:`);
      h.update(v);
    }
  }
}

function updatePostponed(h: Hash, chain: Chain): void {
  const postponed = chain.postponedReceipts().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  h.update(`P${postponed.length}|`);
  for (const r of postponed) updateReceipt(h, r);
}

/** What the runner adds to a block-boundary state. */
export interface BoundaryExtras {
  /** Receipts about to be scheduled, with the deferrals each has used. */
  ready: readonly Receipt[];
  delays: ReadonlyMap<string, number>;
  /** Transactions not yet included: "hash@height". */
  pendingTxs: readonly string[];
  /** Matching executions seen so far per active fault point. */
  faultCounts: readonly number[];
}

/** Hash of the state at the start of a block (after the block's transactions were converted). */
export function boundaryHash(chain: Chain, extras: BoundaryExtras): string {
  const h = createHash("sha1");
  h.update(`H${chain.height}|B${chain.burntYocto}|`);
  updateAccounts(h, chain);
  const ready = extras.ready.slice().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  h.update(`R${ready.length}|`);
  for (const r of ready) {
    h.update(`${extras.delays.get(r.id) ?? 0}|`);
    updateReceipt(h, r);
  }
  updatePostponed(h, chain);
  h.update(`X${extras.pendingTxs.join(",")}|F${extras.faultCounts.join(",")}`);
  return h.digest("base64");
}

/** Hash of a settled chain: accounts, burnt tokens and anything left postponed. Height is left out. */
export function finalStateHash(chain: Chain): string {
  const h = createHash("sha1");
  h.update(`B${chain.burntYocto}|`);
  updateAccounts(h, chain);
  updatePostponed(h, chain);
  return h.digest("base64");
}
