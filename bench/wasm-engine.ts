/**
 * The `wasm` engine: build and call times, the toolchain from nothing, and near-sdk-js's published gas
 * benchmark (benchmark/README.md of near-sdk-js, February 2023, "JS" rows) reproduced on the legacy counting
 * rule it ran on. Rows use this repository's equivalent contracts (bench/contracts/near-sdk-js-benchmark),
 * bundled with the installed near-sdk-js and built as `near-sdk-js build` does.
 *
 * - `wasmCallMs`: one warm function call (`chain.view` of the counter's `get`: instantiate, fresh 64 MiB
 *   memory, QuickJS start-up, the method), median of 30 after 10 warm-up calls.
 * - `wasmBuildMs`: a contract never built before (the counter with a unique comment), toolchain cached.
 * - `wasmToolchainMs`: the toolchain prepared from nothing in a fresh cache directory (QuickJS sources,
 *   native qjsc, QuickJS LTO bitcode), in a child process; the npm cache may already hold qjsc@0.3.0.
 * - `nearSdkJsBenchmark`: per row, our receipt gas, WASM_INSTRUCTION and wasm size over the published ones.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { Worker, TGAS, bundleContract, encodeArgs, type ExecutionOutcome } from "../src/testing/index.js";
import { buildContractWasm } from "../src/testing/loader/wasm/build-contract-wasm.js";
import { wasmToolchainProblem } from "../src/testing/loader/wasm/toolchain.js";
import { measured, unavailable, round, sectionFailed, type SectionResult } from "./figures.js";
import { info } from "./log.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(here, "..");
const COUNTER = path.join(here, "contracts", "counter.ts");
const BENCH = path.join(here, "contracts", "near-sdk-js-benchmark");

/** near-sdk-js benchmark/README.md (2023-02-14), JS contracts: receipt gas and WASM_INSTRUCTION in Tgas, wasm bytes from CONTRACT_LOADING_BYTES / 216,750. */
export const PUBLISHED = [
  { row: "lowlevel-minimal", contract: "lowlevel-minimal.js", method: "empty", args: {}, receiptT: 7.07, wasmT: 4.53, loadingBytesT: 0.11132 },
  { row: "highlevel-minimal", contract: "highlevel-minimal.js", method: "empty", args: {}, receiptT: 8.39, wasmT: 5.66, loadingBytesT: 0.11203 },
  { row: "lowlevel_storage_write", contract: "lowlevel-api.js", method: "lowlevel_storage_write", args: {}, receiptT: 7.8, wasmT: 5.09, loadingBytesT: 0.11119 },
  { row: "lowlevel_storage_write_many", contract: "lowlevel-api.js", method: "lowlevel_storage_write_many", args: {}, receiptT: 8.47, wasmT: 5.14, loadingBytesT: 0.11119 },
  { row: "highlevel-collection set (3rd)", contract: "highlevel-collection.js", method: "set", args: { key: "c".repeat(100), value: "d".repeat(100) }, receiptT: 10.06, wasmT: 6.86, loadingBytesT: 0.11346 },
  { row: "expensive n=100", contract: "expensive-calc.js", method: "expensive", args: { n: 100 }, receiptT: 9.09, wasmT: 6.3, loadingBytesT: 0.11209 },
  { row: "expensive n=10000", contract: "expensive-calc.js", method: "expensive", args: { n: 10000 }, receiptT: 65.94, wasmT: 63.15, loadingBytesT: 0.11209 },
  { row: "expensive n=20000", contract: "expensive-calc.js", method: "expensive", args: { n: 20000 }, receiptT: 123.26, wasmT: 120.54, loadingBytesT: 0.11209 },
] as const;

const T = (g: bigint) => Number(g) / 1e12;
/** The function-call action's exec fee the 2023 benchmark ran with (nearcore then: 2.3199 Tgas; today 0.78 Tgas). */
const FUNCTION_CALL_EXEC_2023 = 2_319_861_500_000n;
const wasmGasOf = (o: ExecutionOutcome) => o.gasProfile?.find((e) => e.cost === "WASM_INSTRUCTION")?.gasUsed ?? 0n;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One benchmark row as measured here. */
export interface BenchmarkRow {
  row: string;
  published: { receiptT: number; wasmT: number; wasmBytes: number };
  /** Ours on the legacy rule; `receiptT` with the 2023 function-call exec fee, `receiptTodayT` with today's. */
  legacy: { receiptT: number; receiptTodayT: number; wasmT: number; wasmBytes: number };
  /** WASM_INSTRUCTION under the current rule (information). */
  currentWasmT: number;
  ratios: { receipt: number; wasmInstruction: number; wasmBytes: number };
}

