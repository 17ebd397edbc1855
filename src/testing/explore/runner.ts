/**
 * Runs one schedule: a worker in the post-set-up state, the chosen faults injected, each transaction
 * submitted for its chosen block, then blocks until the chain is idle, a scheduler choosing at every block
 * which ready receipts run now and in which order (the rest are deferred: delay only, never before their
 * cause). Invariants are checked after every block (`always`) and at the end.
 *
 * Receipts for different accounts commute within a block (a receipt changes only its receiver's account),
 * so the scheduler orders receipts per receiver: one choice per receiver that has receipts ready, among
 * every ordered subset of them that includes the receipts that can't wait any longer. Plain transfers to
 * an account without code commute with each other too: for them only the subset is chosen.
 *
 * A run can hand out checkpoints (a copy of the chain and of the run's bookkeeping before a block that
 * makes a choice) and be resumed from one, so a depth-first search replays only what changed.
 */
import type { Worker } from "../workspaces/worker.js";
import type { Account } from "../workspaces/account.js";
import { TransactionResult } from "../workspaces/transaction-result.js";
import { encodeArgs } from "../workspaces/args.js";
import type { Block, Chain, FaultRule } from "../runtime/chain.js";
import type { Receipt } from "../runtime/types.js";
import { Chooser, type ChooserState } from "./choices.js";
import type { PreparedScenario } from "./prepare.js";
import { countOrders, orderAt, type GroupShape } from "./orders.js";
import { boundaryHash, finalStateHash } from "./state-hash.js";
import { captureChain, restoreChain, transactionDone, type ChainSnapshot } from "./snapshot.js";
import { evaluate } from "./invariants.js";
import type { InvariantContext, InvariantFailure, StateReader, TxRun } from "./types.js";

/** Settings that shape a run's choices. */
export interface RunSettings {
  maxDelay: number;
  deferPayouts: boolean;
  maxBlocks: number;
}

export interface RunHooks {
  /**
   * Called at the start of every block with the state's hash; returning true abandons the run (the state
   * was explored before). Hashing is skipped when absent.
   */
  onBoundary?(hash: string, chooser: Chooser): boolean;
  /** Compute the final state's hash. */
  finalHash?: boolean;
  /** Receives a checkpoint before every block in which a choice was made. */
  onCheckpoint?(cp: RunCheckpoint): void;
}

export interface RunResult {
  /** Abandoned at an already explored state: no verdict. */
  pruned: boolean;
  failures: InvariantFailure[];
  /** Blocks this schedule produced. */
  blocks: Block[];
  finalHash?: string;
  worker: Worker;
  accounts: Record<string, Account>;
  txs: TxRun[];
}

/** Everything needed to run a schedule on from the start of a block. */
export interface RunCheckpoint {
  chain: ChainSnapshot;
  chooser: ChooserState;
  base: RunBase;
  delays: [string, number][];
  active: ActiveFault[];
  produced: number;
  txs: TxInfo[];
}

/** What a schedule starts from: fixed for all schedules of a scenario. */
interface RunBase {
  startHeight: bigint;
  firstBlock: number;
  startTotal: bigint;
  startBalances: Map<string, bigint>;
}

interface ActiveFault {
  receiverId: string;
  method?: string;
  seen: number;
}

interface TxInfo {
  label: string;
  offset: number;
  hash: string;
  at: bigint;
}

const PRUNE = Symbol("prune");
const dec = new TextDecoder();

/** One schedule being run. */
export class ScheduleRun {
  private readonly chain: Chain;
  private readonly accounts: Record<string, Account> = {};
  private readonly txRuns: TxRun[];

  private constructor(
    private readonly p: PreparedScenario,
    private readonly worker: Worker,
    private readonly chooser: Chooser,
    private readonly settings: RunSettings,
    private readonly hooks: RunHooks,
    private readonly base: RunBase,
    private readonly delays: Map<string, number>,
    private readonly active: ActiveFault[],
    private produced: number,
    private readonly txs: TxInfo[],
  ) {
    this.chain = worker.chain;
    for (const [n, id] of Object.entries(p.ids)) this.accounts[n] = worker.account(id);
    const chain = this.chain;
    this.txRuns = txs.map((t) => ({
      label: t.label,
      offset: t.offset,
      hash: t.hash,
      get done() {
        return transactionDone(chain, t.hash);
      },
      result: () => (transactionDone(chain, t.hash) ? new TransactionResult(chain.outcomes(t.hash)) : undefined),
    }));
  }

