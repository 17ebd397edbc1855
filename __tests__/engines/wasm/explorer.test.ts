/**
 * The explorer unchanged on the engine of the run (`npm run test:wasm` runs it on `wasm`, where each receipt
 * is a metered wasm call): it still finds naive.ts's double withdraw, and the counterexample replays.
 */
import { explore, replay } from "../../../src/testing/index.js";
import { naive } from "../../../examples/staking/scenario.js";

test("the explorer finds naive.ts's double withdraw and replays it", async () => {
  const r = await explore(naive, { progress: false });
  expect(r.complete).toBe(true);
  expect(r.violations.map((v) => v.invariant)).toEqual(["no-net-gain"]);
  const v = r.violations[0];
  expect(v.shortest.choices[0]).toMatch(/^validator\.stake: (fails|runs out of gas)$/);
  expect(v.shortest.message).toMatch(/^alice ended with \+9\.99\d+ NEAR more than at the start$/);
  const replayed = await replay(naive, v.shortest.scheduleId);
  expect(replayed.failures.map((f) => f.invariant)).toEqual(["no-net-gain"]);
  expect(replayed.timeline).toBe(v.shortest.timeline);
});
