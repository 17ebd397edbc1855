/**
 * The contracts of a file as near-sdk-js sees them: `@NearBindgen(...)` classes with their methods,
 * decorators (`@call({ privateFunction, payableFunction })`, `@view`, `@initialize`, `@migrate`, the guards),
 * fields (state: plain fields and collections, objects of other classes composed in), and base classes
 * resolved across files; and function-style contracts (a module exporting plain functions that use
 * near-sdk-js's low-level API, as its `*-lowlevel.js` examples do).
 */
import ts from "typescript";
import type { ParsedFile, Project } from "./project.js";
import { moduleScope, resolveName, type Binding } from "./symbols.js";

/** near-sdk-js's method decorators. */
export type SdkMethodKind = "call" | "view" | "initialize" | "migrate";
const SDK_METHOD_KINDS: readonly string[] = ["call", "view", "initialize", "migrate"];
/** The decorators of near-callback-guards. */
export const GUARD_NAMES: readonly string[] = ["privateCallback", "withRefundOnFailure", "deferCredit", "pendingLock"];

/** A decorator, resolved. */
export interface DecoratorInfo {
  node: ts.Decorator;
  /** near-sdk-js decorator it stands for (whatever it is imported as). */
  sdk?: SdkMethodKind | "NearBindgen" | "middleware";
  /** Guard it stands for. */
  guard?: string;
  /** Its options object literal, when written inline (`@call({ privateFunction: true })`). */
  options?: ts.ObjectLiteralExpression;
}

/** A method (or, for function-style contracts, an exported function). */
export interface MethodInfo {
  name: string;
  /** The declaration: a class method, or a function / arrow function for function-style contracts. */
  node: ts.MethodDeclaration | ts.FunctionDeclaration | ts.FunctionExpression | ts.ArrowFunction;
  /** Node to report at for the method itself (its name). */
  nameNode: ts.Node;
  file: ParsedFile;
  owner: ClassInfo | null;
  decorators: DecoratorInfo[];
  /** The near-sdk-js decorator among its decorators, if any. */
  sdkKind: SdkMethodKind | null;
  /** `@call({ privateFunction: true })`. */
  privateFunction: boolean;
  /** `@call({ payableFunction: true })`. */
  payableFunction: boolean;
  /** Guards among its decorators. */
  guards: Set<string>;
}

/** A field of a class: contract state, or an object of another class composed into it. */
export interface FieldInfo {
  name: string;
  node: ts.Node;
  /** Class of the object it holds (`token = new FungibleToken()` or `token: FungibleToken`), when resolvable. */
  cls?: ClassInfo;
}

/** A class. */
export interface ClassInfo {
  name: string;
  node: ts.ClassLikeDeclaration;
  file: ParsedFile;
  decorators: DecoratorInfo[];
  /** `@NearBindgen(...)` among its decorators. */
  isContract: boolean;
  methods: Map<string, MethodInfo>;
  fields: Map<string, FieldInfo>;
  /** The class it extends, when resolvable. */
  base?: ClassInfo;
  /** The `extends` expression could not be resolved to a class. */
  unresolvedBase: boolean;
}

/** A contract: the methods near-sdk-js exports and the class that holds its state. */
export interface Contract {
  name: string;
  file: ParsedFile;
  /** The `@NearBindgen` class; absent for function-style contracts. */
  cls?: ClassInfo;
  /** Exported methods by name: methods with a near-sdk-js decorator (or exported functions). */
  entries: Map<string, MethodInfo>;
}

function decoratorsOf(node: ts.Node): readonly ts.Decorator[] {
  return (ts.canHaveDecorators(node) ? ts.getDecorators(node) : undefined) ?? [];
}

function bindingOfDecoratorCallee(project: Project, file: ParsedFile, e: ts.Expression): Binding | undefined {
  if (ts.isIdentifier(e)) return resolveName(project, file, e.text);
  if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression)) {
    const ns = resolveName(project, file, e.expression.text);
    if (ns && (ns.kind === "sdk" || ns.kind === "ncg") && ns.name === "*") return { kind: ns.kind, name: e.name.text };
  }
  return undefined;
}