  /** Starts a schedule on `given` (or a fresh worker): faults chosen and injected, transactions submitted. */
  static async start(p: PreparedScenario, chooser: Chooser, settings: RunSettings, hooks: RunHooks = {}, given?: Worker): Promise<ScheduleRun> {
    const worker = given ?? (await p.fresh());
    const chain = worker.chain;
    const startBalances = new Map<string, bigint>();
    for (const id of chain.state.ids()) {
      const a = chain.state.get(id)!;
      startBalances.set(id, a.amount + a.locked);
    }
    const base: RunBase = {
      startHeight: chain.height,
      firstBlock: chain.blocks.length,
      startTotal: chain.totalBalances() + chain.burntYocto + chain.inFlightValue(),
      startBalances,
    };

    // Faults: one choice per fault point.
    const active: ActiveFault[] = [];
    const rules: FaultRule[] = [];
    for (const f of p.faults) {
      const c = chooser.choose(1 + f.kinds.length, "fault", (k) => (k === 0 ? `${f.label}: no fault` : `${f.label}: ${f.kinds[k - 1] === "fail" ? "fails" : "runs out of gas"}`));
      if (c === 0) continue;
      rules.push({ receiverId: f.receiverId, methodName: f.method, kind: f.kinds[c - 1], occurrence: f.occurrence, message: f.message ?? `injected fault (${f.label})` });
      active.push({ receiverId: f.receiverId, method: f.method, seen: 0 });
    }
    for (const rule of adjustOccurrences(rules)) chain.injectFault(rule);

    // Transactions: one choice per transaction with a window.
    const txs: TxInfo[] = p.txs.map((t) => {
      const offset = t.first + chooser.choose(t.last - t.first + 1, "tx", (k) => `${t.label} included at +${t.first + k}`);
      const at = base.startHeight + 1n + BigInt(offset);
      try {
        return { label: t.label, offset, hash: chain.submit(t.signerId, t.receiverId, t.actions, { atBlock: at }).hash, at };
      } catch (e) {
        throw new Error(`Transaction "${t.label}" can't be submitted: ${(e as Error).message}`);
      }
    });
    return new ScheduleRun(p, worker, chooser, settings, hooks, base, new Map(), active, 0, txs);
  }

  /** Resumes from a checkpoint on `worker` (its chain is overwritten); `chooser` must start from `cp.chooser`. */
  static resume(p: PreparedScenario, cp: RunCheckpoint, chooser: Chooser, settings: RunSettings, hooks: RunHooks, worker: Worker): ScheduleRun {
    restoreChain(worker.chain, cp.chain);
    return new ScheduleRun(p, worker, chooser, settings, hooks, cp.base, new Map(cp.delays), cp.active.map((a) => ({ ...a })), cp.produced, cp.txs);
  }

  private checkpoint(): RunCheckpoint {
    return {
      chain: captureChain(this.chain),
      chooser: this.chooser.state(),
      base: this.base,
      delays: [...this.delays],
      active: this.active.map((a) => ({ ...a })),
      produced: this.produced,
      txs: this.txs,
    };
  }

  private mustRun(r: Receipt): boolean {
    if ((this.delays.get(r.id) ?? 0) >= this.settings.maxDelay) return true;
    return !this.settings.deferPayouts && this.isPayout(r);
  }

  /** A refund, or plain transfers to an account without code: it can only raise a balance. */
  private isPayout(r: Receipt): boolean {
    if (r.kind !== "action") return false;
    if (r.origin === "gas-refund" || r.origin === "deposit-refund") return true;
    return this.isPlainTransfer(r) && this.chain.account(r.receiverId)?.code === null;
  }

  private isPlainTransfer(r: Receipt): boolean {
    return r.kind === "action" && r.actions.length > 0 && r.actions.every((a) => a.type === "Transfer");
  }

