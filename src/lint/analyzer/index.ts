/**
 * The analysis of one contract the rules read: what each exported method does (its Effects), the
 * cross-contract flows it starts (external calls, and the callbacks that await them, resolved to methods
 * of the contract or of its base classes), and which methods are callbacks.
 */
import ts from "typescript";
import type { Project, ParsedFile } from "./project.js";
import { allMethodNames, findMethod, type Contract, type MethodInfo } from "./contracts.js";
import { Interpreter, type Effects } from "./interpret.js";
import { patternMatches, patternText, type AbsValue, type CallSite, type FunctionCallAction, type GuardedCallInfo, type PromiseNode, type StrPattern } from "./values.js";

/** A callback scheduled by an exported method: `.then(...functionCall("cb"))`, `promiseThen`, `startGuardedCall`. */
export interface CallbackLink {
  /** The exported method that schedules it. */
  initiator: MethodInfo;
  /** The method name, as a pattern (`["on_staked"]`, `["on_", null]`). */
  method: StrPattern;
  /** Where the name is written. */
  methodNode: ts.Node;
  file: ParsedFile;
  via: CallSite[];
  /** The methods it names (the contract's own, or a base class's). Empty when unresolved. */
  targets: MethodInfo[];
  /** The external calls it awaits. */
  awaited: ExternalCallSite[];
  /** How many promise results it receives (2 for `a.and(b).then(cb)`). */
  awaitedCount: number;
  /** Static gas. */
  gas: AbsValue;
  gasNode?: ts.Node;
  /** Gas weight (undefined: a call without weight, which the host gives weight 0). */
  weight?: AbsValue;
  /** Set when the flow is started with `startGuardedCall` (the library adds the refund reserve to `gas`). */
  guarded?: GuardedCallInfo;
}

/** A call to another contract. */
export interface ExternalCallSite {
  initiator: MethodInfo;
  /** `node` is the call that adds the function call (`functionCall(...)`, `promiseBatchActionFunctionCall(...)`, the `call:` of startGuardedCall). */
  node: ts.Node;
  file: ParsedFile;
  via: CallSite[];
  method: StrPattern;
  deposit: AbsValue;
  depositNode?: ts.Node;
  /** The callbacks that await it (empty: nobody looks at how it ended). */
  callbacks: CallbackLink[];
  guarded?: GuardedCallInfo;
}

/** Why a method counts as a callback. */
export type CallbackReason = "scheduled" | "reads-results" | "standard" | "guarded";

/** Everything the rules need about one contract. */
export interface ContractAnalysis {
  contract: Contract;
  project: Project;
  /** Effects of each exported method (and of callback targets found in base classes). */
  effects: Map<MethodInfo, Effects>;
  links: CallbackLink[];
  externals: ExternalCallSite[];
  /** Methods that are callbacks, and why. */
  callbacks: Map<MethodInfo, Set<CallbackReason>>;
  /** State paths written somewhere with a credit or a debit: balances, not bookkeeping. */
  balancePaths: Set<string>;
}

/** Resolve callbacks of NEAR standards by name even when the flow that schedules them is not visible (in a package). */
const STANDARD_CALLBACKS: Record<string, string> = {
  ft_resolve_transfer: "NEP-141's resolve callback of ft_transfer_call",
  nft_resolve_transfer: "NEP-171's resolve callback of nft_transfer_call",
  mt_resolve_transfer: "NEP-245's resolve callback of mt_transfer_call",
};

/** Description of a standard callback name, if it is one. */
export function standardCallback(name: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(STANDARD_CALLBACKS, name) ? STANDARD_CALLBACKS[name] : undefined;
}

function count(p: PromiseNode): number {
  if (p.kind === "and") return p.parts.reduce((s, x) => s + count(x), 0);
  if (p.kind === "guarded") return Math.max(1, p.guarded?.calls.length ?? 1);
  return 1;
}

function isCurrent(v: AbsValue | undefined): boolean {
  return !!v && v.taints.has("current");
}

/** The methods a callback name can be. */
function targetsOf(contract: Contract, method: StrPattern): MethodInfo[] {
  const text = patternText(method);
  if (text !== null) {
    const m = contract.cls ? findMethod(contract.cls, text) : contract.entries.get(text);
    return m ? [m] : [];
  }
  const names = contract.cls ? allMethodNames(contract.cls) : [...contract.entries.keys()];
  const out: MethodInfo[] = [];
  for (const n of names) {
    if (!patternMatches(method, n)) continue;
    const m = contract.cls ? findMethod(contract.cls, n) : contract.entries.get(n);
    if (m && (m.sdkKind === "call" || !contract.cls)) out.push(m);
  }
  return out;
}

