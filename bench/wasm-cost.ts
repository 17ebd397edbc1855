/**
 * What the guards cost in what the chain charges, on the `wasm` engine (nearcore's current counting rule):
 *
 * - `wasmBytesAllGuards`: bytes of examples/staking/guarded.ts built to wasm minus bench/contracts/
 *   handwritten-staking.ts (the same staking service written by hand with the same behaviour for money
 *   and locks; see its header for what "same" covers). Every byte is QuickJS bytecode in the wasm's data:
 *   paid at deploy, in storage staking and, through QuickJS reading and evaluating it, on every call.
 * - `wasmBytesPrivateCallback`: bench/contracts/size/private-callback.ts minus minimal.ts.
 * - `totalGasRatioSuccess` / `totalGasRatioFailure`: gas burnt by the whole staking flow (the transaction
 *   and every receipt: wasm instructions, contract loading, host functions, action fees), guarded ÷
 *   hand-written, validator accepting / failing; `totalGasRatio` is the larger.
 * - `callbackGasGuarded` / `callbackGasHandwritten`: gas burnt by the settling callback (`on_staked`) on the
 *   failure path (it refunds: the dearest path), Tgas.
 * - `reserveHeadroomMin`: bench/contracts/reserve-sweep.ts's callback body burns from 0 to all of its
 *   `callback.gas` while the validator fails (the refund path); the least gas left unused by the callback
 *   (its gas refund) after settlement, Tgas. Every run in that range must settle with a refund: if one
 *   defers or fails, the figure is -1 and the details name it. Beyond `callback.gas` (the body eating the
 *   reserve) the details give where settlement defers the refund instead, and where the call fails before
 *   settlement starts (rolled back: the operation waits for expiry), never half-way.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, TGAS, parseNEAR, bundleContract, type ExecutionOutcome, type TransactionResult, type Account } from "../src/testing/index.js";
import { buildContractWasm } from "../src/testing/loader/wasm/build-contract-wasm.js";
import { wasmToolchainProblem } from "../src/testing/loader/wasm/toolchain.js";
import { measured, round, sectionFailed, unavailable, type Figure, type SectionResult } from "./figures.js";
import { stakingWorld, STAKING_SOURCES, VALIDATOR_SOURCE, DEPOSIT, FLOW_GAS, type StakingKind } from "./staking-world.js";
import { SIZE_FIXTURES, SIZE_DIR, type SizeFixture } from "./contract-size.js";
import { info } from "./log.js";
import { guardBytesByFile, loadCostModel } from "./guard-bytes.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const SWEEP = path.join(here, "contracts", "reserve-sweep.ts");
/** `callback.gas` of the sweep's flow. */
export const SWEEP_CALLBACK_GAS = 20n * TGAS;

export const WASM_COST_KEYS = [
  "wasmBytesAllGuards",
  "wasmBytesPrivateCallback",
  "totalGasRatioSuccess",
  "totalGasRatioFailure",
  "totalGasRatio",
  "callbackGasGuarded",
  "callbackGasHandwritten",
  "reserveHeadroomMin",
] as const;

const T = (g: bigint) => Number(g) / 1e12;
const tg = (g: bigint) => `${T(g).toFixed(3)} T`;
const profileOf = (o: ExecutionOutcome, cost: string) => o.gasProfile?.filter((e) => e.cost === cost).reduce((s, e) => s + e.gasUsed, 0n) ?? 0n;

/** Wasm bytes of a contract source, as `near-sdk-js build` makes it. */
export async function wasmBytes(source: string): Promise<number> {
  return (await buildContractWasm(await bundleContract(source))).wasm.length;
}

interface FlowGas {
  total: bigint;
  /** `get_balance` called as a transaction after the flow: a call that runs no guard, only loads the contract. */
  plainCall: ExecutionOutcome;
  callback: ExecutionOutcome;
  receipts: ExecutionOutcome[];
}

