/**
 * Static guard-placement checker (Node only, TypeScript compiler API).
 *
 * near-sdk-js's build (near-sdk-js/lib/cli/build-tools/near-bindgen-exporter.js) exports a method of a
 * `@NearBindgen(...)` class only when:
 * - the class's FIRST decorator is a call of an identifier named exactly `NearBindgen`;
 * - the method's FIRST decorator is a call (with parentheses) of an identifier named exactly `call`,
 *   `view`, `initialize` or `migrate`;
 * - the method's name is an identifier (not a string literal or computed key).
 * Anything else is dropped from the contract without a build error. The guards detect one of these
 * cases at load (a guard above `@call(...)`); this checker finds all of them from the source, including
 * guards above `@view(...)`, bare `@call`, aliased (`import { call as c }`) and namespaced
 * (`@sdk.call(...)`) decorators, and guards in an order that would throw at load.
 *
 * Two more mistakes that lose money, found from the same source:
 * - a `startGuardedCall({ callback: { method: "<literal>" } })` whose method is not a
 *   `@withRefundOnFailure()` method of a contract class in the file (nothing would settle the flow;
 *   `startGuardedCall` also refuses it at run time with ERR_UNKNOWN_CALLBACK);
 * - a Vector, UnorderedMap or UnorderedSet whose literal prefix starts with `"ÿ"` (U+00FF) and has no
 *   character above U+00FF: near-sdk-js writes those keys in latin1, so they can land on the guards'
 *   storage (which starts with the byte 0xFF) and corrupt it. (A prefix with a character above U+00FF
 *   never reaches it: builder.c's latin1 conversion gives such a string no bytes at all, and the
 *   collection throws "Expect Uint8Array for key" at its first storage access, locally as on chain.)
 *
 * @example
 * import { checkGuardPlacement } from "near-callback-guards/testing";
 * const issues = checkGuardPlacement("src/contract.ts"); // or checkGuardPlacement(sourceText, fileName)
 * for (const i of issues) console.error(`${i.file}:${i.line}:${i.column} ${i.message}`);
 */
import ts from "typescript";
import { readContractSource } from "./read-contract-source.js";

/** Names near-sdk-js's exporter accepts as a method's first decorator. */
const SDK_METHOD_DECORATORS = ["call", "view", "initialize", "migrate"];
/** The guards of near-callback-guards. */
const GUARDS = ["privateCallback", "withRefundOnFailure", "pendingLock", "deferCredit"];
/** Collections whose keys near-sdk-js writes with `bytes()` (latin1): a one-byte prefix starting with "ÿ" (U+00FF) reaches guard storage. */
const LATIN1_COLLECTIONS = ["Vector", "UnorderedMap", "UnorderedSet"];
/**
 * The NEAR host functions near-sdk-js 2.0's builder.c declares (`extern`). A contract method is exported
 * from the wasm as a C function of its own name (`DEFINE_NEAR_METHOD`), so a method with one of these
 * names either breaks the build (conflicting types) or takes the host function's place: builder.c's
 * wrapper then calls the method instead of the host (seen with `log_utf16`).
 */
const HOST_FUNCTIONS = new Set(
  (
    "read_register register_len write_register current_account_id signer_account_id signer_account_pk predecessor_account_id input " +
    "block_index block_timestamp epoch_height storage_usage account_balance account_locked_balance attached_deposit prepaid_gas used_gas " +
    "random_seed sha256 keccak256 keccak512 ripemd160 ecrecover value_return panic panic_utf8 log_utf8 log_utf16 promise_create promise_then " +
    "promise_and promise_batch_create promise_batch_then promise_batch_action_create_account promise_batch_action_deploy_contract " +
    "promise_batch_action_function_call promise_batch_action_transfer promise_batch_action_stake promise_batch_action_add_key_with_full_access " +
    "promise_batch_action_add_key_with_function_call promise_batch_action_delete_key promise_batch_action_delete_account " +
    "promise_batch_action_function_call_weight promise_results_count promise_result promise_return storage_write storage_read storage_remove " +
    "storage_has_key validator_stake validator_total_stake alt_bn128_g1_multiexp alt_bn128_g1_sum alt_bn128_pairing_check"
  ).split(" "),
);
const hostNameMessage = (where: string, name: string) =>
  `${where}: ${name} is the name of a NEAR host function that near-sdk-js's builder.c declares; the wasm build exports each method as a C function of its name, so on chain the build fails or ${name} replaces the host function (builder.c then calls your method instead of the host). Rename the method.`;

/** Required top-to-bottom order of the callback guards. */
const CALLBACK_GUARD_ORDER = ["privateCallback", "withRefundOnFailure", "deferCredit"];

