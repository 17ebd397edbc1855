/**
 * Guard overhead: the guarded staking flow (examples/staking/guarded.ts) against the same flow written by
 * hand (bench/contracts/handwritten-staking.ts), one deposit_and_stake of alice from a fresh network, on
 * the success path (validator accepts) and the failure path (validator panics, the callback refunds).
 *
 * Counted by the runtime, deterministic (no timing):
 * - host gas: Σ gas burnt by the staking contract's function-call receipts (deposit_and_stake and
 *   on_staked), with nearcore's fee table: action receipt and function call fees, the send fees of the
 *   promises they create, host functions (storage, registers, logs, ...). The runtime also burns a fixed
 *   estimate per call for the JavaScript itself (`defaultExecutionGas`, the same for both contracts and not
 *   from the fee table): it is subtracted, and the ratio with it is given as a detail;
 * - storage operations: storage_read / storage_write / storage_remove / storage_has_key calls of those
 *   receipts (`ExecutionOutcome.storageOps`);
 * - bytes in flight: the contract's storage usage once deposit_and_stake has run, minus before;
 * - bytes after settlement: storage usage once the flow has settled minus before, guarded minus
 *   hand-written (both leave the same credited-balance record on success), the worse of both paths.
 */
import type { ExecutionOutcome, RuntimeConfig, StorageOpCounts } from "../src/testing/index.js";
import { measured, unavailable, round, type SectionResult, type Figure } from "./figures.js";
import { stakingWorld, DEPOSIT, FLOW_GAS, type StakingKind } from "./staking-world.js";
import { info } from "./log.js";

type FlowPath = "success" | "failure";

interface FlowCost {
  kind: StakingKind;
  path: FlowPath;
  /** Σ gas burnt by the contract's function-call receipts. */
  gasBurnt: bigint;
  /** The same without the runtime's fixed per-call JavaScript estimate. */
  hostGas: bigint;
  functionCalls: number;
  /** Null when the runtime does not report storage operations. */
  ops: StorageOpCounts | null;
  inFlightBytes: bigint;
  settledBytes: bigint;
  /** Bytes (key + value + record overhead) under the guards' 0xFF prefix once settled. */
  guardPrefixBytes: bigint;
  /** Part of hostGas paid for the receipts' logs (log_utf8: host call, UTF-8 decoding, log; fee table × bytes). */
  logGas: bigint;
  logBytes: number;
}

function totalOps(o: StorageOpCounts): number {
  return o.reads + o.writes + o.removes + o.hasKeys;
}

function sumOps(outcomes: ExecutionOutcome[]): StorageOpCounts | null {
  const sum: StorageOpCounts = { reads: 0, writes: 0, removes: 0, hasKeys: 0 };
  for (const o of outcomes) {
    if (!o.storageOps) return null;
    sum.reads += o.storageOps.reads;
    sum.writes += o.storageOps.writes;
    sum.removes += o.storageOps.removes;
    sum.hasKeys += o.storageOps.hasKeys;
  }
  return sum;
}

/** What nearcore charges for logging `bytes` bytes with log_utf8 (host call base, UTF-8 decoding, the log itself). */
function logCost(config: RuntimeConfig, bytes: number): bigint {
  const h = config.host;
  const n = BigInt(bytes);
  return h.base + h.utf8DecodingBase + h.utf8DecodingByte * n + h.logBase + h.logByte * n;
}

async function measureFlow(kind: StakingKind, path: FlowPath): Promise<FlowCost> {
  const { worker, staking, alice } = await stakingWorld(kind, { validatorMode: path === "success" ? "succeed" : "fail" });
  const chain = worker.chain;
  const contract = staking.accountId;
  const before = chain.storageUsage(contract);

  const handle = alice.submitCall(staking, "deposit_and_stake", {}, { attachedDeposit: DEPOSIT, gas: FLOW_GAS });
  let inFlight: bigint | null = null;
  for (let i = 0; i < 10 && inFlight === null; i++) {
    const block = chain.step();
    const first = block.entries.find((e) => e.kind === "receipt" && e.to === contract && e.method === "deposit_and_stake");
    if (first) {
      if (first.status !== "success") throw new Error(`${kind}: deposit_and_stake failed: ${first.detail}`);
      inFlight = chain.storageUsage(contract) - before;
    }
  }
  if (inFlight === null) throw new Error(`${kind}: deposit_and_stake did not run within 10 blocks`);
  chain.runUntilIdle();
  const outcomes = chain.outcomes(handle.hash).receiptsOutcome;

  // A benchmark of a flow that did the wrong thing would be meaningless: check it did the right one.
  const credited = BigInt(await staking.view<string>("get_balance", { account_id: alice.accountId }));
  const refunded = outcomes.some((o) => o.executorId === alice.accountId && o.predecessorId === contract);
  if (path === "success" && (credited !== DEPOSIT || refunded)) throw new Error(`${kind}: success path credited ${credited}, refunded ${refunded}`);
  if (path === "failure" && (credited !== 0n || !refunded)) throw new Error(`${kind}: failure path credited ${credited}, refunded ${refunded}`);

  const calls = outcomes.filter((o) => o.kind === "action" && o.executorId === contract && o.methodName !== undefined);
  const gasBurnt = calls.reduce((s, o) => s + o.gasBurnt, 0n);
  const account = chain.account(contract)!;
  let guardPrefixBytes = 0n;
  for (const [k, v] of account.storage) if (k.startsWith("\u00ff")) guardPrefixBytes += BigInt(k.length + v.length) + chain.config.storageRecordOverheadBytes;
  let logGas = 0n;
  let logBytes = 0;
  for (const o of calls) {
    for (const line of o.logs) {
      const n = Buffer.byteLength(line, "utf8");
      logBytes += n;
      logGas += logCost(chain.config, n);
    }
  }
  return {
    kind,
    path,
    logGas,
    logBytes,
    gasBurnt,
    hostGas: gasBurnt - calls.reduce((sum, c) => sum + chain.executionGasOf(c.executorId, c.methodName ?? ""), 0n),
    functionCalls: calls.length,
    ops: sumOps(calls),
    inFlightBytes: inFlight,
    settledBytes: chain.storageUsage(contract) - before,
    guardPrefixBytes,
  };
}

