/**
 * The abstract interpreter: walks one exported method of a contract, following the helpers it calls
 * (`this.m()`, `this["m"]()`, `super.m()`, methods of composed objects like `this.token.m()`, functions of
 * the same file or imported from sibling files), and records what the method does to the chain:
 * - the promises it creates, with near-sdk-js's `NearPromise` API (`new`, `functionCall`,
 *   `functionCallWeight`, `transfer`, `and`, `then`), its low-level API (`near.promiseCreate`,
 *   `promiseThen`, `promiseBatchCreate`, `promiseBatchThen`, `promiseBatchAction*`, `promiseAnd`) and this
 *   library's `startGuardedCall`;
 * - the state it writes and reads (fields and collections of the contract, composed objects, raw storage),
 *   with the key (user-keyed or not) and whether the written value was computed by adding (a credit) or
 *   subtracting (a debit) a non-constant amount;
 * - the promise results it reads (`near.promiseResult`, `promiseResultRaw`) and whether a `try` with a
 *   `catch` that does not just rethrow handles their failure;
 * - private checks (`near.predecessorAccountId()` compared with `near.currentAccountId()`,
 *   `assertPrivateCallback`) and Transfers (refunds).
 *
 * Values are tracked flow-insensitively per function (a variable is what its definitions before the use
 * say), which is exact for straight-line contract code and an approximation in loops. Out of reach, and
 * reported as dynamic: `this[name]()` with a name that is not a constant, functions passed around as
 * values, code in other packages (only near-sdk-js and near-callback-guards are known, by their API).
 */
import ts from "typescript";
import { REFUND_GAS, TGAS } from "../../core/gas.js";
import type { Project, ParsedFile } from "./project.js";
import { resolveName } from "./symbols.js";
import { findField, findMethod, type ClassInfo, type MethodInfo } from "./contracts.js";
import {
  concatPatterns,
  join,
  mix,
  unknown,
  withFields,
  type AbsValue,
  type CallSite,
  type FunctionCallAction,
  type FunctionRef,
  type GuardedCallInfo,
  type PromiseNode,
  type StateRef,
  type StrPattern,
  type Taint,
  type TransferAction,
} from "./values.js";

/** A write to contract state. */
export interface StateWrite {
  /** Field path ("balances", "token.accounts") or "storage:<constant key prefix>" for raw storage writes. */
  path: string;
  /** The key is not a constant (a per-user entry of a map, an element of an object or array). */
  keyed: boolean;
  /** A credit (value computed by adding a non-constant amount), a debit (subtracting), a removal, or a plain set. */
  direction: "credit" | "debit" | "set" | "remove";
  node: ts.Node;
  file: ParsedFile;
  via: CallSite[];
  /** Where the key comes from. */
  keyTaints: Set<Taint>;
}

/** A read of contract state. */
export interface StateRead {
  path: string;
  keyed: boolean;
  node: ts.Node;
  file: ParsedFile;
  via: CallSite[];
}

/** A read of a promise result. */
export interface ResultRead {
  node: ts.CallExpression;
  file: ParsedFile;
  via: CallSite[];
  /** Inside a `try` whose `catch` does not only rethrow (here or around the call that led here). */
  handled: boolean;
  /** The result index, when constant. */
  index: bigint | null;
}

/** A place in the code, with the helper calls that led to it. */
export interface Site {
  node: ts.Node;
  file: ParsedFile;
  via: CallSite[];
}

/** What one exported method does, helpers included. */
export interface Effects {
  writes: StateWrite[];
  reads: StateRead[];
  resultReads: ResultRead[];
  /** Calls `near.promiseResultsCount()` (so it can read every result). */
  readsResultsCount: boolean;
  /** Reads outcomes that never throw (`readPromiseOutcomes`) or gets them from the guards' context. */
  readsOutcomes: boolean;
  privateChecks: Site[];
  transfers: TransferAction[];
  /** Every promise created (roots are those not consumed by another). */
  promises: PromiseNode[];
  /** Calls the interpreter could not follow: `this[expr]()` with a dynamic name. */
  dynamicCalls: Site[];
}

type Def = { expr: ts.Expression; props: string[]; end: number };
type ParamBinding = { arg?: ts.Expression; frame?: Frame; props: string[]; value?: AbsValue; init?: ts.Expression };

type CallKind =
  | { kind: "sdk"; ref: string }
  | { kind: "state"; path: string; op: string; cls?: ClassInfo; args: readonly ts.Expression[] }
  | { kind: "dynamic" };

const COLLECTION_WRITES = new Set(["set", "insert", "remove", "push", "pop", "clear", "extend", "replace", "swapRemove", "delete", "add"]);
const COLLECTION_READS = new Set(["get", "has", "containsKey", "contains", "keys", "values", "toArray", "entries", "isEmpty", "length", "at"]);
const PROMISE_ACTIONS = new Set(["functionCall", "functionCallRaw", "functionCallWeight", "functionCallWeightRaw", "transfer", "createAccount", "deployContract", "stake", "addFullAccessKey", "addFullAccessKeyWithNonce", "addAccessKey", "addAccessKeyWithNonce", "deleteKey", "deleteAccount"]);
const MAX_DEPTH = 12;

class Frame {
  readonly locals = new Map<string, Def[]>();
  readonly params = new Map<string, ParamBinding>();
  readonly memo = new Map<ts.Node, AbsValue>();
  readonly callKinds = new Map<ts.Node, CallKind>();
  readonly returns: ts.Expression[] = [];
  readonly inProgress = new Set<ts.Node>();

