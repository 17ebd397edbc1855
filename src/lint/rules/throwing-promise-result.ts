/**
 * throwing-promise-result: a callback reads `near.promiseResult(i)` (or `promiseResultRaw`) without handling
 * a failed call. In near-sdk-js 2.0 both throw when the awaited call failed, so the callback panics: its
 * refund or rollback branch never runs, and whatever the failed call sent back stays with the contract.
 *
 * Handled: the read sits in a `try` whose `catch` does something other than rethrow (in the callback or
 * around the helper call that reads it), or the callback reads the guards' outcomes (`ctx.results`,
 * `readPromiseOutcomes`), which never throw.
 *
 * Reported only when the failure matters: the awaited call carries a deposit (it comes back to the
 * contract), the method that scheduled the callback wrote state (there is something to undo), the callback
 * itself sends money, or the scheduling method is not visible. A callback of a call that changed nothing
 * simply fails with it; the option `always` reports those too.
 *
 * Also reported: a callback awaiting several joined calls (`a.and(b).then(cb)`, `promiseAnd`) that reads
 * only some of the results with constant indices and never `near.promiseResultsCount()`: a failure of the
 * others goes unnoticed.
 */
import { effectsOf, type ContractAnalysis } from "../analyzer/index.js";
import type { Finding } from "../types.js";
import { makeFinding, related, where, type LintRule, type RuleOptions } from "./support.js";

export const throwingPromiseResult: LintRule = {
  meta: {
    id: "throwing-promise-result",
    description: "A callback reads promise results in a way that throws (near-sdk-js 2.0) or ignores some of them, so a failed call is not handled.",
    severity: "error",
    docs: "throwing-promise-result",
  },
  check(a: ContractAnalysis, options: RuleOptions): Finding[] {
    const out: Finding[] = [];
    for (const m of a.callbacks.keys()) {
      const eff = effectsOf(a, m);
      if (eff.readsOutcomes || m.guards.has("privateCallback") || m.guards.has("withRefundOnFailure")) continue;
      const links = a.links.filter((l) => l.targets.indexOf(m) >= 0);
      // 1. reads that throw on failure
      const unhandled = eff.resultReads.filter((r) => !r.handled);
      if (unhandled.length > 0) {
        const reasons: string[] = [];
        if (links.length === 0) reasons.push("");
        for (const l of links) {
          const deposit = l.awaited.find((x) => x.deposit.num === undefined || x.deposit.num > 0n);
          if (deposit) reasons.push(`the deposit ${l.initiator.name} attached comes back to the contract and nothing sends it back`);
          const w = effectsOf(a, l.initiator).writes[0];
          if (w) reasons.push(`the state ${l.initiator.name} wrote (${w.path}, ${where(w.file, w.node)}) is never restored`);
        }
        if (eff.transfers.length > 0) reasons.push("its Transfer never goes out");
        if (reasons.length > 0 || options.always) {
          const why = reasons.find((r) => r) ?? "";
          for (const r of unhandled) {
            const idx = r.index === null ? "i" : r.index.toString();
            const fn = r.node.expression.getText(r.file.sf).endsWith("Raw") ? "promiseResultRaw" : "promiseResult";
            out.push(
              makeFinding(
                "throwing-promise-result",
                a,
                m,
                r,
                `near.${fn}(${idx}) throws when the awaited call failed (near-sdk-js 2.0), so ${m.name} panics instead of handling the failure${why ? `: ${why}` : ""}. Wrap the read in try/catch and handle the failure in the catch, or use @privateCallback() and read ctx.results (outcomes that never throw).`,
                { related: links.map((l) => related(l.file, l.methodNode, `scheduled by ${l.initiator.name}`)), fallback: links[0] ? { file: links[0].file, node: links[0].methodNode } : { file: m.file, node: m.nameNode } },
              ),
            );
          }
        }
      }
      // 2. joined calls with results left unread
      if (eff.readsResultsCount || eff.resultReads.length === 0 || eff.resultReads.some((r) => r.index === null)) continue;
      const read = new Set(eff.resultReads.map((r) => Number(r.index)));
      for (const l of links) {
        if (l.awaitedCount < 2) continue;
        const missing: number[] = [];
        for (let i = 0; i < l.awaitedCount; i++) if (!read.has(i)) missing.push(i);
        if (missing.length === 0) continue;
        out.push(
          makeFinding(
            "throwing-promise-result",
            a,
            m,
            eff.resultReads[0],
            `${m.name} awaits ${l.awaitedCount} joined calls (${l.initiator.name}, ${where(l.file, l.methodNode)}) but reads only result${read.size > 1 ? "s" : ""} ${[...read].sort().join(", ")}: a failure of result ${missing.join(", ")} goes unnoticed and the flow settles as a success. Check every result (loop to near.promiseResultsCount()), or use @privateCallback({ results: ${l.awaitedCount} }) with @withRefundOnFailure(), which fails the flow unless all succeeded.`,
            { related: [related(l.file, l.methodNode, `scheduled by ${l.initiator.name} after ${l.awaitedCount} joined calls`)], fallback: { file: m.file, node: m.nameNode } },
          ),
        );
        break;
      }
    }
    return out;
  },
};
