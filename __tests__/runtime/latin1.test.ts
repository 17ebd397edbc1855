/**
 * near-sdk-js's `bytes()` (latin1) on every engine, as builder.c does it on chain: builder.c's
 * `latin1_string_to_uint8array` wraps `JS_ToCStringLenRaw` (near/quickjs v0.1.3), which hands back the bytes
 * of a one-byte string and NOTHING (NULL, length 0) for a string holding any character above U+00FF. So
 * only "ÿ" (U+00FF) reaches the byte 0xFF, and a Vector whose prefix has a wider character writes every
 * element under the empty key. The `wasm` engine runs the real builder.c + QuickJS (npm run test:wasm);
 * `vm` and `quickjs` must give the same bytes.
 */
import { Worker } from "../../src/testing/index.js";
import { fixture } from "./helpers.js";

describe("bytes() (near-sdk-js's latin1 encoder) matches builder.c", () => {
  test("one-byte strings give their bytes; a string with a character above U+00FF gives an empty array", async () => {
    const worker = await Worker.init();
    const contract = await worker.rootAccount.devDeploy(fixture("latin1.ts"));
    const strings = ["ÿ", "\u00ffl", "\u01ffl", "ab\u0100", "\u0100", "\uffff", "\ud800", "a\u0000b", ""];
    expect(await contract.view("encode", { strings })).toEqual([[0xff], [0xff, 0x6c], [], [], [], [], [], [0x61, 0, 0x62], []]);
  });

  test("bytes() of a wider string is an array with no data: every host function that takes bytes refuses it, so a Vector whose prefix has such a character throws at its first write", async () => {
    const worker = await Worker.init();
    const contract = await worker.rootAccount.devDeploy(fixture("latin1.ts"));
    const before = (await contract.viewState()).keys();
    const wide = await contract.callRaw(contract, "push", { prefix: "\u01ffv", values: ["first", "second"] });
    expect(wide.failed).toBe(true);
    expect(wide.receiptFailureMessages.join("\n")).toMatch(/^Smart contract panicked: Expect Uint8Array for key/);
    expect((await contract.viewState()).keys()).toEqual(before);
    // Its length is 0 and it can be read like any empty array; only the host refuses it.
    expect(await contract.view("probe_empty", { s: "\u01ffv" })).toEqual({ length: 0, copy: "ok", host: "TypeError: Expect Uint8Array for key" });
    expect(await contract.view("probe_empty", { s: "" })).toEqual({ length: 0, copy: "ok", host: "ok" });
    // A one-byte prefix gives each element its own key: the prefix and the index's 4 bytes.
    const narrow = await contract.callRaw(contract, "push", { prefix: "\u00ffv", values: ["a", "b"] });
    expect(narrow.parseResult()).toBe("a");
    expect((await contract.viewState()).keys().filter((k) => k.startsWith("\u00ffv")).sort()).toEqual(["\u00ffv\u0000\u0000\u0000\u0000", "\u00ffv\u0001\u0000\u0000\u0000"]);
  });
});