  constructor(
    readonly file: ParsedFile,
    readonly fn: ts.FunctionLikeDeclaration | undefined,
    readonly self: StateRef | undefined,
    readonly via: CallSite[],
    readonly inTry: boolean,
    readonly depth: number,
    /** Class whose `super` this frame's `this` refers to. */
    readonly cls: ClassInfo | undefined,
    /** Parameters are user input (an exported method). */
    readonly entry: boolean,
  ) {}
}

function isFunctionLike(n: ts.Node): n is ts.FunctionLikeDeclaration {
  return ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n);
}

function strip(e: ts.Expression): ts.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

/** The name a member access uses when it is constant (`a.b`, `a["b"]`). */
function memberName(e: ts.Expression): string | undefined {
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) return e.argumentExpression.text;
  return undefined;
}

function rethrowsOnly(block: ts.Block): boolean {
  return block.statements.length > 0 && block.statements.every((s) => ts.isThrowStatement(s));
}

/**
 * True when `node` sits in the `try` block of a `try` whose `catch` handles the error (does not only
 * rethrow), without leaving the function `boundary`.
 */
export function inHandledTry(node: ts.Node, boundary: ts.Node | undefined): boolean {
  let child: ts.Node = node;
  for (let p = node.parent; p && p !== boundary; child = p, p = p.parent) {
    if (ts.isTryStatement(p) && child === p.tryBlock && p.catchClause && !rethrowsOnly(p.catchClause.block)) return true;
    if (isFunctionLike(p)) return false;
  }
  return false;
}

function bindingNames(name: ts.BindingName, props: string[], out: { name: string; props: string[]; init?: ts.Expression }[], init?: ts.Expression): void {
  if (ts.isIdentifier(name)) {
    out.push({ name: name.text, props, init });
    return;
  }
  if (ts.isObjectBindingPattern(name)) {
    for (const el of name.elements) {
      const key = el.propertyName ? (ts.isIdentifier(el.propertyName) || ts.isStringLiteral(el.propertyName) ? el.propertyName.text : undefined) : ts.isIdentifier(el.name) ? el.name.text : undefined;
      if (el.dotDotDotToken) continue;
      bindingNames(el.name, key === undefined ? [...props, "\u0000"] : [...props, key], out, el.initializer);
    }
    return;
  }
  name.elements.forEach((el, i) => {
    if (ts.isBindingElement(el) && !el.dotDotDotToken) bindingNames(el.name, [...props, String(i)], out, el.initializer);
  });
}

/**
 * Interprets one exported method (and what it calls) of a contract.
 *
 * @example
 * const effects = new Interpreter(project).run(method, { path: "", cls: contract.cls });
 */
export class Interpreter {
  readonly effects: Effects = { writes: [], reads: [], resultReads: [], readsResultsCount: false, readsOutcomes: false, privateChecks: [], transfers: [], promises: [], dynamicCalls: [] };
  private nextId = 1;
  private readonly stack: ts.Node[] = [];
  private readonly moduleFrames = new Map<ParsedFile, Frame>();

  constructor(private readonly project: Project) {}

  /** Interprets `method` as an exported method whose `this` is `self`. */
  run(method: MethodInfo, self: StateRef | undefined): Effects {
    const frame = new Frame(method.file, method.node, self, [], false, 0, method.owner ?? undefined, true);
    this.enter(frame, []);
    return this.effects;
  }

  // ---- frames -------------------------------------------------------------------------------------