async function flowGas(kind: StakingKind, path: "success" | "failure"): Promise<FlowGas> {
  const { staking, alice } = await stakingWorld(kind, { engine: "wasm", validatorMode: path === "success" ? "succeed" : "fail" });
  const r = await alice.callRaw(staking, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: FLOW_GAS });
  const failed = r.receiptsOutcome.filter((o) => o.status.type === "Failure" && o.methodName !== "stake");
  if (failed.length > 0) throw new Error(`${kind} ${path}: ${failed[0].methodName} failed: ${(failed[0].status as { failure: { message: string } }).failure.message}`);
  const credited = BigInt(await staking.view<string>("get_balance", { account_id: alice.accountId }));
  const refunded = r.receiptsOutcome.some((o) => o.executorId === alice.accountId && o.predecessorId === staking.accountId);
  if (credited !== (path === "success" ? DEPOSIT : 0n) || refunded !== (path === "failure")) throw new Error(`${kind} ${path}: credited ${credited}, refunded ${refunded}`);
  const total = r.receiptsOutcome.reduce((s, o) => s + o.gasBurnt, r.transactionOutcome.gasBurnt);
  const plain = await alice.callRaw(staking, "get_balance", { account_id: alice.accountId }, { gas: FLOW_GAS });
  return { total, plainCall: plain.receiptsOutcome[0], callback: r.receiptsOutcome.find((o) => o.methodName === "on_staked")!, receipts: r.receiptsOutcome.filter((o) => o.gasBurnt > 0n) };
}

function receiptLine(o: ExecutionOutcome): string {
  const name = o.methodName ? `${o.executorId.split(".")[0]}.${o.methodName}` : `${o.executorId.split(".")[0]} (transfer)`;
  if (!o.methodName) return `${name} ${tg(o.gasBurnt)}`;
  return `${name} ${tg(o.gasBurnt)} (instructions ${tg(profileOf(o, "WASM_INSTRUCTION"))}, loading ${tg(profileOf(o, "CONTRACT_LOADING_BYTES") + profileOf(o, "CONTRACT_LOADING_BASE"))})`;
}

/** How one sweep run ended. */
export interface SweepRun {
  burn: bigint;
  /** `refund`: settled and refunded; `deferred`: refund_deferred; `failed`: the callback receipt failed. */
  outcome: "refund" | "deferred" | "failed";
  /** Gas of the callback left unused (its gas refund); 0 when it failed. */
  left: bigint;
  detail: string;
}

interface SweepWorld {
  worker: Worker;
  sweep: Account;
  validator: Account;
  /** Runs so far: each run is a new user, so that a flow left for expiry does not lock the next. */
  runs: number;
}

async function sweepWorld(): Promise<SweepWorld> {
  const worker = await Worker.init({ engine: "wasm" });
  const root = worker.rootAccount;
  const validator = await root.createSubAccount("validator", { initialBalance: parseNEAR("10") });
  await validator.deploy(VALIDATOR_SOURCE);
  await validator.call(validator, "init", {});
  await validator.call(validator, "set_mode", { mode: "fail" });
  const sweep = await root.createSubAccount("sweep", { initialBalance: parseNEAR("50") });
  await sweep.deploy(SWEEP);
  return { worker, sweep, validator, runs: 0 };
}

const logged = (r: TransactionResult, event: string) => r.logs.some((l) => l.includes(`"event":"${event}"`));

/** One flow of the sweep contract whose callback body burns `burn`. */
export async function sweepRun(w: SweepWorld, burn: bigint, callbackGas = SWEEP_CALLBACK_GAS): Promise<SweepRun> {
  const user = await w.worker.rootAccount.createSubAccount(`user${w.runs++}`, { initialBalance: parseNEAR("10") });
  const r = await user.callRaw(w.sweep, "start", { validator: w.validator.accountId, burn: burn.toString(), cb_gas: callbackGas.toString() }, { attachedDeposit: parseNEAR("1"), gas: 300n * TGAS });
  const [cb, check] = r.receiptsOutcome.filter((o) => o.methodName === "on_done");
  if (!cb) throw new Error(`sweep: no callback (${r.receiptFailureMessages.join("; ")})`);
  if (cb.status.type === "Failure") return { burn, outcome: "failed", left: 0n, detail: cb.status.failure.message.split("\n")[0] };
  let outcome: SweepRun["outcome"] = logged(r, "refund_sent") ? "refund" : logged(r, "refund_deferred") ? "deferred" : "failed";
  let detail = outcome === "failed" ? "settled without a refund event" : "";
  // A refund is settled only once its bounce check ran (it removes the check record).
  if (outcome === "refund" && (!check || check.status.type === "Failure")) {
    outcome = "failed";
    detail = `the refund's bounce check failed: ${check && check.status.type === "Failure" ? check.status.failure.message.split("\n")[0] : "it never ran"}`;
  }
  return { burn, outcome, left: cb.gasRefunded ?? 0n, detail };
}

