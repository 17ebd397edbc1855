/**
 * Conformance: view calls (R19 of near-semantics.md). A view runs on the latest state, produces no block
 * and keeps nothing; state-changing host functions fail with ProhibitedInView.
 */
import { Worker, type Account } from "../../src/testing/index.js";
import { fixture } from "./helpers.js";

let worker: Worker;
let alice: Account;
let viewer: Account;

beforeAll(async () => {
  worker = await Worker.init();
  alice = await worker.rootAccount.createSubAccount("alice");
  viewer = await worker.rootAccount.devDeploy(fixture("viewer.ts"));
  await alice.call(viewer, "set", { value: "committed" });
});

/** Everything a view could have changed: the viewer's record, the chain's height and blocks. */
function snapshot() {
  const a = worker.chain.account(viewer.accountId)!;
  return {
    height: worker.chain.height,
    blocks: worker.chain.blocks.length,
    amount: a.amount,
    usage: worker.chain.storageUsage(viewer.accountId),
    keys: [...a.storage.keys()].sort(),
    state: new TextDecoder().decode(a.storage.get("STATE")),
  };
}

describe("R19 views", () => {
  test("R19: a view that writes storage fails with ProhibitedInView and changes nothing", async () => {
    const before = snapshot();
    await expect(viewer.view("write_in_view")).rejects.toThrow('ProhibitedInView { method_name: "storage_write" }');
    expect(snapshot()).toEqual(before);
    expect((await viewer.viewState()).getRaw("sneaky")).toBeUndefined();
  });

  test("R19: a view that removes storage fails with ProhibitedInView and the record stays", async () => {
    const before = snapshot();
    await expect(viewer.view("remove_in_view")).rejects.toThrow('ProhibitedInView { method_name: "storage_remove" }');
    expect(snapshot()).toEqual(before);
    expect(await viewer.view("get")).toBe("committed");
  });

  test("R19: a view that creates a promise fails with ProhibitedInView and nothing is sent", async () => {
    const before = snapshot();
    await expect(viewer.view("promise_in_view", { receiver: alice.accountId })).rejects.toThrow('ProhibitedInView { method_name: "promise_batch_create" }');
    expect(snapshot()).toEqual(before);
    expect(worker.chain.hasWork()).toBe(false);
  });

  test("R19: transaction context (signer) is not available in a view", async () => {
    await expect(viewer.view("signer_in_view")).rejects.toThrow('ProhibitedInView { method_name: "signer_account_id" }');
  });

  test("R19: a change method called as a view fails (near-sdk-js reads attached_deposit, which a view has not)", async () => {
    const before = snapshot();
    await expect(viewer.view("set", { value: "via view" })).rejects.toThrow('ProhibitedInView { method_name: "attached_deposit" }');
    expect(snapshot()).toEqual(before);
    expect(await viewer.view("get")).toBe("committed");
  });

  test("R19: a read-only view returns its value and logs, and produces no block", async () => {
    const before = snapshot();
    const { result, logs } = await viewer.viewRaw("get");
    expect(new TextDecoder().decode(result)).toBe('"committed"');
    expect(logs).toEqual(["viewing committed"]);
    expect(snapshot()).toEqual(before);
  });
});
