/**
 * Guard placement (attack 3): the static checker (src/testing/placement) and the decoration-time checks of
 * the guards themselves, applied the way babel's legacy decorators apply them (bottom-up).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { call, middleware, view } from "near-sdk-js";
import { checkGuardPlacement } from "../../src/testing/placement/check-guard-placement.js";
import { privateCallback } from "../../src/guards/private-callback.js";
import { withRefundOnFailure } from "../../src/guards/refund-on-failure.js";
import { deferCredit } from "../../src/guards/defer-credit.js";
import { pendingLock } from "../../src/guards/pending-lock.js";
import { markGuardCompatible } from "../../src/core/placement.js";
import { EXAMPLES, FIXTURES } from "./helpers.js";

const header = `import { NearBindgen, call, view, initialize } from "near-sdk-js";
import { privateCallback, withRefundOnFailure, deferCredit, pendingLock } from "near-callback-guards";
`;
const contract = (methods: string, classDecorator = "@NearBindgen({})") => `${header}${classDecorator}\nexport class C {\n${methods}\n}\n`;
const kinds = (src: string) => checkGuardPlacement(src, "c.ts").map((i) => i.kind);

describe("checkGuardPlacement (static)", () => {
  test("the examples and the lab fixture are clean", () => {
    for (const f of [path.join(EXAMPLES, "guarded.ts"), path.join(EXAMPLES, "naive.ts"), path.join(EXAMPLES, "validator.ts"), path.join(FIXTURES, "lab.ts")]) {
      expect(checkGuardPlacement(readFileSync(f, "utf8"), f)).toEqual([]);
    }
  });

  test("a guard above @call(...) is reported with its position and what to do", () => {
    const issues = checkGuardPlacement(readFileSync(path.join(FIXTURES, "guard-above-call.ts"), "utf8"), "guard-above-call.ts");
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "ERR_GUARD_PLACEMENT", kind: "guard-above-sdk-decorator", file: "guard-above-call.ts", line: 9, column: 3, className: "GuardAboveCall", method: "on_done" });
    expect(issues[0].message).toMatch(/would silently disappear from the contract\. Move @call\(\{\}\) to the top and keep the guards below it/);
  });

  test("a guard above @view(...) (invisible at load) is reported", () => {
    expect(kinds(contract("@pendingLock() @view({}) get() { return 1; }"))).toEqual(["guard-above-sdk-decorator"]);
  });

  test("bare @call without parentheses is reported", () => {
    expect(kinds(contract("@call @privateCallback() cb() {}"))).toEqual(["bare-sdk-decorator"]);
  });

  test("an aliased import of call used as first decorator is reported", () => {
    const src = `import { NearBindgen, call as c } from "near-sdk-js";
import { privateCallback } from "near-callback-guards";
@NearBindgen({}) class C { @c({}) @privateCallback() cb() {} }`;
    const issues = checkGuardPlacement(src, "c.ts");
    expect(issues.map((i) => i.kind)).toEqual(["aliased-sdk-decorator"]);
    expect(issues[0].message).toMatch(/@c\(\.\.\.\) is near-sdk-js's call imported under another name/);
  });

  test("a namespaced @sdk.call(...) is reported", () => {
    const src = `import * as sdk from "near-sdk-js";
import { privateCallback } from "near-callback-guards";
@sdk.NearBindgen({}) class C { @sdk.call({}) @privateCallback() cb() {} }`;
    expect(checkGuardPlacement(src, "c.ts").map((i) => i.kind)).toEqual(["near-bindgen-not-first", "namespaced-sdk-decorator"]);
  });

  test("view imported as call is reported as misleading", () => {
    const src = `import { NearBindgen, view as call } from "near-sdk-js";
@NearBindgen({}) class C { @call({}) m() {} }`;
    expect(checkGuardPlacement(src, "c.ts").map((i) => i.kind)).toEqual(["misleading-sdk-alias"]);
  });

  test("an unknown first decorator on a guarded method is reported", () => {
    expect(kinds(contract("@myCall({}) @privateCallback() cb() {}"))).toEqual(["aliased-sdk-decorator"]);
  });

  test("a near-sdk-js decorator below another decorator is reported", () => {
    const src = `import { NearBindgen, call, middleware } from "near-sdk-js";
@NearBindgen({}) class C { @middleware(() => {}) @call({}) m() {} }`;
    expect(checkGuardPlacement(src, "c.ts").map((i) => i.kind)).toEqual(["sdk-decorator-not-first"]);
  });

  test("NearBindgen not first drops the whole class", () => {
    expect(kinds(contract("@call({}) m() {}", "@other() @NearBindgen({})"))).toEqual(["near-bindgen-not-first"]);
  });

  test("string-literal method names are reported", () => {
    expect(kinds(contract(`@call({}) "weird-name"() {}`))).toEqual(["non-identifier-method-name"]);
  });

  test("guard order and combinations that would throw at load are reported", () => {
    expect(kinds(contract("@call({}) @withRefundOnFailure() @privateCallback() cb() {}"))).toEqual(["guard-order"]);
    expect(kinds(contract("@call({}) @deferCredit({ apply }) @withRefundOnFailure() cb() {}"))).toEqual(["guard-order"]);
    expect(kinds(contract("@call({}) @pendingLock() @withRefundOnFailure() cb() {}"))).toEqual(["guard-order"]);
    expect(kinds(contract("@call({}) @privateCallback() @privateCallback() cb() {}"))).toEqual(["guard-order"]);
    expect(kinds(contract("@call({}) @privateCallback() @withRefundOnFailure() @deferCredit({ apply }) cb() {}"))).toEqual([]);
  });

  test("aliased guard imports are still recognised as guards", () => {
    const src = `import { NearBindgen, call } from "near-sdk-js";
import { privateCallback as pc } from "../src/index";
@NearBindgen({}) class C { @pc() @call({}) cb() {} }`;
    expect(checkGuardPlacement(src, "c.ts").map((i) => i.kind)).toEqual(["guard-above-sdk-decorator"]);
  });

  test("a startGuardedCall whose literal callback.method is not a @withRefundOnFailure() method is reported with file:line (item 6)", () => {
    const file = path.join(FIXTURES, "unknown-callback.ts");
    const issues = checkGuardPlacement(readFileSync(file, "utf8"), file);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "ERR_UNKNOWN_CALLBACK", kind: "unknown-callback", file, line: 12, method: "on_stakd" });
    expect(issues[0].message).toMatch(/callback\.method "on_stakd" is not a @withRefundOnFailure\(\) method of this contract \(it has: on_staked\)/);
    const ok = `${header}import { startGuardedCall } from "near-callback-guards";
@NearBindgen({}) class C { @call({}) m() { return startGuardedCall({ kind: "k", call: [], callback: { method: "cb", gas: 1n } }); } @call({}) @withRefundOnFailure() cb() {} }`;
    expect(checkGuardPlacement(ok, "c.ts")).toEqual([]);
    const dynamic = `${header}import { startGuardedCall } from "near-callback-guards";
@NearBindgen({}) class C { @call({}) m(a: { cb: string }) { return startGuardedCall({ kind: "k", call: [], callback: { method: a.cb, gas: 1n } }); } }`;
    expect(checkGuardPlacement(dynamic, "c.ts")).toEqual([]); // not a literal: startGuardedCall refuses it at run time
  });

  test("a Vector / UnorderedMap / UnorderedSet prefix starting with \"ÿ\" (U+00FF) is reported (attack 16's residual); wider characters never reach the byte 0xFF", () => {
    const src = (ctor: string, prefix: string) => `import { NearBindgen, call, ${ctor} } from "near-sdk-js";
@NearBindgen({}) class C { items = new ${ctor}<string>(${prefix}); }`;
    for (const ctor of ["Vector", "UnorderedMap", "UnorderedSet"]) {
      // builder.c's latin1 conversion gives a string with a character above U+00FF no bytes at all (the
      // collection throws at its first access), so only U+00FF itself writes the byte 0xFF.
      for (const prefix of ["'\u01ffx'", '`\uffff`', '"\u00ff\u0100"']) expect(checkGuardPlacement(src(ctor, prefix), "c.ts")).toEqual([]);
      for (const prefix of ['"\u00ff"', '"ÿitems"', "`ÿ`"]) {
        const issues = checkGuardPlacement(src(ctor, prefix), "c.ts");
        expect(issues.map((i) => [i.kind, i.code])).toEqual([["reserved-storage-prefix", "ERR_CORRUPT_GUARD_STATE"]]);
        expect(issues[0].message).toMatch(new RegExp(`new ${ctor}\\(.*writes keys starting with the byte 0xFF`));
      }
      expect(checkGuardPlacement(src(ctor, '"v"'), "c.ts")).toEqual([]);
      expect(checkGuardPlacement(src(ctor, '""'), "c.ts")).toEqual([]);
    }
    // LookupMap and LookupSet keys are UTF-8: no prefix reaches 0xFF.
    expect(checkGuardPlacement(src("LookupMap", '"\u00ff"'), "c.ts")).toEqual([]);
  });

  test("a method or exported function named like a NEAR host function is reported (the wasm build fails, or builder.c calls the method instead of the host)", () => {
    const cls = (name: string) => `import { NearBindgen, call, view } from "near-sdk-js";
@NearBindgen({}) export class C { @call({}) ${name}() {} @view({}) get() { return 1; } }`;
    for (const name of ["log_utf16", "input", "storage_write", "value_return", "promise_then"]) {
      const issues = checkGuardPlacement(cls(name), "c.ts");
      expect(issues.map((i) => [i.kind, i.code, i.method, i.line])).toEqual([["host-function-name", "ERR_HOST_FUNCTION_NAME", name, 2]]);
      expect(issues[0].message).toMatch(new RegExp(`C\\.${name}: ${name} is the name of a NEAR host function .*Rename the method\\.`));
    }
    expect(checkGuardPlacement(cls("log_utf16_units"), "c.ts")).toEqual([]);
    expect(checkGuardPlacement(cls("storage"), "c.ts")).toEqual([]);
    // near-sdk-js's low-level API: an exported function is a method too; a local helper is not.
    const low = checkGuardPlacement(`import { near } from "near-sdk-js";\nexport function input(): void {}\nfunction sha256(): void {}\nexport function hello(): void {}`, "c.ts");
    expect(low.map((i) => [i.kind, i.method, i.line])).toEqual([["host-function-name", "input", 2]]);
  });

  test("classes that are not contracts are ignored", () => {
    expect(checkGuardPlacement(`${header}class Plain { @privateCallback() @call({}) cb() {} }`, "c.ts")).toEqual([]);
  });
});

/** Applies decorators the way babel's legacy transform does: listed top to bottom, applied bottom-up. */
function decorate(decorators: ((t: object, k: string, d: PropertyDescriptor) => unknown)[], fn: (...a: any[]) => unknown = function on_done() {}) {
  const target = {};
  const key = fn.name;
  const descriptor: PropertyDescriptor = { value: fn, writable: true, configurable: true, enumerable: false };
  for (const d of decorators.slice().reverse()) d(target, key, descriptor);
  return descriptor.value as (...a: unknown[]) => unknown;
}