  private schedule = (ready: readonly Receipt[], height: bigint): number[] => {
    const { chain, chooser } = this;
    if (this.hooks.onBoundary) {
      const hash = boundaryHash(chain, {
        ready,
        delays: this.delays,
        pendingTxs: this.txs.filter((t) => t.at > height).map((t) => `${t.hash}@${t.at}`),
        faultCounts: this.active.map((a) => a.seen),
      });
      if (this.hooks.onBoundary(hash, chooser)) throw PRUNE;
    }
    const groups = new Map<string, number[]>();
    ready.forEach((r, i) => {
      const g = groups.get(r.receiverId);
      if (g) g.push(i);
      else groups.set(r.receiverId, [i]);
    });
    const order: number[] = [];
    for (const [receiverId, members] of groups) {
      const shape: GroupShape = {
        size: members.length,
        forced: members.map((i) => this.mustRun(ready[i])),
        commuting: chain.account(receiverId)?.code === null && members.every((i) => this.isPlainTransfer(ready[i])),
      };
      const n = countOrders(shape);
      if (n === 1) {
        order.push(...members);
        continue;
      }
      // Named now: by the time a report asks, the postponed callbacks will have run.
      const postponed = chain.postponedReceipts();
      const names = members.map((i) => receiptName(ready[i], postponed));
      const c = chooser.choose(n, "order", (k) => describeOrder(height, this.p.nameOf(receiverId), names, orderAt(shape, k)));
      if (c === 0) order.push(...members);
      else for (const j of orderAt(shape, c)) order.push(members[j]);
    }
    const chosen = new Set(order);
    ready.forEach((r, i) => {
      if (!chosen.has(i)) this.delays.set(r.id, (this.delays.get(r.id) ?? 0) + 1);
    });
    return order;
  };

  /** Runs blocks until the chain is idle (or the run is pruned or broken) and checks the invariants. */
  async finish(): Promise<RunResult> {
    const { chain, p, hooks, chooser } = this;
    const failures: InvariantFailure[] = [];
    const always = p.invariants.filter((i) => i.when === "always");
    chain.setScheduler(this.schedule);
    try {
      while (chain.hasWork()) {
        if (this.produced >= this.settings.maxBlocks) {
          failures.push({ invariant: "settles", message: `still busy after ${this.settings.maxBlocks} blocks`, height: chain.height.toString(), phase: "block" });
          break;
        }
        const cp = hooks.onCheckpoint ? this.checkpoint() : null;
        const made = chooser.choices.length;
        let block: Block;
        try {
          block = chain.step();
        } catch (e) {
          if (e === PRUNE) return this.result(true, []);
          throw e;
        }
        if (cp && chooser.choices.length > made) hooks.onCheckpoint!(cp);
        this.produced++;
        if (this.active.length > 0) {
          for (const e of block.entries) {
            if (e.kind !== "receipt") continue;
            for (const a of this.active) if (e.to === a.receiverId && (a.method === undefined || a.method === e.method)) a.seen++;
          }
        }
        if (always.length > 0) {
          const ctx = this.context("block");
          for (const inv of always) {
            const msg = await evaluate(inv, ctx);
            if (msg !== null) failures.push({ invariant: inv.name, message: msg, height: chain.height.toString(), phase: "block" });
          }
          if (failures.length > 0) break;
        }
      }
      if (failures.length === 0) {
        const ctx = this.context("end");
        for (const inv of p.invariants) {
          const msg = await evaluate(inv, ctx);
          if (msg !== null) failures.push({ invariant: inv.name, message: msg, height: chain.height.toString(), phase: "end" });
        }
      }
    } finally {
      chain.setScheduler(null);
    }
    return this.result(false, failures);
  }

  private result(pruned: boolean, failures: InvariantFailure[]): RunResult {
    return {
      pruned,
      failures,
      blocks: this.chain.blocks.slice(this.base.firstBlock),
      finalHash: !pruned && this.hooks.finalHash ? finalStateHash(this.chain) : undefined,
      worker: this.worker,
      accounts: this.accounts,
      txs: this.txRuns,
    };
  }