/** What is wrong. */
export type PlacementIssueKind =
  /** A guard (or another decorator) is above the near-sdk-js decorator: the method is not exported. */
  | "guard-above-sdk-decorator"
  /** The near-sdk-js decorator is not the first one, and the first is not a guard. */
  | "sdk-decorator-not-first"
  /** `@call` without parentheses: not exported (and near-sdk-js's `call` is a factory). */
  | "bare-sdk-decorator"
  /** `import { call as c }` then `@c(...)`: the exporter only knows the exact names. */
  | "aliased-sdk-decorator"
  /** `@sdk.call(...)` through a namespace import: the exporter only knows bare identifiers. */
  | "namespaced-sdk-decorator"
  /** A local named `call`/`view`/... that is another near-sdk-js decorator (`import { view as call }`). */
  | "misleading-sdk-alias"
  /** The method has a near-sdk-js decorator but a string-literal or computed name. */
  | "non-identifier-method-name"
  /** The class is not exported as a contract: `@NearBindgen(...)` is not its first decorator, or is aliased. */
  | "near-bindgen-not-first"
  /** Guards combined in an order (or a combination) that throws ERR_GUARD_PLACEMENT at load. */
  | "guard-order"
  /** `startGuardedCall`'s literal `callback.method` is not a `@withRefundOnFailure()` method of the file's contract. */
  | "unknown-callback"
  /** A Vector / UnorderedMap / UnorderedSet prefix starting with "ÿ" (U+00FF), all of it Latin-1: its keys can land on guard storage. */
  | "reserved-storage-prefix"
  /** An exported method named like a NEAR host function builder.c declares: the wasm build fails or the method calls the host function. */
  | "host-function-name";

/** One problem found by `checkGuardPlacement`. */
export interface PlacementIssue {
  /**
   * The code the guards use for the same mistake at run time: `ERR_GUARD_PLACEMENT` for decorators,
   * `ERR_UNKNOWN_CALLBACK` for an unknown callback, `ERR_CORRUPT_GUARD_STATE` for a reserved prefix,
   * `ERR_HOST_FUNCTION_NAME` for a method named like a host function (no run-time counterpart).
   */
  code: "ERR_GUARD_PLACEMENT" | "ERR_UNKNOWN_CALLBACK" | "ERR_CORRUPT_GUARD_STATE" | "ERR_HOST_FUNCTION_NAME";
  /** What is wrong. */
  kind: PlacementIssueKind;
  /** File name as passed in. */
  file: string;
  /** 1-based line of the offending decorator. */
  line: number;
  /** 1-based column of the offending decorator. */
  column: number;
  /** Class name (or `<anonymous>`). */
  className: string;
  /** Method name, or `""` for class-level issues. */
  method: string;
  /** What happens and how to fix it. */
  message: string;
}

interface ImportInfo {
  /** Module specifier. */
  from: string;
  /** Imported name (`call` in `import { call as c }`), or `*` for a namespace import. */
  imported: string;
}

type DecoratorInfo =
  | { form: "call" | "bare" | "member-call" | "member-bare" | "other"; name: string; local: string; node: ts.Decorator };

function isGuardModule(from: string): boolean {
  return from === "near-callback-guards" || from.startsWith("near-callback-guards/") || /(^|\/)src(\/index(\.[jt]s)?)?$/.test(from) || /\/guards\//.test(from);
}

function collectImports(sf: ts.SourceFile): Map<string, ImportInfo> {
  const imports = new Map<string, ImportInfo>();
  for (const stmt of sf.statements) {
    if (!ts.isImportDeclaration(stmt) || !ts.isStringLiteral(stmt.moduleSpecifier) || !stmt.importClause) continue;
    const from = stmt.moduleSpecifier.text;
    const bindings = stmt.importClause.namedBindings;
    if (!bindings) continue;
    if (ts.isNamespaceImport(bindings)) {
      imports.set(bindings.name.text, { from, imported: "*" });
    } else {
      for (const el of bindings.elements) imports.set(el.name.text, { from, imported: (el.propertyName ?? el.name).text });
    }
  }
  return imports;
}

function describeDecorator(d: ts.Decorator): DecoratorInfo {
  const e = d.expression;
  if (ts.isCallExpression(e)) {
    if (ts.isIdentifier(e.expression)) return { form: "call", name: e.expression.text, local: e.expression.text, node: d };
    if (ts.isPropertyAccessExpression(e.expression)) {
      return { form: "member-call", name: e.expression.name.text, local: e.expression.expression.getText(), node: d };
    }
    return { form: "other", name: "", local: "", node: d };
  }
  if (ts.isIdentifier(e)) return { form: "bare", name: e.text, local: e.text, node: d };
  if (ts.isPropertyAccessExpression(e)) return { form: "member-bare", name: e.name.text, local: e.expression.getText(), node: d };
  return { form: "other", name: "", local: "", node: d };
}

