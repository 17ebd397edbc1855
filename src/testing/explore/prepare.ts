/**
 * Turns a scenario into what the runner needs: set-up run once, names resolved to account ids,
 * transactions turned into actions with their inclusion windows, fault points checked, invariants
 * normalised, and a way to get a fresh worker in the post-set-up state for each schedule.
 */
import { Worker } from "../workspaces/worker.js";
import { Account } from "../workspaces/account.js";
import { encodeArgs, toGas, toYocto } from "../workspaces/args.js";
import { isValidAccountId } from "../runtime/account-id.js";
import { TGAS } from "../runtime/config.js";
import type { Action } from "../runtime/types.js";
import { captureChain, restoreChain, type ChainSnapshot } from "./snapshot.js";
import { normalizeInvariants } from "./invariants.js";
import { fingerprint } from "./schedule-id.js";
import type { FaultKind, FaultSpec, Invariant, Scenario, TxSpec } from "./types.js";

/** A transaction ready to submit. */
export interface PreparedTx {
  label: string;
  signerId: string;
  receiverId: string;
  actions: Action[];
  /** Inclusive window of block offsets. */
  first: number;
  last: number;
}

/** A fault point with its account resolved. */
export interface PreparedFault {
  label: string;
  receiverId: string;
  method?: string;
  kinds: FaultKind[];
  occurrence: number | "every";
  message?: string;
}

export interface PreparedScenario {
  name: string;
  scenario: Scenario;
  /** Account id of every name `setup` returned. */
  ids: Record<string, string>;
  txs: PreparedTx[];
  faults: PreparedFault[];
  invariants: Invariant[];
  /** Fingerprint written into schedule ids. */
  fingerprint: string;
  /** How workers for schedules are made. */
  setupMode: "snapshot" | "replay";
  setupMs: number;
  warnings: string[];
  /** Resolves a name (or an account id) to an account id. */
  resolve(name: string): string;
  /** The scenario's name for an account id, or the id. */
  nameOf(accountId: string): string;
  /** The worker `setup` ran on; handed out once by `take()`, then fresh ones. */
  setupWorker: Worker | null;
  /** A worker in the state set-up left. */
  fresh(): Promise<Worker>;
  /** Puts an existing worker back in the state set-up left (snapshot mode only). */
  reset(worker: Worker): void;
  snapshot: ChainSnapshot | null;
  /** A worker kept in the state set-up left, for reading it (`InvariantContext.atStart`); made on first use. */
  startWorker(): Promise<Worker>;
}

const DEFAULT_GAS = 30n * TGAS;

/** Checks the scenario's shape, runs set-up once and prepares everything else. */
export async function prepareScenario(scenario: Scenario, setupMode: "snapshot" | "replay"): Promise<PreparedScenario> {
  if (!scenario || typeof scenario !== "object") throw new TypeError("A scenario must be an object");
  if (typeof scenario.setup !== "function") throw new TypeError("scenario.setup must be an async function (worker) => named accounts");
  if (!Array.isArray(scenario.transactions)) throw new TypeError("scenario.transactions must be an array");
  const name = scenario.name ?? "scenario";
  const warnings: string[] = [];

  const started = performance.now();
  const worker = await Worker.init(scenario.worker);
  const named = await scenario.setup(worker);
  worker.chain.runUntilIdle();
  const ids = idsOf(named);
  const setupMs = performance.now() - started;

  const byId = new Map<string, string>();
  for (const [n, id] of Object.entries(ids)) if (!byId.has(id)) byId.set(id, n);
  const resolve = (n: string): string => {
    if (Object.prototype.hasOwnProperty.call(ids, n)) return ids[n];
    if (isValidAccountId(n) && worker.chain.account(n)) return n;
    throw new Error(`Unknown account "${n}": setup returned ${Object.keys(ids).map((k) => `"${k}"`).join(", ") || "no names"}`);
  };
  const nameOf = (id: string): string => byId.get(id) ?? id;

  const txs = prepareTxs(scenario.transactions, resolve);
  const faults = (scenario.faults ?? []).map((f, i) => prepareFault(f, i, resolve));
  const invariants = normalizeInvariants(scenario.invariants ?? [], scenario.defaultInvariants !== false);
  const fp = fingerprint({
    txs: txs.map((t) => [t.label, t.signerId, t.receiverId, t.first, t.last]),
    faults: faults.map((f) => [f.receiverId, f.method ?? null, f.kinds, f.occurrence]),
  });

  const snapshot = setupMode === "snapshot" ? captureChain(worker.chain) : null;
  const prepared: PreparedScenario = {
    name,
    scenario,
    ids,
    txs,
    faults,
    invariants,
    fingerprint: fp,
    setupMode,
    setupMs,
    warnings,
    resolve,
    nameOf,
    setupWorker: worker,
    snapshot,
    async fresh(): Promise<Worker> {
      if (prepared.setupWorker) {
        const w = prepared.setupWorker;
        prepared.setupWorker = null;
        return w;
      }
      if (prepared.setupMode === "snapshot" && prepared.snapshot) {
        const w = await Worker.init(scenario.worker);
        restoreChain(w.chain, prepared.snapshot);
        return w;
      }
      const w = await Worker.init(scenario.worker);
      const again = idsOf(await scenario.setup(w));
      w.chain.runUntilIdle();
      if (JSON.stringify(again) !== JSON.stringify(ids)) {
        throw new Error(`scenario.setup is not deterministic: it returned ${JSON.stringify(again)} after ${JSON.stringify(ids)}`);
      }
      return w;
    },
    reset(w: Worker): void {
      if (!prepared.snapshot) throw new Error("reset() needs the set-up snapshot");
      restoreChain(w.chain, prepared.snapshot);
    },
    startWorker(): Promise<Worker> {
      if (!startWorker) {
        // Never the set-up worker itself: schedules run on that one.
        startWorker = (async () => {
          if (prepared.snapshot) {
            const w = await Worker.init(scenario.worker);
            restoreChain(w.chain, prepared.snapshot);
            return w;
          }
          const w = await Worker.init(scenario.worker);
          await scenario.setup(w);
          w.chain.runUntilIdle();
          return w;
        })();
      }
      return startWorker;
    },
  };
  let startWorker: Promise<Worker> | null = null;
  return prepared;
}