  private context(phase: "block" | "end"): InvariantContext {
    const { chain, p, base } = this;
    const id = (n: string): string => p.resolve(n);
    const reader = stateReader(chain, id);
    return {
      phase,
      worker: this.worker,
      chain,
      accounts: this.accounts,
      id,
      balance: reader.balance,
      startBalance(n) {
        return base.startBalances.get(id(n)) ?? 0n;
      },
      view: reader.view,
      storageKeys(n, prefix = "") {
        const a = chain.account(id(n));
        if (!a) return [];
        const pre = latin1(prefix);
        return [...a.storage.keys()].filter((k) => k.startsWith(pre)).sort();
      },
      storage(n, key) {
        const raw = chain.account(id(n))?.storage.get(latin1(key));
        return raw ? dec.decode(raw) : undefined;
      },
      txs: this.txRuns,
      height: chain.height,
      startTotal: base.startTotal,
      async atStart(): Promise<StateReader> {
        return stateReader((await p.startWorker()).chain, id);
      },
    };
  }
}

/** Balances and views of one chain. */
function stateReader(chain: Chain, id: (n: string) => string): StateReader {
  return {
    id,
    balance(n) {
      const a = chain.account(id(n));
      return a ? a.amount + a.locked : 0n;
    },
    view<T>(n: string, method: string, args: unknown = {}): T {
      const { value } = chain.view(id(n), method, encodeArgs(args));
      const text = dec.decode(value);
      if (text === "") return undefined as T;
      try {
        return JSON.parse(text) as T;
      } catch {
        return text as unknown as T;
      }
    },
  };
}

/** Runs the schedule the chooser picks, from the start. */
export async function runSchedule(p: PreparedScenario, chooser: Chooser, settings: RunSettings, hooks: RunHooks = {}, given?: Worker): Promise<RunResult> {
  return (await ScheduleRun.start(p, chooser, settings, hooks, given)).finish();
}

/**
 * The chain counts a rule's matches only until an earlier rule hits, so when several numbered occurrences
 * of the same receiver and method are chosen, later ones are shifted by the hits before them.
 */
function adjustOccurrences(rules: FaultRule[]): FaultRule[] {
  const groups = new Map<string, FaultRule[]>();
  for (const r of rules) {
    const key = `${r.receiverId}\u0000${r.methodName ?? "*"}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const out: FaultRule[] = [];
  for (const g of groups.values()) {
    const numbered = g.filter((r) => typeof r.occurrence === "number").sort((a, b) => (a.occurrence as number) - (b.occurrence as number));
    numbered.forEach((r, j) => out.push({ ...r, occurrence: (r.occurrence as number) - j }));
    out.push(...g.filter((r) => typeof r.occurrence !== "number"));
  }
  return out;
}

function receiptName(r: Receipt, postponed: readonly { inputDataIds: string[]; actions: readonly { type: string; methodName?: string }[] }[]): string {
  if (r.kind === "data") {
    const waiting = postponed.find((q) => q.inputDataIds.includes(r.dataId));
    const method = waiting?.actions.find((a) => a.type === "FunctionCall")?.methodName;
    return `result${r.data === null ? " (failed)" : ""}${method ? ` → ${method}` : ""}`;
  }
  if (r.origin === "gas-refund") return "gas refund";
  if (r.origin === "deposit-refund") return "deposit refund";
  const fn = r.actions.find((a) => a.type === "FunctionCall");
  if (fn && fn.type === "FunctionCall") return fn.methodName;
  return r.actions.map((a) => a.type.toLowerCase()).join("+");
}

function describeOrder(height: bigint, receiver: string, names: string[], order: number[]): string {
  const run = order.map((j) => names[j]);
  const deferred = names.filter((_, j) => !order.includes(j));
  const parts = [`#${height} ${receiver}: ${run.length ? run.join(", then ") : "nothing"}`];
  if (deferred.length) parts.push(`deferred: ${deferred.join(", ")}`);
  return parts.join("; ");
}

/** A text key as the chain's storage map holds it (UTF-8 bytes, one char per byte). */
function latin1(key: string): string {
  const bytes = new TextEncoder().encode(key);
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}