/** The near-sdk-js method decorator a decorator stands for (`call`, `view`, ...), or null. */
function sdkDecoratorOf(info: DecoratorInfo, imports: Map<string, ImportInfo>): string | null {
  if (info.form === "call" || info.form === "bare") {
    const imp = imports.get(info.local);
    if (imp && imp.from === "near-sdk-js" && SDK_METHOD_DECORATORS.indexOf(imp.imported) >= 0) return imp.imported;
    if (!imp && SDK_METHOD_DECORATORS.indexOf(info.local) >= 0) return info.local;
    return null;
  }
  if (info.form === "member-call" || info.form === "member-bare") {
    const imp = imports.get(info.local);
    if (imp && imp.from === "near-sdk-js" && imp.imported === "*" && SDK_METHOD_DECORATORS.indexOf(info.name) >= 0) return info.name;
  }
  return null;
}

/** The guard a decorator stands for, or null. */
function guardOf(info: DecoratorInfo, imports: Map<string, ImportInfo>): string | null {
  if (info.form === "call" || info.form === "bare") {
    const imp = imports.get(info.local);
    if (imp && imp.imported !== "*" && GUARDS.indexOf(imp.imported) >= 0 && (isGuardModule(imp.from) || imp.imported === info.local)) return imp.imported;
    if (!imp && GUARDS.indexOf(info.local) >= 0) return info.local;
    return null;
  }
  if (info.form === "member-call" || info.form === "member-bare") {
    const imp = imports.get(info.local);
    if (GUARDS.indexOf(info.name) >= 0 && (!imp || isGuardModule(imp.from))) return info.name;
  }
  return null;
}

function written(info: DecoratorInfo): string {
  const text = info.node.expression.getText();
  const short = text.length > 40 ? text.slice(0, 37) + "..." : text;
  return "@" + short;
}

/**
 * Finds every decorator placement that would make near-sdk-js's build drop a method (or a whole
 * contract class), and every guard combination that would throw ERR_GUARD_PLACEMENT at load.
 *
 * Why: a dropped method produces no build error; it only fails later with "MethodNotFound" when someone
 * calls it, possibly after deployment. Not covered: code generated at run time, decorators applied
 * through helper functions (`const c = call; @c(...)`: reported as not exported only if `c` is imported
 * under another name), files that are not TypeScript/JavaScript.
 *
 * @example
 * const issues = checkGuardPlacement(`
 *   import { NearBindgen, call } from "near-sdk-js";
 *   import { privateCallback } from "near-callback-guards";
 *   @NearBindgen({}) class C { @privateCallback() @call({}) cb() {} }
 * `, "c.ts");
 * // issues[0].kind === "guard-above-sdk-decorator"
 */
