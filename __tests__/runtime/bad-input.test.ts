/**
 * Bad input to the runtime gets a clear error, thrown before anything is queued: invalid or unknown account
 * ids, contracts that fail to bundle, arguments that are not JSON-serialisable, negative amounts, gas over
 * the per-transaction maximum.
 */
import { mkdirSync, mkdtempSync, writeFileSync, rmSync } from "node:fs";
import path from "node:path";
import { Worker, TGAS, ContractBundleError, InvalidTxError, encodeArgs, type Account } from "../../src/testing/index.js";
import { fixture, amountOf } from "./helpers.js";

let worker: Worker;
let alice: Account;
let counter: Account;
let dir: string;

beforeAll(async () => {
  worker = await Worker.init();
  alice = await worker.rootAccount.createSubAccount("alice");
  counter = await worker.rootAccount.devDeploy(fixture("counter.ts"));
  // Inside the project, so that the broken contracts can resolve near-sdk-js like any contract here.
  const base = path.join(process.cwd(), "node_modules", ".cache", "near-callback-guards-tests");
  mkdirSync(base, { recursive: true });
  dir = mkdtempSync(path.join(base, "bad-input-"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `fn`, which must throw, and checks that the chain did not move and no balance changed. */
async function rejectsWithoutEffect(fn: () => unknown, message: RegExp | string, type?: new (...args: never[]) => Error): Promise<void> {
  const height = worker.chain.height;
  const blocks = worker.chain.blocks.length;
  const total = worker.chain.totalBalances();
  const aliceAmount = amountOf(worker, alice.accountId);
  let error: unknown;
  try {
    await fn();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(type ?? Error);
  expect((error as Error).message).toMatch(message);
  expect(worker.chain.hasWork()).toBe(false);
  expect(worker.chain.height).toBe(height);
  expect(worker.chain.blocks.length).toBe(blocks);
  expect(worker.chain.totalBalances()).toBe(total);
  expect(amountOf(worker, alice.accountId)).toBe(aliceAmount);
}

describe("account ids", () => {
  test("bad input: an invalid account id is rejected with the rules it breaks", async () => {
    await rejectsWithoutEffect(() => worker.account("Alice.test.near"), /Invalid account id "Alice\.test\.near": NEAR account ids are 2-64 characters of lowercase/, TypeError);
    await rejectsWithoutEffect(() => alice.callRaw("bad..id", "increment", {}), /Invalid account id "bad\.\.id"/, TypeError);
    await rejectsWithoutEffect(() => alice.transfer("x", 1n), /Invalid account id "x"/, TypeError);
    await rejectsWithoutEffect(() => alice.createSubAccount("-dash"), /Invalid sub-account id "-dash\.alice\.test\.near"/, TypeError);
    await rejectsWithoutEffect(() => worker.chain.submit(alice.accountId, "a".repeat(65), [{ type: "Transfer", deposit: 1n }]), /Invalid receiver id/, TypeError);
    await rejectsWithoutEffect(() => worker.injectFault({ receiverId: "NOPE", kind: "fail" }), /Invalid fault receiverId "NOPE"/, TypeError);
  });

  test("bad input: an unknown signer is rejected before anything is queued", async () => {
    const ghost = worker.account("ghost.test.near");
    await rejectsWithoutEffect(() => ghost.callRaw(counter, "increment", {}), "Signer account ghost.test.near does not exist");
    await rejectsWithoutEffect(() => ghost.transfer(alice, 1n), "Signer account ghost.test.near does not exist");
  });

  test("bad input: an unknown receiver is not bad input but a failed receipt (AccountDoesNotExist)", async () => {
    const r = await alice.callRaw("ghost.test.near", "increment", {});
    expect(r.failed).toBe(true);
    expect(r.failure?.kind).toBe("AccountDoesNotExist");
    expect(r.failureMessage).toBe("Can't complete the action because account ghost.test.near doesn't exist");
  });
});

describe("contracts that fail to bundle", () => {
  test("bad input: a syntax error reports the bundler's message with file and line", async () => {
    const file = path.join(dir, "syntax.ts");
    writeFileSync(file, ['import { NearBindgen, call } from "near-sdk-js";', "", "@NearBindgen({})", "export class Broken {", "  @call({})", "  oops(): number {", "    return 1 +;", "  }", "}", ""].join("\n"));
    const error = await worker.rootAccount.devDeploy(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractBundleError);
    const e = error as ContractBundleError;
    expect(e.file).toBe(file);
    expect(e.line).toBe(7);
    expect(e.message).toContain(`${file}:7:`);
    expect(e.message).toContain("Unexpected token");
  });

  test("bad input: an import that cannot be resolved reports the file and line of the import", async () => {
    const file = path.join(dir, "unresolved.ts");
    writeFileSync(file, ['import { NearBindgen, call } from "near-sdk-js";', 'import { missing } from "./does-not-exist";', "", "@NearBindgen({})", "export class Broken {", "  @call({})", "  oops(): number {", "    return missing;", "  }", "}", ""].join("\n"));
    const error = await worker.rootAccount.devDeploy(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractBundleError);
    const e = error as ContractBundleError;
    expect(e.message).toContain("Could not resolve './does-not-exist'");
    expect(e.file).toBe(file);
    expect(e.line).toBe(2);
    expect(e.message).toContain(`${file}:2`);
  });

  test("bad input: a package that cannot be resolved is an error at bundling, not at the first call", async () => {
    const file = path.join(dir, "bare.ts");
    writeFileSync(file, ['import { NearBindgen, call } from "near-sdk-js";', "", 'import { thing } from "no-such-package";', "", "@NearBindgen({})", "export class Broken {", "  @call({})", "  oops(): number {", "    return thing;", "  }", "}", ""].join("\n"));
    const error = await worker.rootAccount.devDeploy(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContractBundleError);
    const e = error as ContractBundleError;
    expect(e.message).toContain(`Could not resolve 'no-such-package' from ${file}`);
    expect([e.file, e.line]).toEqual([file, 3]);
  });

  test("bad input: a missing source file is reported with its path", async () => {
    const file = path.join(dir, "not-there.ts");
    await expect(worker.rootAccount.devDeploy(file)).rejects.toThrow(`Contract source not found: ${file}`);
  });
});

describe("arguments, amounts and gas", () => {
  test("bad input: arguments that are not JSON-serialisable are rejected", async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await rejectsWithoutEffect(() => alice.callRaw(counter, "increment", circular), /^Arguments are not JSON-serialisable: .*circular/i, TypeError);
    await rejectsWithoutEffect(() => alice.callRaw(counter, "increment", () => 1), /^Arguments are not JSON-serialisable/, TypeError);
    await rejectsWithoutEffect(() => alice.submitCall(counter, "increment", Symbol("s")), /^Arguments are not JSON-serialisable/, TypeError);
    // bigint is not JSON, but is sent as its decimal string, as near-api-js does.
    expect(new TextDecoder().decode(encodeArgs({ by: 10n }))).toBe('{"by":"10"}');
  });

  test("bad input: negative amounts are rejected", async () => {
    await rejectsWithoutEffect(() => alice.callRaw(counter, "increment", {}, { attachedDeposit: -1n }), "attachedDeposit must not be negative (got -1)", RangeError);
    await rejectsWithoutEffect(() => alice.transfer(counter, -5n), "amount must not be negative (got -5)", RangeError);
    await rejectsWithoutEffect(() => alice.transfer(counter, "-5"), /amount must be a bigint or a decimal string of yoctoNEAR \(got "-5"\)/, TypeError);
    await rejectsWithoutEffect(() => worker.rootAccount.createSubAccount("neg", { initialBalance: -1 }), "initialBalance must not be negative (got -1)", RangeError);
    await rejectsWithoutEffect(() => worker.chain.submit(alice.accountId, counter.accountId, [{ type: "Transfer", deposit: -1n }]), "Deposit must not be negative (got -1)", RangeError);
    await rejectsWithoutEffect(() => worker.setExecutionGas(counter, "increment", -1n), "execution gas must not be negative", RangeError);
  });

  test("bad input: gas over the per-transaction maximum (300 Tgas by default) is rejected as nearcore rejects it (InvalidTxError, see R29)", async () => {
    await rejectsWithoutEffect(
      () => alice.callRaw(counter, "increment", {}, { gas: 300n * TGAS + 1n }),
      "InvalidTxError: ActionsValidation(TotalPrepaidGasExceeded { total_prepaid_gas: 300000000000001, limit: 300000000000000 }): attach at most 300000000000000 gas in total",
      InvalidTxError,
    );
    await rejectsWithoutEffect(() => alice.callRaw(counter, "increment", {}, { gas: 0n }), "gas must be positive", RangeError);
    // Exactly the maximum is fine.
    expect((await alice.callRaw(counter, "increment", {}, { gas: 300n * TGAS })).succeeded).toBe(true);
  });

  test("bad input: a transaction the signer cannot afford is rejected (NotEnoughBalance)", async () => {
    const poor = await worker.rootAccount.createSubAccount("poor", { initialBalance: 1000n });
    await rejectsWithoutEffect(() => poor.callRaw(counter, "increment", {}), /^Signer poor\.test\.near cannot afford the transaction: balance 1000 < cost \d+ yoctoNEAR \(NotEnoughBalance\)$/, RangeError);
  });
});