function idsOf(named: unknown): Record<string, string> {
  if (!named || typeof named !== "object") throw new TypeError("scenario.setup must return an object of named accounts, e.g. { alice, staking }");
  const ids: Record<string, string> = {};
  for (const [n, v] of Object.entries(named as Record<string, unknown>)) {
    if (v instanceof Account || (v && typeof v === "object" && typeof (v as Account).accountId === "string")) ids[n] = (v as Account).accountId;
    else if (typeof v === "string" && isValidAccountId(v)) ids[n] = v;
    else throw new TypeError(`scenario.setup returned ${n}: ${String(v)}, which is neither an Account nor an account id`);
  }
  return ids;
}

function prepareTxs(specs: readonly TxSpec[], resolve: (n: string) => string): PreparedTx[] {
  const seen = new Map<string, number>();
  return specs.map((spec, i) => {
    const where = `scenario.transactions[${i}]`;
    if (!spec || typeof spec !== "object") throw new TypeError(`${where} must be an object`);
    const signerId = resolve(spec.signer);
    const receiverId = resolve(spec.receiver);
    const kinds = [spec.method !== undefined, spec.transfer !== undefined, spec.actions !== undefined].filter(Boolean).length;
    if (kinds !== 1) throw new TypeError(`${where} needs exactly one of method, transfer or actions`);
    let actions: Action[];
    let what: string;
    if (spec.method !== undefined) {
      actions = [
        {
          type: "FunctionCall",
          methodName: spec.method,
          args: encodeArgs(spec.args ?? {}),
          deposit: toYocto(spec.deposit ?? 0n, `${where}.deposit`),
          gas: toGas(spec.gas ?? DEFAULT_GAS, `${where}.gas`),
          weight: 0n,
        },
      ];
      what = spec.method;
    } else if (spec.transfer !== undefined) {
      actions = [{ type: "Transfer", deposit: toYocto(spec.transfer, `${where}.transfer`) }];
      what = "transfer";
    } else {
      if (!Array.isArray(spec.actions) || spec.actions.length === 0) throw new TypeError(`${where}.actions must be a non-empty array`);
      actions = spec.actions.slice();
      what = "actions";
    }
    const [first, last] = windowOf(spec.window, where);
    let label = spec.label ?? `${spec.signer}.${what}`;
    const n = (seen.get(label) ?? 0) + 1;
    seen.set(label, n);
    if (n > 1) label = `${label}#${n}`;
    return { label, signerId, receiverId, actions, first, last };
  });
}

function windowOf(w: TxSpec["window"], where: string): [number, number] {
  const pair: readonly [number, number] = w === undefined ? [0, 0] : typeof w === "number" ? [w, w] : w;
  if (!Array.isArray(pair) && typeof w !== "number" && w !== undefined) throw new TypeError(`${where}.window must be a number or [first, last]`);
  const [first, last] = pair;
  if (!Number.isInteger(first) || !Number.isInteger(last) || first < 0 || last < first) {
    throw new RangeError(`${where}.window must be whole block offsets with 0 ≤ first ≤ last (got ${JSON.stringify(w)})`);
  }
  return [first, last];
}

function prepareFault(f: FaultSpec, i: number, resolve: (n: string) => string): PreparedFault {
  const where = `scenario.faults[${i}]`;
  if (!f || typeof f !== "object") throw new TypeError(`${where} must be an object`);
  const receiverId = resolve(f.receiver);
  const kinds = [...(f.kinds ?? ["fail"])];
  if (kinds.length === 0 || kinds.some((k) => k !== "fail" && k !== "exhaustGas")) throw new TypeError(`${where}.kinds must list "fail" and/or "exhaustGas"`);
  const occurrence = f.occurrence ?? "every";
  if (occurrence !== "every" && (!Number.isInteger(occurrence) || occurrence < 1)) throw new RangeError(`${where}.occurrence counts from 1, or is "every"`);
  const label = `${f.receiver}.${f.method ?? "*"}${occurrence === "every" ? "" : `#${occurrence}`}`;
  return { label, receiverId, method: f.method, kinds, occurrence, message: f.message };
}