describe("decoration-time placement checks", () => {
  const apply = { apply: () => undefined };

  test("guards below @call(...) decorate fine", () => {
    expect(() => decorate([call({}) as any, privateCallback(), withRefundOnFailure(), deferCredit(apply)])).not.toThrow();
    expect(() => decorate([call({}) as any, pendingLock()], function withdraw() {})).not.toThrow();
  });

  test("a guard above @call(...) throws ERR_GUARD_PLACEMENT at load", () => {
    expect(() => decorate([privateCallback(), call({}) as any])).toThrow(/^ERR_GUARD_PLACEMENT: @privateCallback\(\.\.\.\) on on_done: it is placed above @call\(\.\.\.\)/);
    expect(() => decorate([pendingLock(), call({}) as any], function withdraw() {})).toThrow(/ERR_GUARD_PLACEMENT: @pendingLock/);
    expect(() => decorate([withRefundOnFailure(), privateCallback(), call({}) as any])).toThrow(/ERR_GUARD_PLACEMENT: @privateCallback/);
  });

  test("a guard above @middleware(...) throws too; markGuardCompatible lets your own wrapper through", () => {
    expect(() => decorate([privateCallback(), middleware(() => undefined) as any])).toThrow(/ERR_GUARD_PLACEMENT/);
    const own = (_t: object, _k: string, d: PropertyDescriptor) => {
      const inner = d.value;
      d.value = markGuardCompatible(function (this: unknown, ...a: unknown[]) {
        return inner.apply(this, a);
      });
    };
    expect(() => decorate([privateCallback(), own])).not.toThrow();
  });

  test("a guard above @view(...) cannot be seen at load (view does not wrap): only the static checker catches it", () => {
    expect(() => decorate([pendingLock(), view({}) as any], function get() {})).not.toThrow();
  });

  test("wrong order, duplicates and pendingLock on callbacks throw", () => {
    expect(() => decorate([withRefundOnFailure(), privateCallback()])).toThrow(/@privateCallback\(\.\.\.\) must be above @withRefundOnFailure/);
    expect(() => decorate([deferCredit(apply), withRefundOnFailure()])).toThrow(/@deferCredit\(\.\.\.\) must be below/);
    expect(() => decorate([privateCallback(), privateCallback()])).toThrow(/applied twice/);
    expect(() => decorate([pendingLock(), withRefundOnFailure()])).toThrow(/pendingLock cannot be combined/);
    expect(() => decorate([privateCallback(), pendingLock()])).toThrow(/@privateCallback\(\.\.\.\) on on_done: pendingLock cannot be combined with callback guards/);
  });

  test("guards decorate methods only", () => {
    expect(() => privateCallback()({}, "x", undefined as unknown as PropertyDescriptor)).toThrow(/decorate methods only/);
  });

  test("deferCredit needs an apply function", () => {
    expect(() => deferCredit({} as never)).toThrow(/ERR_INVALID_ARGUMENT/);
  });
});
