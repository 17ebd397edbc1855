/**
 * Abstract values the interpreter computes for expressions: where a value comes from (taints: the
 * attached deposit, the predecessor, the contract's own account, user arguments, promise results),
 * constants (bigint gas and deposits, string patterns for method names), the promises it is, the contract
 * state it refers to, and how it was computed (`+` or `-`: a credit or a debit when written to state).
 */
import type ts from "typescript";
import type { ClassInfo, MethodInfo } from "./contracts.js";
import type { ParsedFile } from "./project.js";

/** Where a value comes from. */
export type Taint =
  /** `near.attachedDeposit()` or arithmetic on it. */
  | "attached"
  /** `near.predecessorAccountId()` / `near.signerAccountId()`. */
  | "predecessor"
  /** `near.currentAccountId()`. */
  | "current"
  /** A method argument (user input). */
  | "arg"
  /** `near.promiseResult(i)`. */
  | "promiseResult";

/** A string known in parts: literal text and holes (null) for what is not constant. */
export type StrPattern = (string | null)[];

/** A call site the interpreter followed into a helper, outermost first. */
export interface CallSite {
  file: ParsedFile;
  node: ts.Node;
  /** Name of the function or method entered. */
  callee: string;
}

/** A function call action of a promise (`functionCall`, `functionCallWeight`, `promiseCreate`, `promiseBatchActionFunctionCall`, ...). */
export interface FunctionCallAction {
  kind: "functionCall";
  method: StrPattern;
  methodNode: ts.Node;
  deposit: AbsValue;
  depositNode?: ts.Node;
  gas: AbsValue;
  gasNode?: ts.Node;
  /** Gas weight; absent for the calls without weight, which the host gives weight 0. */
  weight?: AbsValue;
  node: ts.Node;
  file: ParsedFile;
  via: CallSite[];
}

/** A Transfer action. */
export interface TransferAction {
  kind: "transfer";
  amount: AbsValue;
  node: ts.Node;
  file: ParsedFile;
  via: CallSite[];
}

/** Other actions (create account, deploy, stake, keys, delete). */
export interface OtherAction {
  kind: "other";
  node: ts.Node;
}

export type PromiseAction = FunctionCallAction | TransferAction | OtherAction;

/** What a `startGuardedCall({...})` call says. */
export interface GuardedCallInfo {
  node: ts.Node;
  file: ParsedFile;
  via: CallSite[];
  /** The external calls: deposit and gas of each (empty when `call` is not written inline). */
  calls: { deposit: AbsValue; depositNode?: ts.Node; gas: AbsValue; node: ts.Node; method: StrPattern }[];
  /** The callback target, when written inline. */
  callback?: { method: StrPattern; methodNode: ts.Node; gas: AbsValue; gasNode?: ts.Node; node: ts.Node };
  /** `refund:` when given (default: the attached deposit). */
  refund?: { value: AbsValue; node: ts.Node };
  /** `hold:` is given: the amount is held while the flow is in flight. */
  hold: boolean;
  /** Lock keys are taken (the default, or a non-empty `lockKeys`). */
  locks: boolean;
  /** The parameters were not an object literal the analyzer could read. */
  opaque: boolean;
}

/**
 * A promise as near-sdk-js builds it: one receipt (`single`: an account and its actions), two joined with
 * `and`, one awaited by another (`then`: parts[0] then parts[1]), or a guarded flow (`startGuardedCall`).
 */
export interface PromiseNode {
  id: number;
  kind: "single" | "and" | "then" | "guarded";
  account?: AbsValue;
  actions: PromiseAction[];
  parts: PromiseNode[];
  node: ts.Node;
  file: ParsedFile;
  via: CallSite[];
  /** Used as part of a larger promise (so not a root). */
  consumed: boolean;
  guarded?: GuardedCallInfo;
}

/** A reference to the contract's state: the contract object (path "") or a field path ("balances", "token.accounts"). */
export interface StateRef {
  path: string;
  /** Class of the object at this path (the contract's, or a composed object's). */
  cls?: ClassInfo;
}

/** A function the interpreter can follow. */
export interface FunctionRef {
  node: ts.FunctionLikeDeclaration;
  file: ParsedFile;
  name: string;
  /** `this` inside it, for methods. */
  self?: StateRef;
  method?: MethodInfo;
}

