/**
 * Attack 16 (issue 10, item 1): guard storage is out of reach of contract keys. A user-facing key registry
 * (the lab's `scribble`) writes user-chosen keys through every near-sdk-js string API (LookupMap,
 * LookupSet, UnorderedMap, UnorderedSet, Vector, near.storageWrite) while a flow holds locks, a hold and an
 * index entry: nothing a guard sees changes. What is left is the contract's responsibility (raw-byte
 * writes, a collection prefix starting with a character whose low byte is 0xFF): a value planted there is
 * corruption, reported by name, never read as "nothing held" or "free", and cleared by the owner.
 */
import { createHash } from "node:crypto";
import { TransactionResult, parseNEAR, TGAS, type Account, type Receipt } from "../../src/testing/index.js";
import { events, guardKeys, gasPaid, rewards, panicOf, labSetup, type Lab } from "./helpers.js";

const FIVE = parseNEAR("5");
const THREE = parseNEAR("3");

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");
const latin1Bytes = (k: string) => Uint8Array.from(k, (c) => c.charCodeAt(0));
const keyHex = (space: string, body: string) => "ff" + Buffer.from(space, "latin1").toString("hex") + Buffer.from(body, "utf8").toString("hex");

/** Every guard storage record (keys of 5 bytes or more under 0xFF), key (latin1) → value (hex). */
async function guardState(account: Account): Promise<Record<string, string>> {
  const state = await account.viewState();
  const out: Record<string, string> = {};
  for (const k of state.keys()) if (k.startsWith("\u00ff") && k.length >= 5) out[k] = hex(state.getRaw(latin1Bytes(k))!);
  return out;
}

const flowData = (t: Lab, r: Receipt) => r.kind === "data" && r.receiverId === t.lab.accountId && (r.predecessorId === t.ok.accountId || r.predecessorId === t.bad.accountId);
function holdCallbacks(t: Lab): () => void {
  t.worker.chain.setScheduler((ready: readonly Receipt[]) => ready.flatMap((r, i) => (flowData(t, r) ? [] : [i])));
  return () => t.worker.chain.setScheduler(null);
}

/** Alice has 5 NEAR in the lab's books and a flow in flight holding 3 of them, with three lock keys and an index entry. */
async function flowInFlight(t: Lab) {
  const deposit = await t.alice.callRaw(t.lab, "deposit", {}, { attachedDeposit: FIVE });
  const release = holdCallbacks(t);
  const handle = t.alice.submitCall(
    t.lab,
    "start",
    { targets: [t.ok.accountId], hold: THREE.toString(), hold_available: FIVE.toString(), credit: "0", lock_keys: [`@${t.alice.accountId}`, "r:pool", "*:*"], index: true, ttl: 4 },
    { attachedDeposit: 0n, gas: 250n * TGAS },
  );
  for (let i = 0; i < 3; i++) t.worker.step();
  return { release, handle, deposit };
}

