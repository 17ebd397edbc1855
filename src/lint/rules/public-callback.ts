/**
 * public-callback: a callback anyone can call.
 *
 * A method is a callback when the contract schedules it (`.then(NearPromise.new(near.currentAccountId())
 * .functionCall("cb", ...))`, `near.promiseThen(i, near.currentAccountId(), "cb", ...)`,
 * `startGuardedCall({ callback: { method: "cb" } })`), when it reads promise results, or when it has a
 * NEAR standard's resolve-callback name (`ft_resolve_transfer`, `nft_resolve_transfer`, `mt_resolve_transfer`).
 * It is protected when it has `@privateCallback()` or `@withRefundOnFailure()` (which checks privacy
 * itself), `@call({ privateFunction: true })`, or checks `near.predecessorAccountId()` against
 * `near.currentAccountId()` itself (`assertPrivateCallback` included), in its body or a helper it calls.
 *
 * `privateFunction: true` alone still admits a transaction signed with the contract's own key (predecessor
 * = the contract) that calls the callback directly with made-up arguments and no promise result; with the
 * option `requireCallbackCheck` such callbacks are reported too.
 */
import ts from "typescript";
import { effectsOf, standardCallback, type ContractAnalysis } from "../analyzer/index.js";
import type { MethodInfo } from "../analyzer/contracts.js";
import type { Finding, FindingFix } from "../types.js";
import { makeFinding, related, where, type LintRule, type RuleOptions } from "./support.js";

/** An edit that makes `@call({...})` private, when its options are written inline. */
function privateFunctionFix(m: MethodInfo): FindingFix | undefined {
  const d = m.decorators.find((x) => x.sdk === "call");
  if (!d?.options) return undefined;
  const o = d.options;
  const sf = m.file.sf;
  const existing = o.properties.find((p) => ts.isPropertyAssignment(p) && p.name.getText(sf) === "privateFunction");
  if (existing && ts.isPropertyAssignment(existing)) {
    return { file: m.file.path, range: [existing.initializer.getStart(sf), existing.initializer.getEnd()], text: "true", description: "set privateFunction: true" };
  }
  if (o.properties.length === 0) return { file: m.file.path, range: [o.getStart(sf), o.getEnd()], text: "{ privateFunction: true }", description: "add privateFunction: true" };
  const start = o.getStart(sf) + 1;
  return { file: m.file.path, range: [start, start], text: " privateFunction: true,", description: "add privateFunction: true" };
}

export const publicCallback: LintRule = {
  meta: {
    id: "public-callback",
    description: "A callback that any account can call: it must accept only the contract's own promise.",
    severity: "error",
    docs: "public-callback",
  },
  check(a: ContractAnalysis, options: RuleOptions): Finding[] {
    const out: Finding[] = [];
    for (const [m, why] of a.callbacks) {
      if (!m.sdkKind || m.sdkKind === "view") continue; // not exported as a call: nobody can call it
      const guarded = m.guards.has("privateCallback") || m.guards.has("withRefundOnFailure");
      const manual = effectsOf(a, m).privateChecks.length > 0;
      if (guarded || manual) continue;
      if (m.privateFunction && !options.requireCallbackCheck) continue;
      const links = a.links.filter((l) => l.targets.indexOf(m) >= 0);
      let what: string;
      if (links.length > 0) {
        const l = links[0];
        what = `${m.name} is the callback of ${l.initiator.name} (${where(l.file, l.methodNode)})`;
      } else if (why.has("standard")) what = `${m.name} is ${standardCallback(m.name)}`;
      else what = `${m.name} reads promise results, so it is a callback`;
      const fixText = links.some((l) => l.guarded)
        ? "Add @privateCallback() and @withRefundOnFailure() below @call({...}) (near-callback-guards)"
        : "Add @privateCallback() below @call({...}) (near-callback-guards: checks the predecessor is the contract and that the call carries promise results)";
      const message = m.privateFunction
        ? `${what}; @call({ privateFunction: true }) alone still lets a transaction signed with the contract's own key call it directly, with made-up arguments and no promise result. ${fixText}.`
        : `${what} but any account can call it directly and fake the outcome (settle, credit or refund at will). ${fixText}, or at least use @call({ privateFunction: true }) (which still admits transactions signed with the contract's own key).`;
      out.push(
        makeFinding("public-callback", a, m, { file: m.file, node: m.nameNode }, message, {
          related: links.map((l) => related(l.file, l.methodNode, `scheduled as a callback by ${l.initiator.name}`)),
          fix: m.privateFunction ? undefined : privateFunctionFix(m),
          fallback: links[0] ? { file: links[0].file, node: links[0].methodNode } : undefined,
        }),
      );
    }
    return out;
  },
};