/** The sweep: 0 … callback.gas in eighths, then the first burn that defers and the first that fails (to 0.05 Tgas). */
export async function reserveSweep(): Promise<{ inRange: SweepRun[]; deferFrom: bigint | null; failFrom: bigint | null; lastRefund: SweepRun | null }> {
  const w = await sweepWorld();
  const inRange: SweepRun[] = [];
  for (let i = 0n; i <= 8n; i++) {
    const run = await sweepRun(w, (SWEEP_CALLBACK_GAS * i) / 8n);
    info(`reserve sweep: burn ${tg(run.burn)} → ${run.outcome}, ${tg(run.left)} left ${run.detail}`);
    inRange.push(run);
  }
  const step = 50_000_000_000n;
  // First burn that does not refund, then first that fails, by bisection above callback.gas.
  const firstWhere = async (lo: bigint, hi: bigint, stop: (r: SweepRun) => boolean): Promise<[bigint | null, SweepRun | null]> => {
    let top = await sweepRun(w, hi);
    if (!stop(top)) return [null, null];
    let below: SweepRun | null = null;
    while (hi - lo > step) {
      const mid = (lo + hi) / 2n;
      const run = await sweepRun(w, mid);
      if (stop(run)) {
        hi = mid;
        top = run;
      } else {
        lo = mid;
        below = run;
      }
    }
    return [hi, below];
  };
  const ceiling = SWEEP_CALLBACK_GAS + 60n * TGAS;
  // Bracket each point with the in-range runs when it falls within callback.gas.
  const bracket = (stop: (r: SweepRun) => boolean): [bigint, bigint] => {
    const i = inRange.findIndex(stop);
    return i < 0 ? [SWEEP_CALLBACK_GAS, ceiling] : [i === 0 ? 0n : inRange[i - 1].burn, inRange[i].burn];
  };
  const notRefund = (r: SweepRun) => r.outcome !== "refund";
  const failed = (r: SweepRun) => r.outcome === "failed";
  const [deferFrom, lastRefund] = await firstWhere(...bracket(notRefund), notRefund);
  const [failFrom] = await firstWhere(...bracket(failed), failed);
  return { inRange, deferFrom, failFrom, lastRefund };
}