/** The abstract value of an expression. */
export interface AbsValue {
  taints: Set<Taint>;
  /** A near-sdk-js (`sdk:near.promiseResult`, `sdk:NearPromise`) or near-callback-guards (`ncg:startGuardedCall`) reference. */
  ref?: string;
  promises: PromiseNode[];
  state?: StateRef;
  fn?: FunctionRef;
  /** A bigint/integer constant. */
  num?: bigint;
  /** A string pattern. */
  str?: StrPattern;
  /** Computed with `+` (credit) and/or `-` (debit) of a non-constant amount. */
  arith: Set<"+" | "-">;
  /** State paths read to compute it. */
  reads: Set<string>;
  /** An object literal (with the frame to evaluate its properties in). */
  object?: { node: ts.ObjectLiteralExpression; frame: unknown };
  /** An array literal's element values. */
  elements?: AbsValue[];
}

/** A value that says nothing. */
export function unknown(): AbsValue {
  return { taints: new Set(), promises: [], arith: new Set(), reads: new Set() };
}

/** A copy of `v` with the fields of `extra`. */
export function withFields(v: AbsValue, extra: Partial<AbsValue>): AbsValue {
  return { ...v, taints: new Set(v.taints), arith: new Set(v.arith), reads: new Set(v.reads), promises: [...v.promises], ...extra };
}

/** What is known of either value (a variable assigned twice, both branches of `?:`). */
export function join(a: AbsValue, b: AbsValue): AbsValue {
  const out = unknown();
  for (const t of a.taints) out.taints.add(t);
  for (const t of b.taints) out.taints.add(t);
  for (const t of a.arith) out.arith.add(t);
  for (const t of b.arith) out.arith.add(t);
  for (const r of a.reads) out.reads.add(r);
  for (const r of b.reads) out.reads.add(r);
  out.promises = [...a.promises, ...b.promises.filter((p) => a.promises.indexOf(p) < 0)];
  out.ref = a.ref === b.ref ? a.ref : (a.ref ?? b.ref);
  out.state = a.state ?? b.state;
  out.fn = a.fn ?? b.fn;
  if (a.num !== undefined && a.num === b.num) out.num = a.num;
  if (a.str && b.str) out.str = joinPatterns(a.str, b.str);
  out.object = a.object ?? b.object;
  return out;
}

/** Taints and reads of `parts` merged into a fresh value (for calls and operators the analyzer does not model). */
export function mix(parts: AbsValue[]): AbsValue {
  const out = unknown();
  for (const p of parts) {
    for (const t of p.taints) out.taints.add(t);
    for (const r of p.reads) out.reads.add(r);
  }
  return out;
}

function joinPatterns(a: StrPattern, b: StrPattern): StrPattern {
  const sa = patternText(a);
  const sb = patternText(b);
  if (sa !== null && sa === sb) return a;
  return [null];
}

/** The pattern's text when it has no hole, else null. */
export function patternText(p: StrPattern | undefined): string | null {
  if (!p || p.some((x) => x === null)) return null;
  return p.join("");
}

/** Concatenation of two patterns, merging adjacent literals and holes. */
export function concatPatterns(a: StrPattern, b: StrPattern): StrPattern {
  const out: StrPattern = [];
  for (const x of [...a, ...b]) {
    const last = out.length ? out[out.length - 1] : undefined;
    if (x === null && last === null) continue;
    if (typeof x === "string" && typeof last === "string") out[out.length - 1] = last + x;
    else out.push(x);
  }
  return out;
}

/**
 * True when `name` can be a value of the pattern. A pattern that is all hole matches nothing: the analyzer
 * does not guess a callback from a fully dynamic name.
 *
 * @example
 * patternMatches(["on_", null], "on_staked"); // true
 */
export function patternMatches(p: StrPattern, name: string): boolean {
  if (!p.some((x) => typeof x === "string" && x.length > 0)) return false;
  let re = "^";
  for (const x of p) re += x === null ? ".*" : x.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(re + "$").test(name);
}

/** Human text of a pattern: `on_*`. */
export function patternToString(p: StrPattern): string {
  return p.map((x) => (x === null ? "*" : x)).join("");
}
