/**
 * Types of the interleaving explorer: scenarios (set-up, actors' transactions, a fault plan, invariants),
 * explore options, and the report with its counterexamples.
 */
import type { Worker, WorkerOptions } from "../workspaces/worker.js";
import type { Account } from "../workspaces/account.js";
import type { Amount } from "../workspaces/args.js";
import type { Chain, Block } from "../runtime/chain.js";
import type { Action } from "../runtime/types.js";
import type { TransactionResult } from "../workspaces/transaction-result.js";

/** Accounts and contracts a scenario's `setup` creates, by the names its transactions and invariants use. */
export type NamedAccounts = Record<string, Account | string>;

/**
 * One actor's transaction. `signer` and `receiver` are names returned by `setup` (or plain account ids).
 * Give `method` for a function call, `transfer` for a plain transfer, or `actions` for anything else.
 */
export interface TxSpec {
  /** Name shown in reports; default `<signer>.<method>` (made unique with `#2`, `#3`, ...). */
  label?: string;
  signer: string;
  receiver: string;
  /** Method to call. */
  method?: string;
  /** Call arguments (JSON; bigint values become decimal strings). Default `{}`. */
  args?: unknown;
  /** Deposit attached to the call, yoctoNEAR. Default 0. */
  deposit?: Amount;
  /** Gas attached to the call. Default 30 Tgas, as near-workspaces. */
  gas?: bigint | number | string;
  /** A plain transfer of this many yoctoNEAR instead of a call. */
  transfer?: Amount;
  /** Raw actions instead of a call or a transfer. */
  actions?: Action[];
  /**
   * Blocks after the start at which the transaction may be included: a fixed offset or an inclusive range
   * `[first, last]`, every offset of which is explored. Offset 0 is the first block after set-up. Default 0.
   */
  window?: number | readonly [number, number];
}

/** What a fault point may do to a matching receipt. */
export type FaultKind = "fail" | "exhaustGas";

/**
 * A receipt that may go wrong: every function-call receipt to `receiver` (and `method`, when given). Each
 * fault point is explored both ways: without a fault and with each of its `kinds`.
 */
export interface FaultSpec {
  /** Name from `setup`, or an account id. */
  receiver: string;
  /** Method name; any method of `receiver` when omitted. */
  method?: string;
  /** What may happen; default `["fail"]` (the call panics). `exhaustGas` burns all its gas. */
  kinds?: readonly FaultKind[];
  /** Which matching execution is hit, counting from 1, or `"every"` (default). */
  occurrence?: number | "every";
  /** Panic message for `fail`. */
  message?: string;
}

/** `true`, `undefined` or `null`: the invariant holds. `false` or a message: it is violated. */
export type InvariantVerdict = boolean | string | void | null | undefined;

/** A property checked on every explored schedule. */
export interface Invariant {
  /** Shown in reports, e.g. `conservation`, `no-locks-held`. */
  name: string;
  /** `end` (default): once the chain is idle. `always`: after every block and at the end. */
  when?: "end" | "always";
  /**
   * Throwing counts as a violation with the error's message. Keep it free of side effects: the explorer may
   * call it on extra runs (checks that copies of the chain behave as the original).
   */
  check(ctx: InvariantContext): InvariantVerdict | Promise<InvariantVerdict>;
}

/** A bare predicate can stand for an invariant: its name is the function's name. */
export type InvariantLike = Invariant | ((ctx: InvariantContext) => InvariantVerdict | Promise<InvariantVerdict>);

/** The scenario's transactions as a run submitted them. */
export interface TxRun {
  label: string;
  /** Offset (blocks after the start) at which the transaction was included. */
  offset: number;
  hash: string;
  /** True once every receipt the transaction caused has executed. */
  readonly done: boolean;
  /** The result, once `done`. */
  result(): TransactionResult | undefined;
}