describe("attack 16: no near-sdk-js string key reaches guard storage", () => {
  test("every collection type and near.storageWrite, with adversarial prefixes and keys, change nothing a guard sees; the flow settles with exact balances", async () => {
    const t = await labSetup();
    const [aliceBefore, labBefore] = [(await t.alice.balance()).total, (await t.lab.balance()).total];
    const { release, handle, deposit } = await flowInFlight(t);
    const a = t.alice.accountId;
    const before = await guardState(t.lab);
    // The flow's record, its two pointers, the hold total and the index (its count, the flow's slot and the
    // flow's slot number, keyed by 40 hex digits of its id's sha256), all under 0xFF.
    const pendingBefore = await t.lab.view<{ id: string }[]>("pending", {});
    expect(pendingBefore).toHaveLength(1);
    const slotOf = createHash("sha256").update(pendingBefore![0].id).digest("hex").slice(0, 40);
    expect(Object.keys(before).sort()).toEqual([`\u00ffh@${a}`, "\u00ffindex", "\u00ffindex#0", `\u00ffindex^${slotOf}`, `\u00ffl*:*`, `\u00ffl@${a}`, "\u00fflr:pool"].sort());
    expect(await t.lab.view("held", { key: `@${a}` })).toBe(THREE.toString());

    const keys = [
      // the guard keys' old printable spellings and their bodies
      `ncg:@${a}`, `ncg:$@${a}`, "ncg:!", "ncg:r:pool", "ncg:*", `@${a}`, `$@${a}`, "!", "r:pool", "*:*", "index",
      // the new keys spelled as strings: U+00FF is two UTF-8 bytes (C3 BF), never the byte FF
      `\u00ffl@${a}`, `\u00ffh@${a}`, "\u00ffindex", `\u00ffc@${a}`, "\u00fflr:pool", "\u00ffl*:*", `l@${a}`, `h@${a}`,
      // lone surrogates, characters whose low byte is FF, a byte-order mark, the empty key
      "\ud800", "\udfff", `\udbff\u00ff`, `\udfffl@${a}`, "\u00ff", "\u01ff", "\uffff", "\ufeff", "",
    ];
    const utf8Prefixes = ["", "ncg:", "\u00ff", "\u00ffl", "\u00ffh", "\ud800", "\u01ff", "\uffff"];
    // Vectors (alone and inside UnorderedMap / UnorderedSet) write latin1 keys: a prefix starting with
    // "ÿ" (U+00FF) is the contract's responsibility (see the next test), all other one-byte prefixes here.
    // (A prefix with a character above U+00FF gets no bytes at all from builder.c: the collection throws
    // at its first access, on chain as locally; see __tests__/runtime/latin1.test.ts.)
    const latin1Prefixes = ["", "ncg:", "\u00fe", "\u0080", "l", "u"];
    // Vector("") at index 0x010101FF writes the 4-byte key FF 01 01 01, and at 0x61406CFF the 4-byte key
    // FF 'l' '@' 'a': prefixes of guard keys, never equal to one (every guard key is at least 5 bytes).
    // (Indices without a zero byte: the local quickjs engine passes strings to the host as C strings.)
    const vectorIndices = [0x01010101, 0x010101ff, 0x61406cff, 0x6c6c6c6c, 0xfffffffe, 0x2a3a2a6c];
    const results: TransactionResult[] = [];
    for (const p of utf8Prefixes) results.push(await t.bob.callRaw(t.lab, "scribble", { prefixes: [p], keys, value: "0" }, { gas: 300n * TGAS }));
    for (const p of latin1Prefixes) results.push(await t.bob.callRaw(t.lab, "scribble", { prefixes: [], vector_prefixes: [p], keys, value: "0", vector_indices: vectorIndices }, { gas: 300n * TGAS }));
    // near-sdk-js's real builder.c (the wasm engine) refuses a latin1 key with a character above U+00FF: the
    // call panics before writing anything. The local engines' hosts accept it and write its low bytes.
    const refused = (i: number) => t.worker.chain.engine === "wasm" && i >= utf8Prefixes.length && [...latin1Prefixes[i - utf8Prefixes.length]].some((c) => c.charCodeAt(0) > 0xff);
    results.forEach((r, i) => expect(r.failed ? panicOf(r) : "ok").toBe(refused(i) ? "Smart contract panicked: Expect Uint8Array for key" : "ok"));
    const written = results.reduce((n, r) => n + (r.failed ? 0 : r.parseResult<number>()), 0);
    const vectorWrites = latin1Prefixes.filter((_, i) => !refused(utf8Prefixes.length + i)).length;
    expect(written).toBe(keys.length * 4 * utf8Prefixes.length + vectorWrites * (2 * keys.length + vectorIndices.length));
    // The writes happened: 4-byte keys starting with 0xFF exist now, yet no guard record changed.
    const allKeys = (await t.lab.viewState()).keys();
    expect(allKeys).toEqual(expect.arrayContaining(["\u00ff\u0001\u0001\u0001", "\u00ffl@a"]));
    expect(await guardState(t.lab)).toEqual(before);
    expect(await t.lab.view("pending", {})).toEqual(pendingBefore);
    expect(await t.lab.view("held", { key: `@${a}` })).toBe(THREE.toString());
    for (const k of [`@${a}`, "r:pool", "*:*"]) {
      const touch = await t.bob.callRaw(t.lab, "touch", { keys: [k] });
      results.push(touch);
      expect(panicOf(touch)).toMatch(/^Smart contract panicked: ERR_LOCKED/);
    }
    // Alice still cannot spend what is held: 2 of her 5 NEAR are available, exactly.
    const tooMuch = await t.alice.callRaw(t.lab, "spend", { amount: (parseNEAR("2") + 1n).toString() });
    expect(panicOf(tooMuch)).toMatch(/ERR_INSUFFICIENT_AVAILABLE/);

    release();
    const r = new TransactionResult(await handle.wait());
    expect(events(r, "lock_released")[0].data).toMatchObject({ outcome: "success", hold: THREE.toString() });
    expect(await guardState(t.lab)).toEqual({});
    expect(await t.lab.view("held", { key: `@${a}` })).toBe("0");
    const spend = await t.alice.callRaw(t.lab, "spend", { amount: FIVE.toString() });
    expect(spend.parseResult()).toBe("spent");
    // Alice put 5 NEAR in the lab's books and spent them there: she paid that and gas, nothing more; the
    // lab holds her 5 NEAR and its gas rewards (no deposit moved in the flow).
    const mine = [deposit, tooMuch, r, spend];
    expect((await t.alice.balance()).total).toBe(aliceBefore - FIVE - gasPaid(mine, t.gasPrice));
    expect((await t.lab.balance()).total).toBe(labBefore + FIVE + rewards([...mine, ...results], t.lab.accountId));
  });
});

