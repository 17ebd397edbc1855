/**
 * The calibration `vm` and `quickjs` use for a contract's own JavaScript (runtime/execution-gas.ts), checked
 * against the wasm engine: for contracts from a minimal one to the guards' lab, the estimate from the
 * bundle's code characters is within 10 % of what the real wasm burns in instructions and contract loading
 * for a view-like call. Runs in `npm run test:wasm`; skipped with that reason elsewhere.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, type Account } from "../../../src/testing/index.js";
import { resolveEngine } from "../../../src/testing/loader/engines.js";
import { executionGasOf } from "../../../src/testing/runtime/execution-gas.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.join(here, "..", "..", "..");
const onWasm = resolveEngine() === "wasm";

const CONTRACTS: [string, string, Record<string, unknown>, Record<string, unknown> | undefined][] = [
  ["__tests__/fixtures/counter.ts", "increment", {}, undefined],
  ["examples/staking/naive.ts", "get_balance", { account_id: "a.test.near" }, { validator: "v.test.near" }],
  ["examples/staking/guarded.ts", "get_balance", { account_id: "a.test.near" }, { validator: "v.test.near" }],
  ["__tests__/guards/fixtures/lab.ts", "claimable", { account_id: "a.test.near" }, undefined],
];

(onWasm ? describe : describe.skip)("execution gas of vm/quickjs, calibrated on wasm (NEAR_CALLBACK_GUARDS_ENGINE=wasm only)", () => {
  test.each(CONTRACTS)("%s: the estimate is within 10 %% of the wasm's instructions and loading", async (file, method, args, init) => {
    const worker = await Worker.init({ engine: "wasm" });
    const contract: Account = await worker.rootAccount.devDeploy(path.join(root, file), init ? { method: "init", args: init } : {});
    const r = await worker.rootAccount.callRaw(contract, method, args);
    const o = r.receiptsOutcome[0];
    expect(o.status.type).toBe("SuccessValue");
    const part = (cost: string) => o.gasProfile!.filter((e) => e.cost === cost).reduce((s, e) => s + e.gasUsed, 0n);
    const measured = Number(part("WASM_INSTRUCTION") + part("CONTRACT_LOADING_BASE") + part("CONTRACT_LOADING_BYTES"));
    const estimate = Number(executionGasOf(worker.chain.account(contract.accountId)!.code!.source));
    expect(Math.abs(estimate / measured - 1)).toBeLessThan(0.1);
    await worker.tearDown();
  });
});