export function checkGuardPlacement(sourceText: string, fileName?: string): PlacementIssue[] {
  // One argument: a path to read (`checkGuardPlacement("src/contract.ts")`).
  if (fileName === undefined) [sourceText, fileName] = [readContractSource(sourceText), sourceText];
  const kind = /\.[cm]?jsx?$/.test(fileName) ? ts.ScriptKind.JS : /\.tsx$/.test(fileName) ? ts.ScriptKind.TSX : ts.ScriptKind.TS;
  const sf = ts.createSourceFile(fileName, sourceText, ts.ScriptTarget.Latest, true, kind);
  const imports = collectImports(sf);
  const issues: PlacementIssue[] = [];

  const report = (k: PlacementIssueKind, node: ts.Node, className: string, method: string, message: string) => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    const code = k === "unknown-callback" ? "ERR_UNKNOWN_CALLBACK" : k === "reserved-storage-prefix" ? "ERR_CORRUPT_GUARD_STATE" : k === "host-function-name" ? "ERR_HOST_FUNCTION_NAME" : "ERR_GUARD_PLACEMENT";
    issues.push({ code, kind: k, file: fileName, line: line + 1, column: character + 1, className, method, message });
  };
  /** Names of the `@withRefundOnFailure()` methods of the contract classes in the file. */
  const guardedMethods: string[] = [];
  let contractClasses = 0;
  /** `startGuardedCall({ callback: { method: "<literal>" } })` found in the file, checked once every class is seen. */
  const callbackLiterals: { node: ts.StringLiteralLike; method: string }[] = [];

  const visitClass = (cls: ts.ClassLikeDeclaration) => {
    const className = cls.name?.text ?? "<anonymous>";
    const classDecorators = (ts.canHaveDecorators(cls) ? ts.getDecorators(cls) : undefined) ?? [];
    const infos = classDecorators.map(describeDecorator);
    const bindgenAt = infos.findIndex((i) => {
      if (i.form === "call" || i.form === "bare") {
        const imp = imports.get(i.local);
        return imp ? imp.from === "near-sdk-js" && imp.imported === "NearBindgen" : i.local === "NearBindgen";
      }
      return (i.form === "member-call" || i.form === "member-bare") && i.name === "NearBindgen" && imports.get(i.local)?.from === "near-sdk-js";
    });
    if (bindgenAt < 0) return; // not a contract class: nothing is exported from it anyway
    contractClasses++;
    const bindgen = infos[bindgenAt];
    if (bindgenAt !== 0 || bindgen.form !== "call" || bindgen.local !== "NearBindgen") {
      report(
        "near-bindgen-not-first",
        bindgen.node,
        className,
        "",
        `${className}: near-sdk-js's build exports a contract's methods only when the class's first decorator is written exactly @NearBindgen({...}); ${written(bindgen)}${bindgenAt !== 0 ? " is not first" : ""} makes it export none of them. Put @NearBindgen({...}) first, imported under its own name.`,
      );
    }

    for (const member of cls.members) {
      if (!ts.isMethodDeclaration(member)) continue;
      const decorators = (ts.canHaveDecorators(member) ? ts.getDecorators(member) : undefined) ?? [];
      if (decorators.length === 0) continue;
      const method = member.name.getText(sf);
      const list = decorators.map(describeDecorator);
      const sdk = list.map((i) => sdkDecoratorOf(i, imports));
      const guards = list.map((i) => guardOf(i, imports));
      const sdkAt = sdk.findIndex((s) => s !== null);
      const hasGuard = guards.some((g) => g !== null);
      if (guards.indexOf("withRefundOnFailure") >= 0) guardedMethods.push(method);
      const where = `${className}.${method}`;

      if (sdkAt >= 0) {
        const info = list[sdkAt];
        const name = sdk[sdkAt] as string;
        if (!ts.isIdentifier(member.name)) {
          report("non-identifier-method-name", member.name, className, method, `${where}: near-sdk-js's build exports only methods named by an identifier; rename ${method} to a plain identifier.`);
        } else if (HOST_FUNCTIONS.has(member.name.text)) {
          report("host-function-name", member.name, className, method, hostNameMessage(where, method));
        }
        if (sdkAt > 0) {
          const first = list[0];
          const firstGuard = guards[0];
          report(
            firstGuard ? "guard-above-sdk-decorator" : "sdk-decorator-not-first",
            first.node,
            className,
            method,
            `${where}: ${written(first)} is above ${written(info)}. near-sdk-js's build exports a method only when its first decorator is @call(...)/@view(...)/@initialize(...)/@migrate(...), so ${method} would silently disappear from the contract. Move ${written(info)} to the top${firstGuard ? " and keep the guards below it" : ""}.`,
          );
        } else if (info.form === "bare" || info.form === "member-bare") {
          report("bare-sdk-decorator", info.node, className, method, `${where}: ${written(info)} has no parentheses; near-sdk-js's build skips it and ${method} is not exported. Write @${name}({}).`);
        } else if (info.form === "member-call") {
          report("namespaced-sdk-decorator", info.node, className, method, `${where}: ${written(info)} goes through a namespace import; near-sdk-js's build only recognises a bare identifier, so ${method} is not exported. Import { ${name} } from "near-sdk-js" and write @${name}(...).`);
        } else if (info.local !== name) {
          const k: PlacementIssueKind = SDK_METHOD_DECORATORS.indexOf(info.local) >= 0 ? "misleading-sdk-alias" : "aliased-sdk-decorator";
          report(
            k,
            info.node,
            className,
            method,
            k === "misleading-sdk-alias"
              ? `${where}: @${info.local}(...) is near-sdk-js's ${name} imported as ${info.local}; the build exports it as a ${info.local} method. Import ${name} under its own name.`
              : `${where}: @${info.local}(...) is near-sdk-js's ${name} imported under another name; the build only recognises @${name}(...), so ${method} is not exported. Import { ${name} } without renaming it.`,
          );
        }
      } else if (hasGuard) {
        // Guards but no recognised near-sdk-js decorator: aliased/unknown first decorator, or none at all.
        const first = list[0];
        if (guards[0] === null && first.form !== "other") {
          report(
            "aliased-sdk-decorator",
            first.node,
            className,
            method,
            `${where}: ${written(first)} is not one of near-sdk-js's @call/@view/@initialize/@migrate as the build recognises them (exact name, with parentheses), so ${method} is not exported. Use @call({...}) imported from "near-sdk-js" under its own name.`,
          );
        }
      }

      // Order of guards among themselves (what would throw ERR_GUARD_PLACEMENT at load).
      const present = guards.map((g, i) => ({ g, i })).filter((x): x is { g: string; i: number } => x.g !== null);
      if (present.length > 1) {
        const callbackGuards = present.filter((x) => CALLBACK_GUARD_ORDER.indexOf(x.g) >= 0);
        const lock = present.find((x) => x.g === "pendingLock");
        if (lock && callbackGuards.length > 0) {
          report("guard-order", list[lock.i].node, className, method, `${where}: pendingLock cannot be combined with ${callbackGuards[0].g}: the operation's own lock would block its callback. Put pendingLock on the methods that must wait instead.`);
        }
        for (let a = 0; a < callbackGuards.length; a++) {
          for (let b = a + 1; b < callbackGuards.length; b++) {
            const upper = callbackGuards[a];
            const lower = callbackGuards[b];
            if (upper.g === lower.g) {
              report("guard-order", list[lower.i].node, className, method, `${where}: @${lower.g}(...) is applied twice; keep one.`);
            } else if (CALLBACK_GUARD_ORDER.indexOf(upper.g) > CALLBACK_GUARD_ORDER.indexOf(lower.g)) {
              report("guard-order", list[upper.i].node, className, method, `${where}: @${upper.g}(...) must be below @${lower.g}(...); the order under @call(...) is @privateCallback, @withRefundOnFailure, @deferCredit.`);
            }
          }
        }
      }
    }
  };

  const literalText = (e: ts.Expression | undefined): ts.StringLiteralLike | null =>
    e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) ? e : null;
  const propertyOf = (obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined => {
    for (const p of obj.properties) if (ts.isPropertyAssignment(p) && p.name.getText(sf).replace(/^["']|["']$/g, "") === name) return p.initializer;
    return undefined;
  };
  const visitExpression = (node: ts.Node) => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
      const imp = imports.get(node.expression.text);
      const name = imp ? (imp.from === "near-sdk-js" ? imp.imported : "") : node.expression.text;
      const prefix = literalText(node.arguments?.[0]);
      if (LATIN1_COLLECTIONS.indexOf(name) >= 0 && prefix && prefix.text.charCodeAt(0) === 0xff && !/[^\u0000-\u00ff]/.test(prefix.text)) {
        report(
          "reserved-storage-prefix",
          prefix,
          "",
          "",
          `new ${name}(${prefix.getText(sf)}): near-sdk-js writes ${name} keys in latin1 (one byte per character), so a prefix starting with "ÿ" (U+00FF) writes keys starting with the byte 0xFF, where near-callback-guards keeps its locks, holds and records: a user-driven key could overwrite them. Pick a prefix that starts with another character.`,
        );
      }
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      const imp = imports.get(node.expression.text);
      const isStart = imp ? imp.imported === "startGuardedCall" && isGuardModule(imp.from) : node.expression.text === "startGuardedCall";
      const arg = node.arguments[0];
      if (isStart && arg && ts.isObjectLiteralExpression(arg)) {
        const cb = propertyOf(arg, "callback");
        const method = cb && ts.isObjectLiteralExpression(cb) ? literalText(propertyOf(cb, "method")) : null;
        if (method) callbackLiterals.push({ node: method, method: method.text });
      }
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) visitClass(node);
    visitExpression(node);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  // near-sdk-js's low-level API: an exported function is a contract method too.
  for (const stmt of sf.statements) {
    if (!ts.isFunctionDeclaration(stmt) || !stmt.name || !HOST_FUNCTIONS.has(stmt.name.text)) continue;
    if (!stmt.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
    report("host-function-name", stmt.name, "", stmt.name.text, hostNameMessage(`export function ${stmt.name.text}`, stmt.name.text));
  }
  if (contractClasses > 0) {
    for (const c of callbackLiterals) {
      if (guardedMethods.indexOf(c.method) >= 0) continue;
      report(
        "unknown-callback",
        c.node,
        "",
        c.method,
        `startGuardedCall's callback.method "${c.method}" is not a @withRefundOnFailure() method of this contract${guardedMethods.length ? ` (it has: ${guardedMethods.join(", ")})` : ""}: nothing would settle the flow, so it is refused at run time with ERR_UNKNOWN_CALLBACK before any money moves. Name the guarded callback.`,
      );
    }
  }
  return issues;
}