/**
 * Analyzes one contract: interprets every exported method and builds its flows.
 *
 * @example
 * const a = analyzeContract(project, contract);
 * for (const l of a.links) console.log(l.initiator.name, "→", l.targets.map((t) => t.name));
 */
export function analyzeContract(project: Project, contract: Contract): ContractAnalysis {
  const effects = new Map<MethodInfo, Effects>();
  const self = contract.cls ? { path: "", cls: contract.cls } : undefined;
  const effectsOf = (m: MethodInfo): Effects => {
    let e = effects.get(m);
    if (!e) {
      e = new Interpreter(project).run(m, self);
      effects.set(m, e);
    }
    return e;
  };
  const links: CallbackLink[] = [];
  const externals: ExternalCallSite[] = [];

  for (const m of contract.entries.values()) {
    if (m.sdkKind === "view") continue;
    const eff = effectsOf(m);
    const visit = (p: PromiseNode, awaiting: CallbackLink[]) => {
      if (p.kind === "single") {
        if (isCurrent(p.account)) return; // a call to the contract itself that nothing awaits: not a callback
        for (const a of p.actions) {
          if (a.kind !== "functionCall") continue;
          const ext = externalOf(m, a, awaiting);
          externals.push(ext);
          for (const l of awaiting) l.awaited.push(ext);
        }
        return;
      }
      if (p.kind === "and") {
        for (const part of p.parts) visit(part, awaiting);
        return;
      }
      if (p.kind === "then") {
        const [first, next] = p.parts;
        if (next.kind === "single" && isCurrent(next.account)) {
          const made: CallbackLink[] = [];
          for (const a of next.actions) {
            if (a.kind !== "functionCall") continue;
            const link: CallbackLink = {
              initiator: m,
              method: a.method,
              methodNode: a.methodNode,
              file: a.file,
              via: a.via,
              targets: targetsOf(contract, a.method),
              awaited: [],
              awaitedCount: count(first),
              gas: a.gas,
              gasNode: a.gasNode,
              weight: a.weight,
            };
            links.push(link);
            made.push(link);
          }
          visit(first, made);
        } else {
          visit(first, []);
          visit(next, awaiting);
        }
        return;
      }
      if (p.kind === "guarded" && p.guarded) {
        const g = p.guarded;
        const made: CallbackLink[] = [];
        if (g.callback) {
          const link: CallbackLink = {
            initiator: m,
            method: g.callback.method,
            methodNode: g.callback.methodNode,
            file: g.file,
            via: g.via,
            targets: targetsOf(contract, g.callback.method),
            awaited: [],
            awaitedCount: count(p),
            gas: g.callback.gas,
            gasNode: g.callback.gasNode,
            guarded: g,
          };
          links.push(link);
          made.push(link);
        }
        for (const c of g.calls) {
          const ext: ExternalCallSite = { initiator: m, node: c.node, file: g.file, via: g.via, method: c.method, deposit: c.deposit, depositNode: c.depositNode, callbacks: made, guarded: g };
          externals.push(ext);
          for (const l of made) l.awaited.push(ext);
        }
      }
    };
    for (const p of eff.promises) if (!p.consumed) visit(p, []);
  }

  const callbacks = new Map<MethodInfo, Set<CallbackReason>>();
  const mark = (m: MethodInfo, why: CallbackReason) => {
    let s = callbacks.get(m);
    if (!s) callbacks.set(m, (s = new Set()));
    s.add(why);
  };
  for (const l of links) for (const t of l.targets) mark(t, "scheduled");
  for (const m of contract.entries.values()) {
    if (m.sdkKind === "view") continue;
    const e = effectsOf(m);
    if (e.resultReads.length > 0 || e.readsOutcomes) mark(m, "reads-results");
    if (standardCallback(m.name)) mark(m, "standard");
    if (m.guards.has("privateCallback") || m.guards.has("withRefundOnFailure")) mark(m, "guarded");
  }
  for (const m of callbacks.keys()) effectsOf(m);

  const balancePaths = new Set<string>();
  for (const e of effects.values()) for (const w of e.writes) if (w.direction === "credit" || w.direction === "debit") balancePaths.add(w.path);

  return { contract, project, effects, links, externals, callbacks, balancePaths };
}

function externalOf(initiator: MethodInfo, a: FunctionCallAction, awaiting: CallbackLink[]): ExternalCallSite {
  return { initiator, node: a.node, file: a.file, via: a.via, method: a.method, deposit: a.deposit, depositNode: a.depositNode, callbacks: [...awaiting] };
}

/** The effects of a method the analysis interpreted. */
export function effectsOf(a: ContractAnalysis, m: MethodInfo): Effects {
  const e = a.effects.get(m);
  if (!e) throw new Error(`internal: ${m.name} was not interpreted`);
  return e;
}
