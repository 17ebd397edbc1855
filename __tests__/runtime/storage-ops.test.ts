/**
 * Storage operation counts per receipt (ExecutionOutcome.storageOps): what `npm run bench` compares
 * between the guarded and the hand-written staking flows. Counted in VMLogic when a storage host call has
 * paid its gas; not a nearcore field.
 */
import { Worker, TGAS } from "../../src/testing/index.js";
import { fixture, callOf } from "./helpers.js";

describe("storage operation counts", () => {
  test("each storage host call of a function call is counted on its receipt's outcome", async () => {
    const worker = await Worker.init();
    const contract = await worker.rootAccount.devDeploy(fixture("storage.ts"));
    const id = contract.accountId;
    const noop = callOf(await contract.callRaw(contract, "noop", {}), id, "noop").storageOps!;
    const write = callOf(await contract.callRaw(contract, "write", { key: "k", size: 10 }), id, "write").storageOps!;
    const remove = callOf(await contract.callRaw(contract, "remove_key", { key: "k" }), id, "remove_key").storageOps!;
    // near-sdk-js reads and writes its STATE record around every call: that is the baseline.
    expect(noop.writes).toBeGreaterThan(0);
    expect(write).toEqual({ ...noop, writes: noop.writes + 1 });
    expect(remove).toEqual({ ...noop, removes: noop.removes + 1 });
  });

  test("a failed call keeps the counts of what it did before failing; receipts without a function call have none", async () => {
    const worker = await Worker.init();
    const contract = await worker.rootAccount.devDeploy(fixture("storage.ts"));
    const key = "x".repeat(3000); // over the 2,048-byte key limit: the write fails before paying its gas
    const failed = callOf(await contract.callRaw(contract, "write", { key, size: 1 }, { gas: 50n * TGAS }), contract.accountId, "write");
    expect(failed.status.type).toBe("Failure");
    expect(failed.storageOps).toMatchObject({ writes: 0, removes: 0 });
    const transfer = await worker.rootAccount.transfer(contract, 1n);
    for (const o of transfer.receiptsOutcome) expect(o.storageOps).toBeUndefined();
  });
});
