/**
 * The guards run inside QuickJS on chain: the code they add to a contract bundle (near-sdk-js's own rollup
 * step) must not touch Node-only or V8-only APIs, and a guard that would make the build drop a method must
 * stop the deploy instead of producing a contract without it.
 */
import path from "node:path";
import { Worker, renderContract } from "../../src/testing/index.js";

const SRC = path.join(process.cwd(), "src") + path.sep;
const NODE_ONLY = /\b(Buffer|process|require|TextEncoder|TextDecoder|setTimeout|setImmediate|queueMicrotask|structuredClone|Intl|WeakRef|FinalizationRegistry|globalThis\.crypto|console)\b/;

describe("guards in a contract bundle", () => {
  test("the guard library's share of a guarded contract bundle uses no Node-only or V8-only API", async () => {
    const { code, modules } = await renderContract("examples/staking/guarded.ts");
    const ours = Object.entries(modules).filter(([id]) => id.startsWith(SRC));
    // The staking example uses all four guards: their modules must be in the bundle, and not be empty.
    const names = ours.map(([id]) => path.relative(SRC, id)).sort();
    expect(names).toEqual(expect.arrayContaining(["guards/private-callback.ts", "guards/refund-on-failure.ts", "guards/pending-lock.ts", "guards/defer-credit.ts"]));
    for (const [id, text] of ours) {
      const hit = NODE_ONLY.exec(text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, ""));
      expect({ module: path.relative(SRC, id), uses: hit?.[0] ?? null }).toEqual({ module: path.relative(SRC, id), uses: null });
    }
    expect(code).toMatch(/export \{[^}]*deposit_and_stake[^}]*on_staked[^}]*\}/);
  });

  test("the check catches Node-only use (the scan can fail)", () => {
    expect(NODE_ONLY.test("const b = Buffer.from(x);")).toBe(true);
    expect(NODE_ONLY.test("const n = near.attachedDeposit();")).toBe(false);
  });

  test("deploying a contract with a guard above @call(...) fails loudly, naming the file, line and fix", async () => {
    const worker = await Worker.init();
    await expect(worker.rootAccount.devDeploy("__tests__/guards/fixtures/guard-above-call.ts")).rejects.toMatchObject({
      code: "ERR_GUARD_PLACEMENT",
      message: expect.stringMatching(/guard-above-call\.ts:\d+: .*@call/),
    });
    // Nothing was deployed: the failure happened before any transaction.
    expect(worker.chain.blocks.length).toBe(0);
  });
});