export async function measureWasmCost(): Promise<SectionResult> {
  const problem = wasmToolchainProblem();
  if (problem) return sectionFailed(WASM_COST_KEYS, `no wasm toolchain: ${problem.split(". ")[0]}`);
  const details: [string, string][] = [];
  const figures: Partial<Record<(typeof WASM_COST_KEYS)[number], Figure>> = {};

  info("wasm cost: building the staking pair and the size fixtures to wasm");
  const guarded = await wasmBytes(STAKING_SOURCES.guarded);
  const handwritten = await wasmBytes(STAKING_SOURCES.handwritten);
  const sizes = {} as Record<SizeFixture, number>;
  for (const [name, file] of Object.entries(SIZE_FIXTURES) as [SizeFixture, string][]) sizes[name] = await wasmBytes(path.join(SIZE_DIR, file));
  figures.wasmBytesAllGuards = measured(guarded - handwritten);
  figures.wasmBytesPrivateCallback = measured(sizes.privateCallback - sizes.minimal);
  details.push(["staking wasm, guarded / hand-written", `${guarded.toLocaleString("en-US")} / ${handwritten.toLocaleString("en-US")} B`]);
  details.push([
    "size fixtures, wasm bytes added to minimal.ts",
    (Object.keys(SIZE_FIXTURES) as SizeFixture[]).filter((k) => k !== "minimal").map((k) => `${k} +${sizes[k] - sizes.minimal}`).join(", ") + ` (minimal ${sizes.minimal.toLocaleString("en-US")} B)`,
  ]);

  info("wasm cost: the guards' bytecode by source file");
  const byFile = await guardBytesByFile(STAKING_SOURCES.guarded, STAKING_SOURCES.handwritten);
  details.push([
    `staking pair, QuickJS bytecode guarded / hand-written: ${byFile.guarded.toLocaleString("en-US")} / ${byFile.plain.toLocaleString("en-US")} B; the guards' by file (bytes, top-level + nested functions)`,
    byFile.rows.map((r) => `${r.file.replace(/^src\//, "")} ${r.bytes.toLocaleString("en-US")} (${r.topFunctions}+${r.nestedFunctions})`).join("; "),
  ]);
  details.push(["of which error texts (strings over 24 characters and templates with values, in the guards' code)", `${byFile.messageBytes.toLocaleString("en-US")} B`]);

  const flows = {} as Record<`${StakingKind}-${"success" | "failure"}`, FlowGas>;
  for (const kind of ["guarded", "handwritten"] as const) {
    for (const p of ["success", "failure"] as const) {
      info(`wasm cost: ${kind} staking flow, ${p} path`);
      flows[`${kind}-${p}`] = await flowGas(kind, p);
    }
  }
  const ratio = (p: "success" | "failure") => round(Number(flows[`guarded-${p}`].total) / Number(flows[`handwritten-${p}`].total), 4);
  figures.totalGasRatioSuccess = measured(ratio("success"));
  figures.totalGasRatioFailure = measured(ratio("failure"));
  figures.totalGasRatio = measured(Math.max(ratio("success"), ratio("failure")));
  figures.callbackGasGuarded = measured(round(T(flows["guarded-failure"].callback.gasBurnt), 3));
  figures.callbackGasHandwritten = measured(round(T(flows["handwritten-failure"].callback.gasBurnt), 3));
  for (const [name, f] of Object.entries(flows)) details.push([`${name} flow: ${tg(f.total)}`, f.receipts.map(receiptLine).join("; ")]);
  const load = (k: StakingKind) => flows[`${k}-success`].plainCall;
  details.push([
    "a call that runs no guard (get_balance as a transaction), guarded / hand-written: loading the guards' code, paid by every call",
    `${tg(load("guarded").gasBurnt)} / ${tg(load("handwritten").gasBurnt)} (instructions ${tg(profileOf(load("guarded"), "WASM_INSTRUCTION"))} / ${tg(profileOf(load("handwritten"), "WASM_INSTRUCTION"))}): +${tg(load("guarded").gasBurnt - load("handwritten").gasBurnt)} per call`,
  ]);
  info("wasm cost: what loading costs per byte and per function");
  const model = await loadCostModel();
  const functions = byFile.rows.reduce((s, r) => s + r.topFunctions + r.nestedFunctions, 0);
  const tops = byFile.rows.reduce((s, r) => s + r.topFunctions, 0);
  const bytesOfGuards = byFile.guarded - byFile.plain;
  const predicted = model.perByte * bytesOfGuards + model.perFunction * functions + model.perTopFunction * tops;
  details.push([
    "loading cost per call (wasm instructions), from generated contracts",
    `${(model.perByte / 1e6).toFixed(1)} Mgas per bytecode byte, ${(model.perFunction / 1e9).toFixed(2)} Ggas per function, ${(model.perTopFunction / 1e9).toFixed(2)} Ggas more per top-level function (${model.details}); for the guards' ${bytesOfGuards.toLocaleString("en-US")} B and ${functions} functions (${tops} top-level): ${(predicted / 1e12).toFixed(3)} T per call`,
  ]);
  details.push(["settling callback, success path (guarded / hand-written)", `${tg(flows["guarded-success"].callback.gasBurnt)} / ${tg(flows["handwritten-success"].callback.gasBurnt)}`]);

  info("wasm cost: reserve sweep");
  const sweep = await reserveSweep();
  const bad = sweep.inRange.filter((r) => r.outcome !== "refund");
  const least = sweep.inRange.reduce((m, r) => (r.left < m ? r.left : m), sweep.inRange[0].left);
  figures.reserveHeadroomMin = bad.length > 0 ? measured(-1) : measured(round(T(least), 3));
  details.push([
    `reserve sweep, body burning 0 … callback.gas (${tg(SWEEP_CALLBACK_GAS)}), refund path`,
    sweep.inRange.map((r) => `${T(r.burn).toFixed(1)} → ${r.outcome}${r.outcome === "failed" ? ` (${r.detail})` : `, ${tg(r.left)} left`}`).join("; "),
  ]);
  details.push([
    "reserve sweep, body eating into the reserve",
    `refunds up to a body of ${sweep.lastRefund ? tg(sweep.lastRefund.burn) + ` (${tg(sweep.lastRefund.left)} left)` : "—"}; defers (refund_deferred) from ${sweep.deferFrom === null ? "never (within +60 T)" : tg(sweep.deferFrom)}; fails before settling (rolled back, the operation waits for expiry) from ${sweep.failFrom === null ? "never (within +60 T)" : tg(sweep.failFrom)}`,
  ]);
  if (bad.length > 0) details.push(["reserve sweep: runs within callback.gas that did not refund", bad.map((r) => `${tg(r.burn)}: ${r.outcome} ${r.detail}`).join("; ")]);
  for (const k of WASM_COST_KEYS) if (!figures[k]) figures[k] = unavailable("not measured");
  return { figures, details };
}