function describeDecorator(project: Project, file: ParsedFile, d: ts.Decorator): DecoratorInfo {
  const e = d.expression;
  const callee = ts.isCallExpression(e) ? e.expression : e;
  const info: DecoratorInfo = { node: d };
  const b = bindingOfDecoratorCallee(project, file, callee);
  // Without an import (a JavaScript contract relying on globals is not a thing, but fixtures may omit
  // imports), fall back to the written name.
  const name = b ? (b.kind === "sdk" || b.kind === "ncg" ? b.name : undefined) : ts.isIdentifier(callee) ? callee.text : undefined;
  const kind = b?.kind ?? (name && GUARD_NAMES.indexOf(name) >= 0 ? "ncg" : "sdk");
  if (name && kind === "sdk" && (SDK_METHOD_KINDS.indexOf(name) >= 0 || name === "NearBindgen" || name === "middleware")) {
    info.sdk = name as DecoratorInfo["sdk"];
  }
  if (name && kind === "ncg" && GUARD_NAMES.indexOf(name) >= 0) info.guard = name;
  if (ts.isCallExpression(e) && e.arguments[0] && ts.isObjectLiteralExpression(e.arguments[0])) info.options = e.arguments[0];
  return info;
}

/** The boolean value of `key` in an options object literal (`privateFunction: true`), false when absent or not `true`. */
function optionTrue(options: ts.ObjectLiteralExpression | undefined, key: string): boolean {
  if (!options) return false;
  for (const p of options.properties) {
    if (ts.isPropertyAssignment(p) && p.name.getText() === key) return p.initializer.kind === ts.SyntaxKind.TrueKeyword;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) return false;
  }
  return false;
}

function methodName(m: ts.ClassElement): string | undefined {
  if (!m.name) return undefined;
  if (ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name)) return m.name.text;
  if (ts.isStringLiteral(m.name) || ts.isNumericLiteral(m.name)) return m.name.text;
  if (ts.isComputedPropertyName(m.name) && ts.isStringLiteralLike(m.name.expression)) return m.name.expression.text;
  return undefined;
}

/** Builds a MethodInfo from a declaration and its decorators. */
function methodInfo(project: Project, file: ParsedFile, owner: ClassInfo | null, name: string, node: MethodInfo["node"], nameNode: ts.Node): MethodInfo {
  const decorators = decoratorsOf(node).map((d) => describeDecorator(project, file, d));
  const sdkDecorator = decorators.find((d) => d.sdk && d.sdk !== "NearBindgen" && d.sdk !== "middleware");
  const guards = new Set<string>();
  for (const d of decorators) if (d.guard) guards.add(d.guard);
  return {
    name,
    node,
    nameNode,
    file,
    owner,
    decorators,
    sdkKind: (sdkDecorator?.sdk as SdkMethodKind | undefined) ?? null,
    privateFunction: sdkDecorator?.sdk === "call" && optionTrue(sdkDecorator.options, "privateFunction"),
    payableFunction: sdkDecorator?.sdk === "call" && optionTrue(sdkDecorator.options, "payableFunction"),
    guards,
  };
}

const classCache = new WeakMap<ts.Node, ClassInfo>();

/**
 * The ClassInfo of a class declaration (cached), with its base class and composed fields resolved.
 *
 * @example
 * const info = classInfo(project, file, classNode);
 */