/** Read-only access to one chain state (the schedule's end, or the state it started from). */
export interface StateReader {
  /** Account id of a name (or the id itself). */
  id(name: string): string;
  /** amount + locked of an account (0 when it does not exist). */
  balance(name: string): bigint;
  /** Runs a view method and parses its JSON result (raw text when it is not JSON). */
  view<T = unknown>(name: string, method: string, args?: unknown): T;
}

/** What an invariant sees. Names are the ones `setup` returned; plain account ids work too. */
export interface InvariantContext extends StateReader {
  /** `block` after a block (only `always` invariants), `end` once the chain is idle. */
  phase: "block" | "end";
  worker: Worker;
  chain: Chain;
  /** Handles on this run's worker, by name. */
  accounts: Record<string, Account>;
  /** Account id of a name (or the id itself). */
  id(name: string): string;
  /** amount + locked of an account now (0 when it does not exist). */
  balance(name: string): bigint;
  /** amount + locked of an account when the schedule started (after set-up). */
  startBalance(name: string): bigint;
  /** Runs a view method and parses its JSON result (raw text when it is not JSON). */
  view<T = unknown>(name: string, method: string, args?: unknown): T;
  /** Storage keys of an account (latin1, one char per byte), sorted, optionally only those with `prefix`. */
  storageKeys(name: string, prefix?: string): string[];
  /** Value under a storage key as text, or undefined. */
  storage(name: string, key: string): string | undefined;
  /** The scenario's transactions in scenario order. */
  txs: TxRun[];
  /** Current block height. */
  height: bigint;
  /** Σ balances + tokens burnt + value in flight when the schedule started: what `conservation` compares to. */
  startTotal: bigint;
  /**
   * The state every schedule starts from (what `setup` left), for views: e.g. what a contract's books
   * owed before the schedule ran. Prepared once per exploration, on first use.
   */
  atStart(): Promise<StateReader>;
}

/** A scenario for the explorer. */
export interface Scenario {
  /** Shown in reports. */
  name?: string;
  /** Options of the `Worker` every schedule runs on. */
  worker?: WorkerOptions;
  /**
   * Creates accounts and contracts, as in a near-workspaces test, and returns them by name. Runs once: the
   * chain state it leaves is copied for every schedule.
   */
  setup(worker: Worker): Promise<NamedAccounts>;
  /** The actors' transactions. */
  transactions: readonly TxSpec[];
  /** Receipts that may fail or run out of gas. */
  faults?: readonly FaultSpec[];
  /** Invariants, on top of the defaults (`conservation`, `no-postponed-receipts`). */
  invariants?: readonly InvariantLike[];
  /** Set to false to drop the default invariants. */
  defaultInvariants?: boolean;
}

/** Options of `explore`. */
export interface ExploreOptions {
  /**
   * `exhaustive`: depth-first over every schedule, equivalent states merged. `random`: `budget` schedules
   * drawn with a PRNG seeded by `seed`. Default: `random` when `seed` is given, else `exhaustive`.
   */
  mode?: "exhaustive" | "random";
  /** Seed of the random mode (default 1). */
  seed?: number;
  /** Random mode: schedules to draw (default 1,000). Exhaustive mode: a cap (default 100,000); the report says whether it was reached. */
  budget?: number;
  /** How many blocks the scheduler may defer one receipt, in total (default 1). 0 explores orders only. */
  maxDelay?: number;
  /**
   * Let the scheduler defer payouts too: refunds, and plain transfers to accounts without code. Default
   * false: they run in the block they arrive in (refunds to a contract still in every order with its other
   * receipts), which keeps the search small; a payout only raises a balance.
   */
  deferPayouts?: boolean;
  /** Merge schedules that reach the same state (exhaustive mode, default true). Invariants must depend on state only. */
  dedup?: boolean;
  /** Stop at the first violation (default false: keep going to find the shortest one). */
  stopOnViolation?: boolean;
  /** Blocks one schedule may take before it is reported as not settling (default 200). */
  maxBlocks?: number;
  /** Progress bar on stderr: `true` always, `false` never; by default only on a TTY and after a second. */
  progress?: boolean;
  /**
   * `snapshot` (default): set-up runs once and its chain state is copied for every schedule, after a check
   * that a copy behaves as the original; in exhaustive mode the search also resumes from copies taken at
   * the block where the next schedule departs from the last one, instead of replaying the shared prefix.
   * `replay`: set-up and every schedule run from scratch (slow; for debugging the explorer).
   */
  setupMode?: "snapshot" | "replay";
  /** Include gas refunds in Mermaid diagrams (default false: they are many and say little). */
  mermaidGasRefunds?: boolean;
}