async function benchmarkRows(): Promise<BenchmarkRow[]> {
  const rows: BenchmarkRow[] = [];
  const workers = { legacy: await Worker.init({ engine: "wasm", config: { wasmOpCounting: "legacy" } }), current: await Worker.init({ engine: "wasm" }) };
  const deployed = new Map<string, Record<"legacy" | "current", string>>();
  for (const p of PUBLISHED) {
    if (!deployed.has(p.contract)) {
      const ids = { legacy: "", current: "" };
      for (const k of ["legacy", "current"] as const) {
        const acc = await workers[k].rootAccount.devDeploy(path.join(BENCH, p.contract));
        ids[k] = acc.accountId;
        if (p.contract === "highlevel-collection.js") {
          // The published row is the third set: two earlier ones filled the map.
          for (const [key, value] of [["a", "b"], ["b", "c"]]) await workers[k].rootAccount.call(acc, "set", { key: key.repeat(100), value: value.repeat(100) });
        }
      }
      deployed.set(p.contract, ids);
    }
    const ids = deployed.get(p.contract)!;
    const run = async (k: "legacy" | "current") => {
      const r = await workers[k].rootAccount.callRaw(ids[k], p.method, p.args, { gas: 300n * TGAS });
      const o = r.receiptsOutcome.find((x) => x.methodName === p.method)!;
      if (o.status.type === "Failure") throw new Error(`${p.row}: ${o.status.failure.message}`);
      return o;
    };
    const legacy = await run("legacy");
    const current = await run("current");
    const wasmBytes = (await workers.legacy.account(ids.legacy).viewCode()).length;
    const published = { receiptT: p.receiptT, wasmT: p.wasmT, wasmBytes: Math.round((p.loadingBytesT * 1e12) / 216_750) };
    const receipt2023 = legacy.gasBurnt - workers.legacy.chain.config.fees.functionCallBase.exec + FUNCTION_CALL_EXEC_2023;
    const ours = { receiptT: round(T(receipt2023), 3), receiptTodayT: round(T(legacy.gasBurnt), 3), wasmT: round(T(wasmGasOf(legacy)), 3), wasmBytes };
    rows.push({
      row: p.row,
      published,
      legacy: ours,
      currentWasmT: round(T(wasmGasOf(current)), 3),
      ratios: { receipt: round(T(receipt2023) / p.receiptT, 3), wasmInstruction: round(T(wasmGasOf(legacy)) / p.wasmT, 3), wasmBytes: round(wasmBytes / published.wasmBytes, 3) },
    });
    info(`near-sdk-js benchmark ${p.row}: ${JSON.stringify(rows[rows.length - 1])}`);
  }
  return rows;
}

async function callMs(): Promise<{ view: number; callRaw: number }> {
  const worker = await Worker.init({ engine: "wasm" });
  const counter = await worker.rootAccount.devDeploy(COUNTER);
  await worker.rootAccount.call(counter, "increment", {});
  const args = encodeArgs({});
  const views: number[] = [];
  for (let i = 0; i < 40; i++) {
    const start = performance.now();
    worker.chain.view(counter.accountId, "get", args);
    if (i >= 10) views.push(performance.now() - start);
  }
  const calls: number[] = [];
  for (let i = 0; i < 15; i++) {
    const start = performance.now();
    await worker.rootAccount.callRaw(counter, "increment", {});
    if (i >= 5) calls.push(performance.now() - start);
  }
  return { view: median(views), callRaw: median(calls) };
}

async function buildMs(): Promise<number> {
  const bundle = await bundleContract(COUNTER);
  const unique = { ...bundle, code: `${bundle.code}\n// bench ${Date.now()} ${Math.random()}\n` };
  const { buildMs: ms, cached } = await buildContractWasm(unique);
  if (cached) throw new Error("the unique contract came from the cache");
  return ms;
}

function toolchainFromNothingMs(): number {
  const cache = mkdtempSync(path.join(tmpdir(), "ncg-toolchain-"));
  try {
    const start = performance.now();
    execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", 'import { loadWasmToolchain } from "./src/testing/loader/wasm/toolchain.ts"; await loadWasmToolchain();'], {
      cwd: ROOT,
      env: { ...process.env, NEAR_CALLBACK_GUARDS_CACHE_DIR: cache },
      stdio: ["ignore", "ignore", "inherit"],
    });
    return performance.now() - start;
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

export async function measureWasmEngine(): Promise<SectionResult> {
  const problem = wasmToolchainProblem();
  if (problem) return sectionFailed(["wasmCallMs", "wasmBuildMs", "wasmToolchainMs"], `no wasm toolchain: ${problem.split(". ")[0]}`);
  const details: [string, string][] = [];
  const rows = await benchmarkRows();
  for (const r of rows) {
    details.push([
      `near-sdk-js benchmark, ${r.row}`,
      `receipt ${r.legacy.receiptT} T vs ${r.published.receiptT} T (${r.ratios.receipt}), WASM_INSTRUCTION ${r.legacy.wasmT} T vs ${r.published.wasmT} T (${r.ratios.wasmInstruction}), wasm ${r.legacy.wasmBytes.toLocaleString("en-US")} B vs ${r.published.wasmBytes.toLocaleString("en-US")} B (${r.ratios.wasmBytes}); current rule ${r.currentWasmT} T`,
    ]);
  }
  const calls = await callMs();
  details.push(["warm callRaw (transaction, receipt, refund: three blocks)", `${round(calls.callRaw, 1)} ms`]);
  const build = await buildMs();
  info(`wasm engine: call ${round(calls.view, 2)} ms, build ${round(build, 0)} ms; toolchain from nothing…`);
  let toolchain: number | null = null;
  let toolchainReason = "";
  try {
    toolchain = toolchainFromNothingMs();
  } catch (e) {
    toolchainReason = `the toolchain build failed: ${(e as Error).message.split("\n")[0]}`;
  }
  return {
    figures: {
      wasmCallMs: measured(round(calls.view, 2)),
      wasmBuildMs: measured(round(build, 0)),
      wasmToolchainMs: toolchain === null ? unavailable(toolchainReason) : measured(round(toolchain, 0)),
    },
    details,
    structured: { nearSdkJsBenchmark: rows },
  };
}