export function classInfo(project: Project, file: ParsedFile, node: ts.ClassLikeDeclaration, depth = 0): ClassInfo {
  const cached = classCache.get(node);
  if (cached) return cached;
  const decorators = decoratorsOf(node).map((d) => describeDecorator(project, file, d));
  const info: ClassInfo = {
    name: node.name?.text ?? "<anonymous>",
    node,
    file,
    decorators,
    isContract: decorators.some((d) => d.sdk === "NearBindgen"),
    methods: new Map(),
    fields: new Map(),
    unresolvedBase: false,
  };
  classCache.set(node, info);
  const fieldTypes: { name: string; node: ts.Node; type?: ts.TypeNode; init?: ts.Expression }[] = [];
  for (const m of node.members) {
    const name = methodName(m);
    if (name === undefined) continue;
    if (ts.isMethodDeclaration(m) && m.body) info.methods.set(name, methodInfo(project, file, info, name, m, m.name));
    else if (ts.isPropertyDeclaration(m)) {
      if (m.initializer && (ts.isArrowFunction(m.initializer) || ts.isFunctionExpression(m.initializer))) {
        info.methods.set(name, methodInfo(project, file, info, name, m.initializer, m.name));
      } else fieldTypes.push({ name, node: m, type: m.type, init: m.initializer });
    } else if (ts.isConstructorDeclaration(m) && m.body) {
      // JavaScript contracts declare their state in the constructor: this.x = ...
      for (const s of m.body.statements) {
        if (!ts.isExpressionStatement(s) || !ts.isBinaryExpression(s.expression) || s.expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken) continue;
        const l = s.expression.left;
        if (ts.isPropertyAccessExpression(l) && l.expression.kind === ts.SyntaxKind.ThisKeyword) fieldTypes.push({ name: l.name.text, node: l, init: s.expression.right });
      }
    }
  }
  for (const f of fieldTypes) {
    const field: FieldInfo = { name: f.name, node: f.node };
    let clsName: ts.Expression | undefined;
    if (f.init && ts.isNewExpression(f.init)) clsName = f.init.expression;
    else if (f.type && ts.isTypeReferenceNode(f.type) && ts.isIdentifier(f.type.typeName)) clsName = f.type.typeName;
    if (clsName && ts.isIdentifier(clsName) && depth < 8) {
      const b = resolveName(project, file, clsName.text);
      if (b?.kind === "decl" && ts.isClassDeclaration(b.node)) field.cls = classInfo(project, b.file, b.node, depth + 1);
    }
    if (!info.fields.has(f.name)) info.fields.set(f.name, field);
  }
  const ext = node.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  if (ext) {
    const e = ext.expression;
    const b = ts.isIdentifier(e) && depth < 8 ? resolveName(project, file, e.text) : undefined;
    if (b?.kind === "decl" && ts.isClassDeclaration(b.node)) info.base = classInfo(project, b.file, b.node, depth + 1);
    else info.unresolvedBase = true;
  }
  return info;
}

/**
 * A method of `cls` or of its base classes, nearest first.
 *
 * @example
 * findMethod(contractClass, "on_staked");
 */
export function findMethod(cls: ClassInfo | undefined, name: string): MethodInfo | undefined {
  for (let c = cls, i = 0; c && i < 16; c = c.base, i++) {
    const m = c.methods.get(name);
    if (m) return m;
  }
  return undefined;
}

/** Every method name of `cls` and its base classes. */
export function allMethodNames(cls: ClassInfo | undefined): string[] {
  const names = new Set<string>();
  for (let c = cls, i = 0; c && i < 16; c = c.base, i++) for (const n of c.methods.keys()) names.add(n);
  return [...names];
}

/** A field of `cls` or of its base classes. */
export function findField(cls: ClassInfo | undefined, name: string): FieldInfo | undefined {
  for (let c = cls, i = 0; c && i < 16; c = c.base, i++) {
    const f = c.fields.get(name);
    if (f) return f;
  }
  return undefined;
}

/**
 * The contracts declared in `file`: each `@NearBindgen` class, or, when there is none and the file imports
 * near-sdk-js, the file itself as a function-style contract of its exported functions.
 *
 * @example
 * for (const c of contractsOf(project, project.get("src/contract.ts")!)) console.log(c.name, [...c.entries.keys()]);
 */
export function contractsOf(project: Project, file: ParsedFile): Contract[] {
  const out: Contract[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isClassDeclaration(n) || ts.isClassExpression(n)) {
      const cls = classInfo(project, file, n);
      if (cls.isContract) {
        const entries = new Map<string, MethodInfo>();
        for (const [name, m] of cls.methods) if (m.sdkKind) entries.set(name, m);
        out.push({ name: cls.name, file, cls, entries });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(file.sf);
  if (out.length > 0) return out;
  const scope = moduleScope(file);
  // near-sdk-js's low-level style: exported functions without parameters (they read near.input()).
  const usesNear = [...scope.imports.values()].some((i) => i.module === "near-sdk-js" && (i.imported === "near" || i.imported === "*"));
  if (!usesNear) return out;
  const entries = new Map<string, MethodInfo>();
  for (const [exported, e] of scope.exports) {
    if (!("local" in e)) continue;
    const d = scope.decls.get(e.local);
    if (d && ts.isFunctionDeclaration(d) && d.body && d.parameters.length === 0) entries.set(exported, methodInfo(project, file, null, exported, d, d.name ?? d));
    else if (d && ts.isVariableDeclaration(d) && d.initializer && (ts.isArrowFunction(d.initializer) || ts.isFunctionExpression(d.initializer)) && d.initializer.parameters.length === 0) {
      entries.set(exported, methodInfo(project, file, null, exported, d.initializer, d.name));
    }
  }
  if (entries.size > 0) out.push({ name: file.path.replace(/^.*[\\/]/, ""), file, entries });
  return out;
}