/** One violated invariant on one schedule. */
export interface InvariantFailure {
  invariant: string;
  message: string;
  /** Block height at which it was seen. */
  height: string;
  phase: "block" | "end";
}

/** A failing schedule, ready to read and to replay. */
export interface Counterexample {
  /** Pass to `replay(scenario, scheduleId)` or `near-callback-guards explore <file> --replay <id>`. */
  scheduleId: string;
  /** The invariant this counterexample is for (the first that broke, for `shortest`) and why it broke. */
  invariant: string;
  message: string;
  failures: InvariantFailure[];
  /** Blocks from the start to the end of the schedule. */
  blocks: number;
  /** The choices that make this schedule, in words. */
  choices: string[];
  /** Text timeline: choices, then one line per receipt (formatTrace), then the broken invariants. */
  timeline: string;
  /** The same schedule as a Mermaid sequence diagram. */
  mermaid: string;
}

/** Violations of one invariant across all explored schedules. */
export interface ViolationSummary {
  invariant: string;
  /**
   * Schedules on which it broke: counted like `schedulesCovered` (in exhaustive mode a schedule merged
   * into an explored state that leads to the violation counts too).
   */
  schedules: number;
  /** Of those, the schedules run to the end. */
  schedulesExplored: number;
  /** The shortest of them. */
  shortest: Counterexample;
}

/** What `explore` found. */
export interface ExploreReport {
  scenario: string;
  mode: "exhaustive" | "random";
  seed?: number;
  /** Exhaustive mode: every schedule was covered (not cut by `budget` or `stopOnViolation`). */
  complete: boolean;
  /** Schedules run to the end, invariants checked. */
  schedulesExplored: number;
  /** Exhaustive mode: schedules cut short because they reached a state already explored. */
  schedulesPruned: number;
  /** Random mode: distinct schedules among those drawn. */
  distinctSchedules: number;
  /**
   * Distinct schedules whose outcome is known: those run to the end plus every schedule that reached an
   * explored state and so shares its outcomes (exhaustive mode); the distinct schedules drawn (random mode).
   */
  schedulesCovered: number;
  /** Distinct states seen at block boundaries. */
  distinctStates: number;
  /** Distinct states at the end of a schedule. */
  distinctFinalStates: number;
  /** Longest schedule, in blocks. */
  maxBlocks: number;
  /** One entry per invariant that broke, shortest counterexample first. */
  violations: ViolationSummary[];
  /** The shortest counterexample of all. */
  shortest?: Counterexample;
  /** Invariants that were checked. */
  invariants: string[];
  settings: { maxDelay: number; deferPayouts: boolean; dedup: boolean; budget: number; setupMode: "snapshot" | "replay" };
  warnings: string[];
  durationMs: number;
  /** `runsPerSecond`: runs (to the end or pruned) per second; `schedulesPerSecond`: schedules covered per second. */
  timing: { setupMs: number; exploreMs: number; runsPerSecond: number; schedulesPerSecond: number };
}

/** What `replay` gives back: the run, its verdicts and the worker, left in its final state. */
export interface ReplayResult {
  scheduleId: string;
  failures: InvariantFailure[];
  /** True when every invariant held. */
  passed: boolean;
  choices: string[];
  blocks: Block[];
  timeline: string;
  mermaid: string;
  worker: Worker;
  accounts: Record<string, Account>;
  txs: TxRun[];
}
