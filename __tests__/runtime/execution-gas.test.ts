/**
 * The gas `vm` and `quickjs` charge for a contract's own JavaScript: estimated per contract from its bundle's
 * code characters (calibrated on the wasm engine; the calibration itself is checked in
 * __tests__/engines/wasm/execution-gas.test.ts), a flat `defaultExecutionGas` when set, and a test's
 * `setExecutionGas` over both.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, TGAS } from "../../src/testing/index.js";
import { codeChars, executionGasOf, NEAR_SDK_JS_2_EXECUTION_GAS } from "../../src/testing/runtime/execution-gas.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const COUNTER = path.join(here, "..", "fixtures", "counter.ts");
const LAB = path.join(here, "..", "guards", "fixtures", "lab.ts");

describe("code characters", () => {
  test("comments and whitespace do not count; strings, templates and regular expressions count whole", () => {
    expect(codeChars("const a = 1; // one\n/* two\n three */ let b")).toBe("consta=1;letb".length);
    expect(codeChars('x = "a // not a comment /* nor this */";')).toBe('x="a // not a comment /* nor this */";'.length);
    expect(codeChars("y = `t ${1 + 2} // kept`;")).toBe("y=`t ${1 + 2} // kept`;".length);
    expect(codeChars("return /[/]\\/ x/g.test(s) // c")).toBe("return/[/]\\/ x/g.test(s)".length);
    expect(codeChars("a = b / c / d; /* c */")).toBe("a=b/c/d;".length);
    expect(codeChars('s = "esc\\"aped" + \'q\';')).toBe('s="esc\\"aped"+\'q\';'.length);
    // A "use strip" directive removes debug information: it costs nothing to run.
    expect(codeChars('function f() { "use strip"; return 1; }')).toBe(codeChars("function f() { return 1; }"));
  });

  test("the estimate is linear in them", () => {
    const m = NEAR_SDK_JS_2_EXECUTION_GAS;
    expect(executionGasOf("")).toBe(m.baseGas);
    expect(executionGasOf("abc /* x */")).toBe(m.baseGas + 3n * m.gasPerCodeChar);
    expect(executionGasOf("abc", { baseGas: 1n, gasPerCodeChar: 2n })).toBe(7n);
  });
});

const onJs = process.env.NEAR_CALLBACK_GUARDS_ENGINE !== "wasm";

(onJs ? describe : describe.skip)("vm and quickjs charge the estimate per contract (skipped on wasm, which meters the real code)", () => {
  test("a larger contract burns more per call; a flat defaultExecutionGas and setExecutionGas override it", async () => {
    const worker = await Worker.init();
    const counter = await worker.rootAccount.devDeploy(COUNTER);
    const lab = await worker.rootAccount.devDeploy(LAB);
    const small = worker.chain.executionGasOf(counter.accountId, "increment");
    const large = worker.chain.executionGasOf(lab.accountId, "claimable");
    expect(large - small).toBeGreaterThan(3n * TGAS);
    const exec = worker.chain.account(counter.accountId)!.code!;
    expect(small).toBe(executionGasOf(exec.source));
    // The call burns the estimate on top of its host costs: raising it by 1 Tgas raises the burnt gas by 1 Tgas.
    // (`by: 0` after a first call: every call then writes the same STATE and burns the same host gas.)
    await worker.rootAccount.callRaw(counter, "increment", {});
    const burnt = async () => (await worker.rootAccount.callRaw(counter, "increment", { by: 0 })).receiptsOutcome[0].gasBurnt;
    const before = await burnt();
    worker.setExecutionGas(counter, "increment", small + TGAS);
    expect((await burnt()) - before).toBe(TGAS);
    worker.setExecutionGas(counter, "increment", null);
    expect(await burnt()).toBe(before);
    await worker.tearDown();

    const flat = await Worker.init({ config: { defaultExecutionGas: 5_700_000_000_000n } });
    const c2 = await flat.rootAccount.devDeploy(LAB);
    expect(flat.chain.executionGasOf(c2.accountId, "claimable")).toBe(5_700_000_000_000n);
    await flat.tearDown();
  });
});