describe("attack 16, the contract's side: a planted value is corruption the owner clears", () => {
  test("a Vector whose prefix starts with U+00FF can write a guard key (the residual): the planted lock is never taken for free, and the owner clears it", async () => {
    const t = await labSetup();
    // Vector("ÿ") at index 0x2A3A2A6C writes FF 6C 2A 3A 2A: the lock key of CONTRACT_LOCK_KEY "*:*".
    const plant = await t.bob.callRaw(t.lab, "scribble", { prefixes: [], vector_prefixes: ["\u00ff"], keys: [], value: "x", vector_indices: [0x2a3a2a6c] }, { gas: 100n * TGAS });
    expect(plant.succeeded).toBe(true);
    expect(await guardKeys(t.lab)).toContain("\u00ffl*:*");
    const touch = await t.bob.callRaw(t.lab, "touch", { keys: ["*:*"] });
    expect(panicOf(touch)).toMatch(/^Smart contract panicked: ERR_CORRUPT_GUARD_STATE: the lock entry "\*:\*" \(3 bytes\) is not guard state; nothing changed$/);
    expect(events(touch, "guard_state_corrupt")[0].data).toEqual({ space: "lock", key: "*:*", size: "3" });
    const stateBefore = (await t.lab.viewState()).keys();
    const flow = await t.alice.callRaw(t.lab, "start", { targets: [t.ok.accountId], lock_keys: [`@${t.alice.accountId}`, "*:*"] }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    expect(panicOf(flow)).toMatch(/ERR_CORRUPT_GUARD_STATE/);
    expect((await t.lab.viewState()).keys()).toEqual(stateBefore);
    expect(panicOf(await t.bob.callRaw(t.lab, "pending", { keys: ["*:*"] }))).toMatch(/ERR_CORRUPT_GUARD_STATE/);
    // Only corruption can be cleared: the owner's hook removes it, and the key works again.
    const cleared = await t.lab.callRaw(t.lab, "clear_corrupt", { space: "lock", key: "*:*", decision: "clear" });
    expect(cleared.parseResult()).toBe("clear");
    expect(events(cleared, "guard_state_cleared")[0].data).toEqual({ space: "lock", key: "*:*", decision: "clear" });
    expect(await t.bob.call(t.lab, "touch", { keys: ["*:*"] })).toBe("ran");
  });

  test("a corrupt hold total is never read as 'nothing held': spends and settlement refuse until the owner rewrites it; then the flow expires with exact balances", async () => {
    const t = await labSetup();
    const [aliceBefore, labBefore] = [(await t.alice.balance()).total, (await t.lab.balance()).total];
    const { release, handle, deposit } = await flowInFlight(t);
    const a = t.alice.accountId;
    const mine: TransactionResult[] = [deposit];
    const theirs: TransactionResult[] = [];
    theirs.push(await t.lab.callRaw(t.lab, "plant", { key_hex: keyHex("h", `@${a}`), value_hex: Buffer.from("-1").toString("hex") }));
    mine.push(await t.alice.callRaw(t.lab, "spend", { amount: "1" }));
    expect(panicOf(mine[1])).toMatch(/ERR_CORRUPT_GUARD_STATE: the hold entry/);
    mine.push(await t.alice.callRaw(t.lab, "held", { key: `@${a}` }));
    expect(panicOf(mine[2])).toMatch(/ERR_CORRUPT_GUARD_STATE/);
    // The callback cannot release the hold from a corrupt total: it fails loudly and nothing changes.
    release();
    const r = new TransactionResult(await handle.wait());
    mine.push(r);
    expect(r.receiptsOutcome.find((o) => o.methodName === "on_done")!.status.type).toBe("Failure");
    expect(events(r, "guard_state_corrupt")[0].data).toMatchObject({ space: "hold", key: `@${a}` });
    expect(await t.lab.view("pending", { keys: [`@${a}`] })).toHaveLength(1);
    // The corrupt total is rewritten to what the flows hold; a valid total cannot be "cleared" as corruption.
    const op = (await t.lab.view<{ id: string }[]>("pending", { keys: [`@${a}`] }))![0];
    theirs.push(await t.lab.callRaw(t.lab, "clear_corrupt", { space: "hold", key: `@${a}`, decision: THREE.toString() }));
    theirs.push(await t.lab.callRaw(t.lab, "clear_corrupt", { space: "hold", key: `@${a}`, decision: "clear" }));
    expect(panicOf(theirs[2])).toMatch(/ERR_INVALID_ARGUMENT: the hold entry .* is valid guard state/);
    expect(await t.lab.view("held", { key: `@${a}` })).toBe(THREE.toString());
    t.worker.step();
    theirs.push(await t.lab.callRaw(t.lab, "expire", { op: op.id, decision: "refund" }, { gas: 100n * TGAS }));
    expect(theirs[3].parseResult()).toEqual({ decision: "refund", settled: true });
    expect(await t.lab.view("held", { key: `@${a}` })).toBe("0");
    expect(await guardKeys(t.lab)).toEqual([]);
    mine.push(await t.alice.callRaw(t.lab, "spend", { amount: FIVE.toString() }));
    expect(mine[4].parseResult()).toBe("spent");
    // Alice put 5 NEAR into the lab's books and spent them there; she paid gas, nothing else.
    expect((await t.alice.balance()).total).toBe(aliceBefore - FIVE - gasPaid(mine, t.gasPrice));
    expect((await t.lab.balance()).total).toBe(labBefore + FIVE + rewards([...mine, ...theirs], t.lab.accountId) - gasPaid(theirs, t.gasPrice));
  });

  test("a value planted under another account's lock key blocks it loudly (not for ever): its flows are refused with nothing changed until the owner clears it", async () => {
    const t = await labSetup();
    const b = t.bob.accountId;
    for (const [body, value] of [
      [`@${b}`, "1|garbage"],
      ["r:ghost", "^zz:@nobody.near"],
    ]) {
      await t.lab.call(t.lab, "plant", { key_hex: keyHex("l", body), value_hex: Buffer.from(value).toString("hex") });
    }
    const keysBefore = (await t.lab.viewState()).keys();
    const bobBefore = (await t.bob.balance()).total;
    const r = await t.bob.callRaw(t.lab, "start", { targets: [t.ok.accountId] }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    expect(panicOf(r)).toMatch(/ERR_CORRUPT_GUARD_STATE: the lock entry "@bob\.test\.near"/);
    expect(r.receiptsOutcome.filter((o) => o.methodName === "stake")).toHaveLength(0);
    expect((await t.lab.viewState()).keys()).toEqual(keysBefore);
    expect((await t.bob.balance()).total).toBe(bobBefore - gasPaid([r], t.gasPrice));
    expect(panicOf(await t.bob.callRaw(t.lab, "touch", { keys: ["r:ghost"] }))).toMatch(/ERR_CORRUPT_GUARD_STATE: the lock entry "r:ghost"/);
    await t.lab.call(t.lab, "clear_corrupt", { space: "lock", key: `@${b}`, decision: "clear" });
    await t.lab.call(t.lab, "clear_corrupt", { space: "lock", key: "r:ghost", decision: "clear" });
    const ok = await t.bob.callRaw(t.lab, "start", { targets: [t.ok.accountId] }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    expect(ok.parseResult<{ succeeded: boolean }>().succeeded).toBe(true);
    expect(await guardKeys(t.lab)).toEqual([]);
  });

  test("a corrupt index and a corrupt claim are named errors; clearing a live record is refused", async () => {
    const t = await labSetup();
    await t.lab.call(t.lab, "plant", { key_hex: keyHex("i", "ndex"), value_hex: Buffer.from("not an id").toString("hex") });
    expect(panicOf(await t.bob.callRaw(t.lab, "pending", {}))).toMatch(/ERR_CORRUPT_GUARD_STATE: the index entry/);
    await t.lab.call(t.lab, "clear_corrupt", { space: "index", key: "", decision: "clear" });
    expect(await t.lab.view("pending", {})).toEqual([]);
    const a = t.alice.accountId;
    await t.lab.call(t.lab, "plant", { key_hex: keyHex("c", `@${a}`), value_hex: Buffer.from("lots").toString("hex") });
    expect(panicOf(await t.alice.callRaw(t.lab, "claim_refund", {}, { gas: 100n * TGAS }))).toMatch(/ERR_CORRUPT_GUARD_STATE: the claim entry/);
    await t.lab.call(t.lab, "clear_corrupt", { space: "claim", key: `@${a}`, decision: "0" });
    expect(await t.lab.view("claimable", { account_id: a })).toBe("0");
    // A live operation is settled by expiry, never "cleared".
    const release = holdCallbacks(t);
    const handle = t.alice.submitCall(t.lab, "start", { targets: [t.ok.accountId] }, { attachedDeposit: FIVE, gas: 250n * TGAS });
    for (let i = 0; i < 3; i++) t.worker.step();
    expect(panicOf(await t.lab.callRaw(t.lab, "clear_corrupt", { space: "lock", key: `@${a}`, decision: "clear" }))).toMatch(/ERR_INVALID_ARGUMENT: the lock entry .* is valid guard state/);
    expect(panicOf(await t.lab.callRaw(t.lab, "clear_corrupt", { space: "lock", key: "r:none", decision: "clear" }))).toMatch(/ERR_INVALID_ARGUMENT: nothing is stored/);
    release();
    await handle.wait();
    expect(await guardKeys(t.lab)).toEqual([]);
  });
});