const tgas = (g: bigint) => `${(Number(g) / 1e12).toFixed(3)} Tgas`;
const opsText = (o: StorageOpCounts | null) => (o ? `${totalOps(o)} (${o.reads} read, ${o.writes} write, ${o.removes} remove, ${o.hasKeys} has_key)` : "not reported");

export async function measureGuardOverhead(): Promise<SectionResult> {
  const cost: Record<`${StakingKind}-${FlowPath}`, FlowCost> = {} as never;
  for (const kind of ["guarded", "handwritten"] as const) {
    for (const path of ["success", "failure"] as const) {
      info(`guard overhead: ${kind} flow, ${path} path`);
      cost[`${kind}-${path}`] = await measureFlow(kind, path);
    }
  }
  const g = cost["guarded-success"];
  const h = cost["handwritten-success"];
  const gf = cost["guarded-failure"];
  const hf = cost["handwritten-failure"];

  const opsMissing = "the runtime does not report storage operations per receipt (ExecutionOutcome.storageOps)";
  const storageOpsExtra: Figure = g.ops && h.ops ? measured(totalOps(g.ops) - totalOps(h.ops)) : unavailable(opsMissing);
  const afterSettle = [g.settledBytes - h.settledBytes, gf.settledBytes - hf.settledBytes, g.guardPrefixBytes, gf.guardPrefixBytes].reduce((a, b) => (b > a ? b : a));

  const details: [string, string][] = [];
  for (const c of [g, h, gf, hf]) {
    details.push([
      `${c.kind}, ${c.path} path`,
      `host gas ${tgas(c.hostGas)} (${tgas(c.gasBurnt)} with the runtime's JS estimate, ${c.functionCalls} calls); storage ops ${opsText(c.ops)}; bytes in flight ${c.inFlightBytes}, after settlement ${c.settledBytes}`,
    ]);
  }
  details.push(["guard gas ratio, failure path", `${round(Number(gf.hostGas) / Number(hf.hostGas), 4)}×`]);
  details.push([
    "guard gas ratio without the gas of logs (NEP-297 events)",
    `success ${round(Number(g.hostGas - g.logGas) / Number(h.hostGas - h.logGas), 4)}×, failure ${round(Number(gf.hostGas - gf.logGas) / Number(hf.hostGas - hf.logGas), 4)}× (the guarded flow logs ${g.logBytes} B on success, ${gf.logBytes} B on failure: ${tgas(g.logGas)} / ${tgas(gf.logGas)})`,
  ]);
  details.push(["guard gas ratio incl. the runtime's per-call JS estimate", `success ${round(Number(g.gasBurnt) / Number(h.gasBurnt), 4)}×, failure ${round(Number(gf.gasBurnt) / Number(hf.gasBurnt), 4)}×`]);
  if (gf.ops && hf.ops) details.push(["storage ops extra, failure path", String(totalOps(gf.ops) - totalOps(hf.ops))]);
  details.push(["hand-written bytes in flight (its in-flight flag)", `${h.inFlightBytes} B`]);
  details.push(["bytes under the guards' 0xFF prefix after settlement", `success ${g.guardPrefixBytes} B, failure ${gf.guardPrefixBytes} B`]);

  return {
    figures: {
      guardGasRatio: measured(round(Number(g.hostGas) / Number(h.hostGas), 4)),
      storageOpsExtra,
      inFlightBytes: measured(Number(g.inFlightBytes)),
      bytesAfterSettle: measured(Number(afterSettle)),
    },
    details,
  };
}
