/**
 * The `wasm` engine end to end (runs in `npm run test:wasm`; skipped, with that reason, on other engines):
 * the deployed bytes are the wasm `near-sdk-js build` makes, gas profiles add up to the gas burnt, the call
 * stops with nearcore's error at exactly the prepaid gas it needs, both counting rules, prebuilt `.wasm`
 * deploys (on any engine), and the errors a real build or node would give.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sha256 } from "@noble/hashes/sha256";
import { base58 } from "@scure/base";
import { Worker, TGAS, parseNEAR, bundleContract, type Account, type ExecutionOutcome } from "../../../src/testing/index.js";
import { resolveEngine } from "../../../src/testing/loader/engines.js";
import { buildContractWasm } from "../../../src/testing/loader/wasm/build-contract-wasm.js";
import { WasmBuildError } from "../../../src/testing/loader/wasm/errors.js";
import { Writer } from "../../../src/testing/host/meter/wasm-binary.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const COUNTER = path.join(here, "..", "..", "fixtures", "counter.ts");
const onWasm = resolveEngine() === "wasm";

const callOf = (outcomes: ExecutionOutcome[], method: string) => outcomes.find((o) => o.methodName === method)!;

(onWasm ? describe : describe.skip)("wasm engine (NEAR_CALLBACK_GUARDS_ENGINE=wasm only)", () => {
  let worker: Worker;
  let counter: Account;
  let alice: Account;
  let wasm: Uint8Array;

  beforeAll(async () => {
    worker = await Worker.init({ engine: "wasm" });
    counter = await worker.rootAccount.devDeploy(COUNTER, { initialBalance: parseNEAR("20") });
    alice = await worker.rootAccount.createSubAccount("alice");
    wasm = (await buildContractWasm(await bundleContract(COUNTER))).wasm;
  });

  test("the deployed code is the contract's wasm: viewCode, code_hash, storage usage and deploy fee follow its bytes", async () => {
    const code = await counter.viewCode();
    expect(Array.from(code.subarray(0, 4))).toEqual([0x00, 0x61, 0x73, 0x6d]);
    expect(code).toEqual(wasm);
    expect(code.length).toBeGreaterThan(400_000);
    const view = await counter.viewAccount();
    expect(view.code_hash).toBe(base58.encode(sha256(code)));
    expect(view.storage_usage).toBe(worker.chain.storageUsage(counter.accountId));
    expect(view.storage_usage).toBeGreaterThan(BigInt(code.length));
  });

  test("every function-call receipt's gas profile adds up to its gas burnt, with loading and instructions as nearcore charges them", async () => {
    const r = await alice.callRaw(counter, "increment", {});
    expect(r.succeeded).toBe(true);
    const o = callOf(r.receiptsOutcome, "increment");
    const profile = o.gasProfile!;
    expect(profile.reduce((s, e) => s + e.gasUsed, 0n)).toBe(o.gasBurnt);
    const get = (cost: string) => profile.find((e) => e.cost === cost)?.gasUsed ?? 0n;
    const host = worker.chain.config.host;
    expect(get("CONTRACT_LOADING_BASE")).toBe(host.contractLoadingBase);
    expect(get("CONTRACT_LOADING_BYTES")).toBe(host.contractLoadingBytes * BigInt(wasm.length));
    expect(get("WASM_INSTRUCTION") % worker.chain.config.wasmRegularOpCost).toBe(0n);
    expect(get("WASM_INSTRUCTION")).toBeGreaterThan(TGAS);
    expect(get("STORAGE_WRITE_BASE")).toBe(host.storageWriteBase);
    expect(get("READ_MEMORY_BASE")).toBeGreaterThan(0n);
    expect(profile.filter((e) => e.category === "ACTION_COST").map((e) => e.cost).sort()).toEqual(["FUNCTION_CALL_BASE", "FUNCTION_CALL_BYTE", "NEW_ACTION_RECEIPT"]);
  });

  test("the call stops with nearcore's error at exactly the gas it needs: enough passes, one gas unit less fails and burns it all", async () => {
    const fees = worker.chain.config.fees;
    const exec = fees.actionReceiptCreation.exec + fees.functionCallBase.exec + fees.functionCallPerByte.exec * BigInt("get".length + 2);
    const measured = callOf((await alice.callRaw(counter, "get", {}, { gas: 100n * TGAS })).receiptsOutcome, "get").gasBurnt - exec;
    const exact = await alice.callRaw(counter, "get", {}, { gas: measured });
    expect(exact.succeeded).toBe(true);
    expect(callOf(exact.receiptsOutcome, "get").gasBurnt).toBe(exec + measured);
    const short = await alice.callRaw(counter, "get", {}, { gas: measured - 1n });
    expect(short.failureMessage).toBe("Exceeded the prepaid gas.");
    expect(callOf(short.receiptsOutcome, "get").gasBurnt).toBe(exec + measured - 1n);
  });

  test("the legacy counting rule (pwasm-utils, block counted) charges more for the same call", async () => {
    const getOn = async (counting: "current" | "legacy") => {
      const w = await Worker.init({ engine: "wasm", config: { wasmOpCounting: counting } });
      const c = await w.rootAccount.devDeploy(COUNTER, { initialBalance: parseNEAR("20") });
      const a = await w.rootAccount.createSubAccount("alice");
      return callOf((await a.callRaw(c, "get", {})).receiptsOutcome, "get");
    };
    const current = await getOn("current");
    const old = await getOn("legacy");
    const wasmGas = (o: ExecutionOutcome) => o.gasProfile!.find((e) => e.cost === "WASM_INSTRUCTION")!.gasUsed;
    expect(wasmGas(old)).toBeGreaterThan(wasmGas(current));
    expect(old.gasBurnt - wasmGas(old)).toBe(current.gasBurnt - wasmGas(current));
  });

  test("a prebuilt .wasm deploys from its path and runs through the same host, on every engine", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "wasm-")), "counter.wasm");
    writeFileSync(file, wasm);
    for (const engine of ["vm", "wasm"] as const) {
      const w = await Worker.init({ engine });
      const c = await w.rootAccount.devDeploy(file, { initialBalance: parseNEAR("20") });
      const a = await w.rootAccount.createSubAccount("alice");
      expect(await a.call(c, "increment", { by: 2 })).toBe(2);
      expect(await c.view("get")).toBe(2);
      expect(await c.viewCode()).toEqual(wasm);
    }
  });

  test("a method named like a C library function fails to build as near-sdk-js build does, with a clear error", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "clash-"));
    const file = path.join(dir, "clash.js");
    writeFileSync(file, 'export function remove() {}\n');
    const error = await buildContractWasm(await bundleContract(file)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WasmBuildError);
    expect((error as Error).message).toContain('Method "remove"');
    expect((error as Error).message).toContain("Rename the method");
  });

  test("wasm bytes nearcore cannot prepare (WASI imports left in) fail each call with CompilationError, after the loading fee", async () => {
    // An unstubbed module: one function import from wasi_snapshot_preview1.
    const types = new Writer().u32(1).u8(0x60).u32(0).u32(0).finish();
    const imports = new Writer().u32(1).name("wasi_snapshot_preview1").name("proc_exit").u8(0).u32(0).finish();
    const bad = new Writer().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0, 0, 0]).section(1, types).section(2, imports).finish();
    const c = await worker.rootAccount.createSubAccount("bad", { initialBalance: parseNEAR("5") });
    await c.deploy(bad);
    const r = await alice.callRaw(c, "main", {});
    expect(r.failureMessage).toBe("CompilationError(PrepareError(Instantiate))");
  });
});