  private enter(frame: Frame, args: readonly ts.Expression[], caller?: Frame): void {
    const fn = frame.fn;
    if (!fn || !fn.body) return;
    // Parameters.
    fn.parameters.forEach((p, i) => {
      const names: { name: string; props: string[]; init?: ts.Expression }[] = [];
      bindingNames(p.name, [], names, p.initializer);
      for (const n of names) {
        if (frame.entry) frame.params.set(n.name, { props: n.props, value: withFields(unknown(), { taints: new Set<Taint>(["arg"]) }) });
        else if (caller && args[i] && !p.dotDotDotToken) frame.params.set(n.name, { arg: args[i], frame: caller, props: n.props, init: n.init });
        else frame.params.set(n.name, { props: n.props, init: n.init, value: n.init ? undefined : unknown() });
      }
    });
    // Local definitions (nested functions included: their names rarely collide in contract code).
    const collect = (n: ts.Node) => {
      if (ts.isVariableDeclaration(n) && n.initializer) {
        const names: { name: string; props: string[] }[] = [];
        bindingNames(n.name, [], names);
        for (const x of names) this.addDef(frame, x.name, { expr: n.initializer, props: x.props, end: n.end });
      } else if (ts.isBinaryExpression(n) && ts.isIdentifier(n.left) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
        this.addDef(frame, n.left.text, { expr: n.operatorToken.kind === ts.SyntaxKind.EqualsToken ? n.right : n, props: [], end: n.end });
      } else if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) && n !== fn) {
        return; // nested declarations are resolved when called
      }
      ts.forEachChild(n, collect);
    };
    ts.forEachChild(fn.body, collect);
    // Nested function parameters are unknown values (e.g. the element of a forEach).
    const nestedParams = (n: ts.Node) => {
      if (isFunctionLike(n) && n !== fn) {
        for (const p of n.parameters) {
          const names: { name: string; props: string[] }[] = [];
          bindingNames(p.name, [], names);
          for (const x of names) if (!frame.params.has(x.name)) frame.params.set(x.name, { props: [], value: unknown() });
        }
      }
      ts.forEachChild(n, nestedParams);
    };
    ts.forEachChild(fn.body, nestedParams);
    this.stack.push(fn);
    try {
      this.walk(fn.body, frame, fn);
    } finally {
      this.stack.pop();
    }
  }

  private addDef(frame: Frame, name: string, def: Def): void {
    const list = frame.locals.get(name);
    if (list) list.push(def);
    else frame.locals.set(name, [def]);
  }

  private moduleFrame(file: ParsedFile): Frame {
    let f = this.moduleFrames.get(file);
    if (!f) {
      f = new Frame(file, undefined, undefined, [], false, 0, undefined, false);
      this.moduleFrames.set(file, f);
    }
    return f;
  }

  // ---- walking: effects ---------------------------------------------------------------------------

  private site(node: ts.Node, frame: Frame): { node: ts.Node; file: ParsedFile; via: CallSite[] } {
    return { node, file: frame.file, via: frame.via };
  }

  private walk(node: ts.Node, frame: Frame, fn: ts.Node): void {
    const visit = (n: ts.Node, owner: ts.Node) => {
      if (ts.isClassDeclaration(n) || ts.isClassExpression(n) || ts.isFunctionDeclaration(n)) return;
      if (isFunctionLike(n) && n !== fn) {
        if (n.body) visit(n.body, n);
        return;
      }
      if (ts.isReturnStatement(n) && n.expression && owner === fn) frame.returns.push(n.expression);
      if (ts.isCallExpression(n)) this.callEffects(n, frame);
      else if (ts.isBinaryExpression(n)) this.binaryEffects(n, frame);
      else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
        this.assignTarget(n.operand, n.operator === ts.SyntaxKind.PlusPlusToken ? "set" : "set", n, frame);
      } else if (ts.isDeleteExpression(n)) this.assignTarget(n.expression, "remove", n, frame);
      ts.forEachChild(n, (c) => visit(c, owner));
    };
    visit(node, fn);
  }

  private callEffects(call: ts.CallExpression, frame: Frame): void {
    this.valueOf(call, frame); // builds promises and follows helpers (memoized)
    const kind = frame.callKinds.get(call);
    if (!kind) return;
    if (kind.kind === "dynamic") {
      this.effects.dynamicCalls.push(this.site(call, frame));
      return;
    }
    if (kind.kind === "state") {
      const [key, value] = kind.args;
      const keyValue = key ? this.valueOf(key, frame) : undefined;
      const keyed = key ? !this.isConstant(keyValue!) : kind.op === "push" || kind.op === "pop" || kind.op === "clear" || kind.op === "extend";
      if (COLLECTION_WRITES.has(kind.op)) {
        const direction = kind.op === "remove" || kind.op === "delete" ? "remove" : value && (kind.op === "set" || kind.op === "insert") ? this.direction(this.valueOf(value, frame)) : "set";
        this.effects.writes.push({ path: kind.path, keyed, direction, keyTaints: keyValue?.taints ?? new Set(), ...this.site(call, frame) });
      } else {
        this.effects.reads.push({ path: kind.path, keyed, ...this.site(call, frame) });
      }
      return;
    }
    const ref = kind.ref;
    if (ref === "sdk:near.promiseResult" || ref === "sdk:near.promiseResultRaw") {
      const idx = call.arguments[0] ? this.valueOf(call.arguments[0], frame).num : undefined;
      this.effects.resultReads.push({ ...this.site(call, frame), node: call, handled: frame.inTry || inHandledTry(call, frame.fn), index: idx ?? null });
    } else if (ref === "sdk:near.promiseResultsCount") this.effects.readsResultsCount = true;
    else if (ref === "ncg:readPromiseOutcomes") this.effects.readsOutcomes = true;
    else if (ref === "ncg:assertPrivateCallback") this.effects.privateChecks.push(this.site(call, frame));
    else if (ref === "sdk:near.storageWrite" || ref === "sdk:near.storageWriteRaw" || ref === "sdk:near.storageRemove" || ref === "sdk:near.storageRemoveRaw") {
      const key = call.arguments[0] ? this.valueOf(call.arguments[0], frame) : unknown();
      const remove = ref.indexOf("Remove") >= 0;
      const value = !remove && call.arguments[1] ? this.valueOf(call.arguments[1], frame) : undefined;
      this.effects.writes.push({ path: this.storagePath(key), keyed: !this.isConstant(key), direction: remove ? "remove" : value ? this.direction(value) : "set", keyTaints: key.taints, ...this.site(call, frame) });
    } else if (ref === "sdk:near.storageRead" || ref === "sdk:near.storageReadRaw" || ref === "sdk:near.storageHasKey" || ref === "sdk:near.storageHasKeyRaw") {
      const key = call.arguments[0] ? this.valueOf(call.arguments[0], frame) : unknown();
      this.effects.reads.push({ path: this.storagePath(key), keyed: !this.isConstant(key), ...this.site(call, frame) });
    }
  }

  private binaryEffects(b: ts.BinaryExpression, frame: Frame): void {
    const op = b.operatorToken.kind;
    if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) {
      let direction: StateWrite["direction"] = "set";
      if (op === ts.SyntaxKind.EqualsToken) direction = this.direction(this.valueOf(b.right, frame));
      else if (op === ts.SyntaxKind.PlusEqualsToken || op === ts.SyntaxKind.MinusEqualsToken) {
        const amount = this.valueOf(b.right, frame);
        direction = this.isConstant(amount) || amount.str ? "set" : op === ts.SyntaxKind.PlusEqualsToken ? "credit" : "debit";
      }
      this.assignTarget(b.left, direction, b, frame);
      return;
    }
    if (op === ts.SyntaxKind.EqualsEqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.ExclamationEqualsToken) {
      const l = this.valueOf(b.left, frame).taints;
      const r = this.valueOf(b.right, frame).taints;
      if ((l.has("predecessor") && r.has("current")) || (l.has("current") && r.has("predecessor"))) this.effects.privateChecks.push(this.site(b, frame));
    }
  }

  /** Records a write when `target` (the left side of an assignment) is contract state. */
  private assignTarget(target: ts.Expression, direction: StateWrite["direction"], node: ts.Node, frame: Frame): void {
    let e = strip(target);
    let keyed = false;
    let keyTaints = new Set<Taint>();
    // Walk down to the state object: this.balances[user].x = ..., this.total = ...
    for (let i = 0; i < 8; i++) {
      if (ts.isElementAccessExpression(e)) {
        const k = this.valueOf(e.argumentExpression, frame);
        if (!this.isConstant(k)) {
          keyed = true;
          keyTaints = k.taints;
        }
        const base = this.valueOf(e.expression, frame);
        if (base.state) {
          this.effects.writes.push({ path: base.state.path, keyed, direction, keyTaints, ...this.site(node, frame) });
          return;
        }
        e = strip(e.expression);
        continue;
      }
      if (ts.isPropertyAccessExpression(e)) {
        const v = this.valueOf(e, frame);
        if (v.state && v.state.path !== "") {
          this.effects.writes.push({ path: v.state.path, keyed, direction, keyTaints, ...this.site(node, frame) });
          return;
        }
        e = strip(e.expression);
        continue;
      }
      return;
    }
  }

  /** Raw storage is told apart by the constant start of its key: `storage:op:` for `"op:" + user`. */
  private storagePath(key: AbsValue): string {
    const head = key.str && typeof key.str[0] === "string" ? key.str[0] : "";
    return "storage:" + head;
  }

  private direction(v: AbsValue): StateWrite["direction"] {
    if (v.arith.has("-") && !v.arith.has("+")) return "debit";
    if (v.arith.has("+") && !v.arith.has("-")) return "credit";
    return "set";
  }

  private isConstant(v: AbsValue): boolean {
    return v.num !== undefined || (v.str !== undefined && v.str.every((x) => x !== null));
  }

  // ---- values -------------------------------------------------------------------------------------

  /**
   * The abstract value of `expr` evaluated in `frame` (memoized per frame and node, so that promise
   * actions are appended once).
   */
  valueOf(expr: ts.Expression, frame: Frame): AbsValue {
    const hit = frame.memo.get(expr);
    if (hit) return hit;
    if (frame.inProgress.has(expr)) return unknown();
    frame.inProgress.add(expr);
    let v: AbsValue;
    try {
      v = this.compute(expr, frame);
    } finally {
      frame.inProgress.delete(expr);
    }
    frame.memo.set(expr, v);
    return v;
  }

  private compute(expr: ts.Expression, frame: Frame): AbsValue {
    const e = expr;
    if (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isTypeAssertionExpression(e) || ts.isSatisfiesExpression(e) || ts.isAwaitExpression(e)) {
      return this.valueOf(e.expression, frame);
    }
    if (ts.isNumericLiteral(e)) {
      const t = e.text.replace(/_/g, "");
      return /^\d+$/.test(t) ? withFields(unknown(), { num: BigInt(t) }) : /^\d+(\.\d+)?e\d+$/i.test(t) ? this.sciToBig(t) : unknown();
    }
    if (ts.isBigIntLiteral(e)) return withFields(unknown(), { num: BigInt(e.text.replace(/_/g, "").slice(0, -1)) });
    if (ts.isStringLiteralLike(e)) return withFields(unknown(), { str: [e.text] });
    if (ts.isTemplateExpression(e)) {
      let p: StrPattern = [e.head.text];
      const parts: AbsValue[] = [];
      for (const span of e.templateSpans) {
        const v = this.valueOf(span.expression, frame);
        parts.push(v);
        const piece: StrPattern = v.str ? v.str : v.num !== undefined ? [v.num.toString()] : [null];
        p = concatPatterns(concatPatterns(p, piece), [span.literal.text]);
      }
      return withFields(mix(parts), { str: p });
    }
    if (e.kind === ts.SyntaxKind.ThisKeyword) return withFields(unknown(), { state: frame.self });
    if (e.kind === ts.SyntaxKind.SuperKeyword) return withFields(unknown(), { state: frame.self });
    if (ts.isIdentifier(e)) return this.identifier(e, frame);
    if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return this.member(e, frame);
    if (ts.isCallExpression(e)) return this.call(e, frame);
    if (ts.isNewExpression(e)) {
      const args = (e.arguments ?? []).map((a) => this.valueOf(a, frame));
      return mix(args);
    }
    if (ts.isBinaryExpression(e)) return this.binary(e, frame);
    if (ts.isConditionalExpression(e)) return join(this.valueOf(e.whenTrue, frame), this.valueOf(e.whenFalse, frame));
    if (ts.isPrefixUnaryExpression(e)) {
      const v = this.valueOf(e.operand, frame);
      if (e.operator === ts.SyntaxKind.MinusToken && v.num !== undefined) return withFields(unknown(), { num: -v.num });
      return mix([v]);
    }
    if (ts.isObjectLiteralExpression(e)) return withFields(unknown(), { object: { node: e, frame } });
    if (ts.isArrayLiteralExpression(e)) {
      const elements = e.elements.map((x) => this.valueOf(ts.isSpreadElement(x) ? x.expression : x, frame));
      return withFields(mix(elements), { elements, promises: elements.flatMap((x) => x.promises) });
    }
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return withFields(unknown(), { fn: { node: e, file: frame.file, name: "<function>", self: frame.self } });
    return unknown();
  }

  private sciToBig(t: string): AbsValue {
    const [m, x] = t.toLowerCase().split("e");
    const [i, f = ""] = m.split(".");
    const exp = Number(x) - f.length;
    if (exp < 0) return unknown();
    return withFields(unknown(), { num: BigInt(i + f) * 10n ** BigInt(exp) });
  }

  private identifier(id: ts.Identifier, frame: Frame): AbsValue {
    const name = id.text;
    if (name === "undefined") return unknown();
    const defs = frame.locals.get(name);
    if (defs && defs.length) {
      const before = defs.filter((d) => d.end <= id.pos);
      const use = before.length ? [before[before.length - 1]] : defs;
      let v: AbsValue | undefined;
      for (const d of use) {
        let x = this.valueOf(d.expr, frame);
        for (const p of d.props) x = this.property(x, p, frame);
        v = v ? join(v, x) : x;
      }
      return v ?? unknown();
    }
    const param = frame.params.get(name);
    if (param) {
      if (param.value) return param.value;
      let v = param.arg && param.frame ? this.valueOf(param.arg, param.frame) : param.init ? this.valueOf(param.init, frame) : unknown();
      for (const p of param.props) v = this.property(v, p, param.frame ?? frame);
      if (param.init && param.arg && v.promises.length === 0 && v.taints.size === 0 && v.num === undefined && !v.str) v = this.valueOf(param.init, frame);
      return v;
    }
    const b = resolveName(this.project, frame.file, name);
    if (!b) return withFields(unknown(), { ref: "global:" + name });
    if (b.kind === "sdk") return withFields(unknown(), { ref: "sdk:" + b.name });
    if (b.kind === "ncg") {
      return this.ncgConstant(b.name);
    }
    if (b.kind === "package") return withFields(unknown(), { ref: `pkg:${b.module}:${b.name}` });
    if (ts.isFunctionDeclaration(b.node)) return withFields(unknown(), { fn: { node: b.node, file: b.file, name } });
    if (ts.isVariableDeclaration(b.node) && b.node.initializer) {
      const init = b.node.initializer;
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return withFields(unknown(), { fn: { node: init, file: b.file, name } });
      const mf = this.moduleFrame(b.file);
      return this.valueOf(init, mf);
    }
    return unknown();
  }

  /** The value of property `name` of a value. */
  private property(v: AbsValue, name: string, frame: Frame): AbsValue {
    if (v.ref) {
      if (v.ref === "sdk:*") return withFields(unknown(), { ref: "sdk:" + name, num: name === "ONE_TERA_GAS" ? 1_000_000_000_000n : undefined });
      if (v.ref === "ncg:*") return this.ncgConstant(name);
      if (v.ref.startsWith("sdk:")) return withFields(unknown(), { ref: v.ref + "." + name });
      if (v.ref === "global:JSON" || v.ref === "global:Math" || v.ref === "global:BigInt" || v.ref === "global:Object" || v.ref === "global:Number") return withFields(unknown(), { ref: v.ref + "." + name });
    }
    if (v.state) {
      const cls = v.state.cls;
      const m = findMethod(cls, name);
      if (m) return withFields(unknown(), { fn: { node: m.node as ts.FunctionLikeDeclaration, file: m.file, name, self: v.state, method: m } });
      const field = findField(cls, name);
      const path = v.state.path ? v.state.path + "." + name : name;
      return withFields(unknown(), { state: { path, cls: field?.cls }, reads: new Set([path]) });
    }
    if (v.object) {
      const objFrame = v.object.frame as Frame;
      for (const p of v.object.node.properties) {
        if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return this.valueOf(p.initializer, objFrame);
        if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return this.valueOf(p.name, objFrame);
      }
      return unknown();
    }
    if (v.elements && /^\d+$/.test(name)) return v.elements[Number(name)] ?? unknown();
    return mix([v]);
  }

  private ncgConstant(name: string): AbsValue {
    if (name === "TGAS") return withFields(unknown(), { num: TGAS, ref: "ncg:TGAS" });
    if (name === "REFUND_GAS") return withFields(unknown(), { num: REFUND_GAS, ref: "ncg:REFUND_GAS" });
    return withFields(unknown(), { ref: "ncg:" + name });
  }

  private member(e: ts.PropertyAccessExpression | ts.ElementAccessExpression, frame: Frame): AbsValue {
    const base = this.valueOf(e.expression, frame);
    let name = memberName(e);
    if (name === undefined && ts.isElementAccessExpression(e)) {
      const k = this.valueOf(e.argumentExpression, frame);
      if (k.str && k.str.every((x) => x !== null)) name = k.str.join("");
      else if (k.num !== undefined) name = k.num.toString();
      else {
        // a dynamic key: an entry of a map-like field (this.balances[user]) or an unknown member
        const out = mix([base, k]);
        if (base.state && base.state.path) out.reads.add(base.state.path);
        return out;
      }
    }
    if (base.state && e.expression.kind === ts.SyntaxKind.SuperKeyword) {
      const m = findMethod(frame.cls?.base, name!);
      if (m) return withFields(unknown(), { fn: { node: m.node as ts.FunctionLikeDeclaration, file: m.file, name: name!, self: base.state, method: m } });
    }
    return this.property(base, name!, frame);
  }

  private binary(b: ts.BinaryExpression, frame: Frame): AbsValue {
    const op = b.operatorToken.kind;
    if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) {
      return op === ts.SyntaxKind.EqualsToken ? this.valueOf(b.right, frame) : mix([this.valueOf(b.left, frame), this.valueOf(b.right, frame)]);
    }
    const l = this.valueOf(b.left, frame);
    const r = this.valueOf(b.right, frame);
    if (op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.AmpersandAmpersandToken) return join(l, r);
    const out = mix([l, r]);
    if (op === ts.SyntaxKind.PlusToken && (l.str || r.str)) {
      const ls: StrPattern = l.str ?? (l.num !== undefined ? [l.num.toString()] : [null]);
      const rs: StrPattern = r.str ?? (r.num !== undefined ? [r.num.toString()] : [null]);
      out.str = concatPatterns(ls, rs);
      return out;
    }
    if (l.num !== undefined && r.num !== undefined) {
      const x = l.num;
      const y = r.num;
      if (op === ts.SyntaxKind.AsteriskToken) out.num = x * y;
      else if (op === ts.SyntaxKind.PlusToken) out.num = x + y;
      else if (op === ts.SyntaxKind.MinusToken) out.num = x - y;
      else if (op === ts.SyntaxKind.SlashToken && y !== 0n) out.num = x / y;
      else if (op === ts.SyntaxKind.AsteriskAsteriskToken && y >= 0n && y < 100n) out.num = x ** y;
      return out;
    }
    if (op === ts.SyntaxKind.PlusToken || op === ts.SyntaxKind.MinusToken) {
      for (const a of l.arith) out.arith.add(a);
      for (const a of r.arith) out.arith.add(a);
      // A constant step (+ 1, - 1n) is a counter, not an amount.
      if (l.num === undefined && r.num === undefined) out.arith.add(op === ts.SyntaxKind.PlusToken ? "+" : "-");
      return out;
    }
    if (op === ts.SyntaxKind.AsteriskToken || op === ts.SyntaxKind.SlashToken) {
      for (const a of l.arith) out.arith.add(a);
      for (const a of r.arith) out.arith.add(a);
    }
    return out;
  }

  // ---- calls --------------------------------------------------------------------------------------

  private call(c: ts.CallExpression, frame: Frame): AbsValue {
    const callee = strip(c.expression);
    const args = c.arguments;
    // Method-style calls: receiver.m(...)
    if (ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee)) {
      let name = memberName(callee);
      const recv = this.valueOf(callee.expression, frame);
      if (name === undefined && ts.isElementAccessExpression(callee)) {
        const k = this.valueOf(callee.argumentExpression, frame);
        const text = k.str && k.str.every((x) => x !== null) ? k.str.join("") : undefined;
        if (text === undefined) {
          if (recv.state) frame.callKinds.set(c, { kind: "dynamic" });
          return mix([recv, ...args.map((a) => this.valueOf(a, frame))]);
        }
        name = text;
      }
      const n = name!;
      if (recv.promises.length && (PROMISE_ACTIONS.has(n) || n === "and" || n === "then" || n === "asReturn" || n === "build" || n === "onReturn" || n === "constructRecursively")) {
        return this.promiseMethod(c, recv, n, frame);
      }
      if (recv.state && callee.expression.kind !== ts.SyntaxKind.SuperKeyword) {
        const m = findMethod(recv.state.cls, n);
        if (m) return this.invoke({ node: m.node as ts.FunctionLikeDeclaration, file: m.file, name: n, self: recv.state, method: m }, c, frame);
        if (recv.state.path && (COLLECTION_WRITES.has(n) || COLLECTION_READS.has(n))) {
          frame.callKinds.set(c, { kind: "state", path: recv.state.path, op: n, cls: recv.state.cls, args });
          const out = mix(args.map((a) => this.valueOf(a, frame)));
          out.reads.add(recv.state.path);
          return out;
        }
      }
      const fnValue = this.valueOf(callee, frame);
      if (fnValue.fn) return this.invoke(fnValue.fn, c, frame);
      if (fnValue.ref) return this.refCall(fnValue.ref, c, frame);
      if (n === "toString" || n === "valueOf" || n === "toFixed" || n === "trim") return withFields(recv, { promises: [] });
      return mix([recv, ...args.map((a) => this.valueOf(a, frame))]);
    }
    const f = this.valueOf(callee, frame);
    if (f.fn) return this.invoke(f.fn, c, frame);
    if (f.ref) return this.refCall(f.ref, c, frame);
    return mix(args.map((a) => this.valueOf(a, frame)));
  }

  private arg(c: ts.CallExpression, i: number, frame: Frame): AbsValue {
    return c.arguments[i] ? this.valueOf(c.arguments[i], frame) : unknown();
  }

  private refCall(ref: string, c: ts.CallExpression, frame: Frame): AbsValue {
    frame.callKinds.set(c, { kind: "sdk", ref });
    const a = (i: number) => this.arg(c, i, frame);
    switch (ref) {
      case "sdk:near.attachedDeposit":
        return withFields(unknown(), { taints: new Set<Taint>(["attached"]) });
      case "sdk:near.predecessorAccountId":
      case "sdk:near.signerAccountId":
        return withFields(unknown(), { taints: new Set<Taint>(["predecessor"]) });
      case "sdk:near.currentAccountId":
        return withFields(unknown(), { taints: new Set<Taint>(["current"]) });
      case "sdk:near.promiseResult":
      case "sdk:near.promiseResultRaw":
        return withFields(unknown(), { taints: new Set<Taint>(["promiseResult"]) });
      case "sdk:NearPromise.new":
        return this.newPromise(c, frame, "single", a(0));
      case "sdk:near.promiseCreate":
      case "sdk:near.promiseCreateRaw": {
        const p = this.newPromise(c, frame, "single", a(0));
        this.appendCall(p.promises[0], c, 1, frame, undefined);
        return p;
      }
      case "sdk:near.promiseBatchCreate":
        return this.newPromise(c, frame, "single", a(0));
      case "sdk:near.promiseThen":
      case "sdk:near.promiseThenRaw":
      case "sdk:near.promiseBatchThen": {
        const first = a(0).promises;
        const next = this.makeNode("single", c, frame, a(1));
        if (ref !== "sdk:near.promiseBatchThen") this.appendCall(next, c, 2, frame, undefined);
        if (!first.length) return withFields(unknown(), { promises: [next] });
        const nodes = first.map((f) => this.makeThen(f, next, c, frame));
        return withFields(unknown(), { promises: nodes });
      }
      case "sdk:near.promiseBatchActionFunctionCall":
      case "sdk:near.promiseBatchActionFunctionCallRaw":
        for (const p of a(0).promises) this.appendCall(p, c, 1, frame, undefined);
        return unknown();
      case "sdk:near.promiseBatchActionFunctionCallWeight":
      case "sdk:near.promiseBatchActionFunctionCallWeightRaw":
        for (const p of a(0).promises) this.appendCall(p, c, 1, frame, c.arguments[5]);
        return unknown();
      case "sdk:near.promiseBatchActionTransfer":
        for (const p of a(0).promises) this.appendTransfer(p, c, c.arguments[1], frame);
        return unknown();
      case "sdk:near.promiseAnd": {
        const parts = c.arguments.flatMap((x) => this.valueOf(ts.isSpreadElement(x) ? x.expression : x, frame).promises);
        if (!parts.length) return unknown();
        const node = this.makeNode("and", c, frame);
        node.parts = parts;
        for (const p of parts) p.consumed = true;
        return withFields(unknown(), { promises: [node] });
      }
      case "sdk:near.promiseReturn":
        return unknown();
      case "ncg:startGuardedCall":
        return this.guarded(c, frame);
      case "global:BigInt":
      case "global:Number":
      case "global:String": {
        const v = a(0);
        if (v.str && v.str.length === 1 && typeof v.str[0] === "string" && /^\d+$/.test(v.str[0])) return withFields(v, { num: BigInt(v.str[0]), str: undefined, promises: [] });
        return withFields(v, { promises: [] });
      }
      case "global:Math.max":
      case "global:Math.min":
        return c.arguments.map((x) => this.valueOf(x, frame)).reduce((x, y) => join(x, y), unknown());
      case "ncg:parseU128":
      case "ncg:assertU128":
      case "ncg:parseAccountId":
        return withFields(a(0), { promises: [] });
      default:
        if (ref.startsWith("sdk:near.promiseBatchAction")) {
          for (const p of a(0).promises) this.target(p).actions.push({ kind: "other", node: c });
          return unknown();
        }
        return mix(c.arguments.map((x) => this.valueOf(x, frame)));
    }
  }

  private makeNode(kind: PromiseNode["kind"], node: ts.Node, frame: Frame, account?: AbsValue): PromiseNode {
    const p: PromiseNode = { id: this.nextId++, kind, account, actions: [], parts: [], node, file: frame.file, via: frame.via, consumed: false };
    this.effects.promises.push(p);
    return p;
  }

  private makeThen(first: PromiseNode, next: PromiseNode, node: ts.Node, frame: Frame): PromiseNode {
    const t = this.makeNode("then", node, frame);
    t.parts = [first, next];
    first.consumed = true;
    next.consumed = true;
    return t;
  }

  private newPromise(c: ts.CallExpression, frame: Frame, kind: PromiseNode["kind"], account: AbsValue): AbsValue {
    return withFields(unknown(), { promises: [this.makeNode(kind, c, frame, account)] });
  }

  /** The receipt that actions added to `p` go to (the awaiting one, for a `then`). */
  private target(p: PromiseNode): PromiseNode {
    let t = p;
    for (let i = 0; i < 32 && t.kind === "then"; i++) t = t.parts[1];
    return t;
  }

  /** Appends a function call whose method name is argument `at` of `c` (args, deposit and gas follow). */
  private appendCall(p: PromiseNode, c: ts.CallExpression, at: number, frame: Frame, weight: ts.Expression | undefined): void {
    const m = c.arguments[at];
    const deposit = c.arguments[at + 2];
    const gas = c.arguments[at + 3];
    const action: FunctionCallAction = {
      kind: "functionCall",
      method: m ? (this.valueOf(m, frame).str ?? [null]) : [null],
      methodNode: m ?? c,
      deposit: deposit ? this.valueOf(deposit, frame) : withFields(unknown(), { num: 0n }),
      depositNode: deposit,
      gas: gas ? this.valueOf(gas, frame) : withFields(unknown(), { num: 0n }),
      gasNode: gas,
      weight: weight ? this.valueOf(weight, frame) : undefined,
      node: c,
      file: frame.file,
      via: frame.via,
    };
    if (c.arguments[at + 1]) this.valueOf(c.arguments[at + 1], frame);
    this.target(p).actions.push(action);
  }

  private appendTransfer(p: PromiseNode, c: ts.CallExpression, amount: ts.Expression | undefined, frame: Frame): void {
    const t: TransferAction = { kind: "transfer", amount: amount ? this.valueOf(amount, frame) : unknown(), node: c, file: frame.file, via: frame.via };
    this.target(p).actions.push(t);
    this.effects.transfers.push(t);
  }

  private promiseMethod(c: ts.CallExpression, recv: AbsValue, name: string, frame: Frame): AbsValue {
    if (name === "functionCall" || name === "functionCallRaw") {
      for (const p of recv.promises) this.appendCall(p, c, 0, frame, undefined);
      return withFields(unknown(), { promises: recv.promises });
    }
    if (name === "functionCallWeight" || name === "functionCallWeightRaw") {
      for (const p of recv.promises) this.appendCall(p, c, 0, frame, c.arguments[4]);
      return withFields(unknown(), { promises: recv.promises });
    }
    if (name === "transfer") {
      for (const p of recv.promises) this.appendTransfer(p, c, c.arguments[0], frame);
      return withFields(unknown(), { promises: recv.promises });
    }
    if (PROMISE_ACTIONS.has(name)) {
      for (const p of recv.promises) this.target(p).actions.push({ kind: "other", node: c });
      c.arguments.forEach((x) => this.valueOf(x, frame));
      return withFields(unknown(), { promises: recv.promises });
    }
    if (name === "and" || name === "then") {
      const other = this.arg(c, 0, frame).promises;
      if (!other.length) return withFields(unknown(), { promises: recv.promises });
      const nodes = recv.promises.map((p) => {
        if (name === "then") return this.makeThen(p, other[0], c, frame);
        const n = this.makeNode("and", c, frame);
        n.parts = [p, other[0]];
        p.consumed = true;
        other[0].consumed = true;
        return n;
      });
      return withFields(unknown(), { promises: nodes });
    }
    if (name === "asReturn") return withFields(unknown(), { promises: recv.promises });
    return unknown(); // build(), onReturn(), constructRecursively(): a promise index
  }

  private guarded(c: ts.CallExpression, frame: Frame): AbsValue {
    const node = this.makeNode("guarded", c, frame);
    const info: GuardedCallInfo = { node: c, file: frame.file, via: frame.via, calls: [], hold: false, locks: true, opaque: true };
    node.guarded = info;
    const params = this.arg(c, 0, frame);
    if (params.object) {
      info.opaque = false;
      const prop = (v: AbsValue, name: string): { value: AbsValue; node?: ts.Node } => {
        if (!v.object) return { value: unknown() };
        const of = v.object.frame as Frame;
        for (const p of v.object.node.properties) {
          if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) return { value: this.valueOf(p.initializer, of), node: p.initializer };
          if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return { value: this.valueOf(p.name, of), node: p.name };
        }
        return { value: unknown() };
      };
      const call = prop(params, "call");
      const calls = call.value.elements ?? (call.value.object ? [call.value] : []);
      for (const cv of calls) {
        const dep = prop(cv, "deposit");
        const method = prop(cv, "method");
        info.calls.push({ deposit: dep.node ? dep.value : withFields(unknown(), { num: 0n }), depositNode: dep.node, gas: prop(cv, "gas").value, node: call.node ?? c, method: method.value.str ?? [null] });
      }
      const cb = prop(params, "callback");
      if (cb.value.object) {
        const method = prop(cb.value, "method");
        const gas = prop(cb.value, "gas");
        info.callback = { method: method.value.str ?? [null], methodNode: method.node ?? cb.node ?? c, gas: gas.value, gasNode: gas.node, node: cb.node ?? c };
      }
      info.hold = prop(params, "hold").node !== undefined;
      const lockKeys = prop(params, "lockKeys");
      if (lockKeys.node && ts.isArrayLiteralExpression(lockKeys.node) && lockKeys.node.elements.length === 0) info.locks = false;
      if (lockKeys.node && ts.isConditionalExpression(lockKeys.node)) info.locks = false; // not always
      const refund = prop(params, "refund");
      if (refund.node) info.refund = { value: refund.value, node: refund.node };
    }
    return withFields(unknown(), { promises: [node] });
  }

  /** Calls a helper: interprets its body with the arguments bound, returns what it returns. */
  private invoke(fn: FunctionRef, c: ts.CallExpression, frame: Frame): AbsValue {
    const args = c.arguments.map((a) => a);
    for (const a of args) this.valueOf(a, frame);
    if (!fn.node.body || frame.depth >= MAX_DEPTH || this.stack.indexOf(fn.node) >= 0) return mix(args.map((a) => this.valueOf(a, frame)));
    const callee = new Frame(
      fn.file,
      fn.node,
      fn.self,
      [...frame.via, { file: frame.file, node: c, callee: fn.name }],
      frame.inTry || inHandledTry(c, frame.fn),
      frame.depth + 1,
      fn.method?.owner ?? (fn.self === frame.self ? frame.cls : fn.self?.cls),
      false,
    );
    this.enter(callee, args, frame);
    if (fn.node.body && !ts.isBlock(fn.node.body)) return this.valueOf(fn.node.body, callee);
    let out: AbsValue | undefined;
    for (const r of callee.returns) out = out ? join(out, this.valueOf(r, callee)) : this.valueOf(r, callee);
    return out ?? unknown();
  }
}
