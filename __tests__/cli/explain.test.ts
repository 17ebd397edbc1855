/**
 * Guard errors are explained off chain: `explainGuardError` and `near-callback-guards explain`. Every code
 * the contract side can throw has an explanation, and a panic text pasted whole finds its code.
 */
import vm from "node:vm";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { explainGuardError, formatGuardErrorHelp, GUARD_ERROR_HELP } from "../../src/testing/index.js";
import { GuardError } from "../../src/core/errors.js";
import { REPO_ROOT, runCli } from "../support/run-cli.js";


const run = (...args: string[]) => runCli(...args);

/** Every `ERR_…` string literal of the contract side (src/core, src/guards). */
function codesThrownOnChain(): Set<string> {
  const codes = new Set<string>();
  for (const dir of ["src/core", "src/guards"]) {
    for (const f of readdirSync(path.join(REPO_ROOT, dir))) {
      for (const m of readFileSync(path.join(REPO_ROOT, dir, f), "utf8").matchAll(/"(ERR_[A-Z_]+)"/g)) codes.add(m[1]);
    }
  }
  return codes;
}

describe("explainGuardError", () => {
  test("every code the contract side names has an explanation with a remedy", () => {
    const codes = codesThrownOnChain();
    expect(codes.size).toBeGreaterThan(15);
    for (const code of codes) {
      const help = explainGuardError(code);
      expect({ code, explained: help !== undefined && help.meaning.length > 20 && help.remedy.length > 0 }).toEqual({ code, explained: true });
    }
    expect(Object.keys(GUARD_ERROR_HELP).sort()).toEqual([...codes].sort());
  });

  test("finds the code in a whole panic text, in a GuardError and in an object with a code", () => {
    const panic = 'Smart contract panicked: ERR_LOCKED: lock "@alice.test.near" is held by operation a#1 (stake for alice.test.near, expires at block 9)\n    at wrapper';
    expect(explainGuardError(panic)?.code).toBe("ERR_LOCKED");
    expect(explainGuardError(new GuardError("ERR_NOT_EXPIRED", "x"))?.code).toBe("ERR_NOT_EXPIRED");
    expect(explainGuardError({ code: "ERR_STORAGE_STAKING" })?.code).toBe("ERR_STORAGE_STAKING");
    expect(explainGuardError("Smart contract panicked: Function is private")).toBeUndefined();
    expect(explainGuardError("ERR_SOMETHING_ELSE")).toBeUndefined();
    expect(explainGuardError(undefined)).toBeUndefined();
  });

  test("an unrelated ERR_ word does not hide a guard code; nested failures, causes and other realms are searched", () => {
    expect(explainGuardError("ERR_APP_PAUSED upstream, then ERR_LOCKED: lock")?.code).toBe("ERR_LOCKED");
    expect(explainGuardError({ message: "ERR_NOT_EXPIRED: operation x can be expired from block 9 (now 3)" })?.code).toBe("ERR_NOT_EXPIRED");
    expect(explainGuardError({ ActionError: { kind: { FunctionCallError: { ExecutionError: "Smart contract panicked: ERR_UNKNOWN_OPERATION: no operation" } } } })?.code).toBe("ERR_UNKNOWN_OPERATION");
    expect(explainGuardError(new Error("receipt failed", { cause: new GuardError("ERR_STORAGE_STAKING", "x") }))?.code).toBe("ERR_STORAGE_STAKING");
    expect(explainGuardError(vm.runInNewContext('new Error("ERR_LOCKED: lock")'))?.code).toBe("ERR_LOCKED");
  });

  test("never throws on hostile input, and callers cannot change the table", () => {
    const symbolMessage = Object.assign(new Error("x"), { message: Symbol("m") });
    const throwing = Object.defineProperty({}, "code", { get: () => { throw new Error("boom"); } });
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    for (const odd of [symbolMessage, throwing, revoked.proxy, Object.create(null), 42, null]) expect(explainGuardError(odd)).toBeUndefined();
    explainGuardError("ERR_LOCKED")!.remedy.push("changed");
    expect(explainGuardError("ERR_LOCKED")!.remedy).not.toContain("changed");
    expect(() => (GUARD_ERROR_HELP.ERR_LOCKED.remedy as string[]).push("changed")).toThrow(TypeError);
  });
});

describe("near-callback-guards explain", () => {
  test("a pasted panic text: the code, its meaning and what to do; exit 0", async () => {
    const r = await run("explain", "Smart contract panicked: ERR_BODY_MOVED_MONEY: on_staked tried to move money (Transfer) on the refund path of x");
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: "" });
    expect(r.stdout).toBe(formatGuardErrorHelp(explainGuardError("ERR_BODY_MOVED_MONEY")!));
    expect(r.stdout).toMatch(/^ERR_BODY_MOVED_MONEY: .*\n {2}- Move money on the success path only\.\n/);
  });

  test("--all explains every code; text without a code exits 1 and says so; option-like words are text", async () => {
    const all = await run("explain", "--all");
    expect(all.code).toBe(0);
    expect(all.stdout.match(/^ERR_[A-Z_]+: /gm)).toHaveLength(Object.keys(GUARD_ERROR_HELP).length);
    const none = await run("explain", "Exceeded the prepaid gas.");
    expect(none).toEqual({ code: 1, stdout: "", stderr: expect.stringMatching(/^near-callback-guards: no near-callback-guards error code \(ERR_…\) in "Exceeded the prepaid gas\."/) });
    const optionLike = await run("explain", "ERR_INSUFFICIENT_GAS", "--gas", "300");
    expect({ code: optionLike.code, first: optionLike.stdout.split("\n")[0] }).toEqual({ code: 0, first: expect.stringMatching(/^ERR_INSUFFICIENT_GAS: /) });
  });
});
