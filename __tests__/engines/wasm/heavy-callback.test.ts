/**
 * A callback whose JavaScript is heavy: on `vm` and `quickjs` it passes (their execution gas is a flat
 * estimate), on `wasm` it runs out of gas exactly as it would on chain. The guards' refund path is asserted
 * on both, with exact balances: on vm/quickjs the callback refunds at once; on wasm the callback is rolled
 * back (nothing refunded, nothing credited, the deposit waits in the contract), and the expiry hook refunds the
 * user after the TTL. Runs on the engine of the run (NEAR_CALLBACK_GUARDS_ENGINE).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker, TGAS, parseNEAR, type Account, type TransactionResult } from "../../../src/testing/index.js";
import { events, gasPaid } from "../../support/outcomes.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const FIXTURE = path.join(here, "..", "..", "fixtures", "engines", "heavy-callback.ts");
const VALIDATOR = path.join(here, "..", "..", "..", "examples", "staking", "validator.ts");
const WORK = 200_000;
const DEPOSIT = parseNEAR("3");

let worker: Worker;
let contract: Account;
let validator: Account;
let alice: Account;

beforeAll(async () => {
  worker = await Worker.init();
  const root = worker.rootAccount;
  validator = await root.createSubAccount("validator", { initialBalance: parseNEAR("10") });
  await validator.deploy(VALIDATOR);
  await validator.call(validator, "set_mode", { mode: "fail" });
  contract = await root.createSubAccount("heavy", { initialBalance: parseNEAR("20") });
  await contract.deploy(FIXTURE);
  alice = await root.createSubAccount("alice", { initialBalance: parseNEAR("100") });
});

const callbackOf = (r: TransactionResult) => r.receiptsOutcome.find((o) => o.methodName === "on_deposit")!;

test("a heavy callback: refunded at once on vm/quickjs, out of gas on wasm and refunded by expiry", async () => {
  const aliceBefore = (await alice.balance()).total;
  const contractBefore = (await contract.balance()).total;
  const r = await alice.callRaw(contract, "deposit", { validator: validator.accountId, work: WORK }, { attachedDeposit: DEPOSIT, gas: 150n * TGAS });
  const cb = callbackOf(r);
  expect(r.receiptsOutcome.find((o) => o.methodName === "stake")!.status.type).toBe("Failure");

  if (worker.chain.engine !== "wasm") {
    // The loop costs nothing here: the callback settles and refunds.
    expect(cb.status.type).toBe("SuccessValue");
    expect(events(r, "refund_sent")).toHaveLength(1);
    expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], worker.chain.config.gasPrice));
    expect(await contract.view("pending", { account: alice.accountId })).toEqual([]);
    return;
  }

  // On chain the loop alone needs far more than the callback's 20 Tgas + refund reserve.
  expect(cb.status.type).toBe("Failure");
  expect(cb.status.type === "Failure" && cb.status.failure.message).toBe("Exceeded the prepaid gas.");
  expect(cb.gasProfile!.find((e) => e.cost === "WASM_INSTRUCTION")!.gasUsed).toBeGreaterThan(15n * TGAS);
  expect(events(r, "refund_sent")).toHaveLength(0);
  // Nothing came back to alice; the deposit is held by the contract (it came back from the failed stake).
  expect((await alice.balance()).total).toBe(aliceBefore - DEPOSIT - gasPaid([r], worker.chain.config.gasPrice));
  expect((await contract.balance()).total).toBe(contractBefore + DEPOSIT + r.receiverRewards(contract.accountId));
  const [op] = await contract.view<{ id: string }[]>("pending", { account: alice.accountId });
  expect(op).toBeDefined();

  // After the TTL the expiry hook refunds exactly the deposit.
  for (let i = 0; i < 6; i++) worker.step();
  const expired = await contract.callRaw(contract, "expire", { op: op.id, decision: "refund" }, { gas: 100n * TGAS });
  expect(expired.succeeded).toBe(true);
  expect(events(expired, "refund_sent")).toHaveLength(1);
  expect((await alice.balance()).total).toBe(aliceBefore - gasPaid([r], worker.chain.config.gasPrice));
  expect(await contract.view("pending", { account: alice.accountId })).toEqual([]);
});
