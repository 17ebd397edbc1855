/**
 * state-before-callback: between a cross-contract call and its callback any method of the contract can
 * run, so the state the calling method leaves behind must already be safe to act on (NEAR's rules 2 and 3).
 * Three shapes, on user-keyed balances (map entries keyed by an account or an argument, written with an
 * amount added or subtracted somewhere in the contract):
 *
 * 1. credit first: the method credits a balance (a net credit: no matching debit in the same method, as an
 *    internal transfer has) and makes a call whose outcome a callback settles. The credit can be spent before
 *    the outcome is known; if the callback then takes it back, the contract pays twice (NEAR's docs:
 *    `deposit_and_stake`). Fix: credit only after success (`startGuardedCall({ credit })` + `@deferCredit`,
 *    or write it in the callback when the call succeeded).
 * 2. debit late: the method reads a balance to allow a call, does not write it, and a callback debits it
 *    afterwards. Until then the same balance passes the check again (Rustle's reentrancy pattern). Fix: debit
 *    before the call and restore on failure, or hold the amount (`startGuardedCall({ hold })`).
 * 3. debit not undone: the method debits a balance (a net debit) and calls another contract, and no callback
 *    restores the balance (there is none, or it never writes that state). Fix: restore the debit in the
 *    callback when the call failed.
 */
import type { ContractAnalysis, ExternalCallSite } from "../analyzer/index.js";
import { effectsOf } from "../analyzer/index.js";
import type { StateWrite } from "../analyzer/interpret.js";
import { patternToString } from "../analyzer/values.js";
import type { Finding } from "../types.js";
import { entrySite, makeFinding, related, where, type LintRule } from "./support.js";

function callText(e: ExternalCallSite): string {
  return `the call to ${patternToString(e.method)}`;
}

export const stateBeforeCallback: LintRule = {
  meta: {
    id: "state-before-callback",
    description: "A balance is credited before the call's outcome is known, debited only in the callback, or debited with no callback to restore it.",
    severity: "error",
    docs: "state-before-callback",
  },
  check(a: ContractAnalysis): Finding[] {
    const out: Finding[] = [];
    for (const m of a.contract.entries.values()) {
      if (m.sdkKind === "view") continue;
      const eff = a.effects.get(m);
      if (!eff) continue;
      const exts = a.externals.filter((e) => e.initiator === m);
      if (exts.length === 0) continue;
      const links = a.links.filter((l) => l.initiator === m);
      const balance = eff.writes.filter((w) => w.keyed && a.balancePaths.has(w.path));
      const credits = balance.filter((w) => w.direction === "credit");
      const debits = balance.filter((w) => w.direction === "debit" || w.direction === "remove");
      const firstExt = exts[0];
      // 1. credit first
      if (credits.length > 0 && debits.length === 0 && links.length > 0) {
        const w = credits[0];
        const l = links[0];
        const cb = l.targets[0]?.name ?? patternToString(l.method);
        out.push(
          makeFinding(
            "state-before-callback",
            a,
            m,
            w,
            `${m.name} credits ${w.path} before ${callText(firstExt)} has succeeded: until ${cb} runs, any method (a withdrawal) can spend the credit, and if the call fails the rollback pays twice. Credit only after success: startGuardedCall({ credit }) with @deferCredit(...) on ${cb}, or write the credit in ${cb} when the result is a success.`,
            { related: [related(firstExt.file, firstExt.node, "the call whose outcome is not known yet"), related(l.file, l.methodNode, `${cb} settles it`)] },
          ),
        );
        continue;
      }
      // 2. debit late
      const written = new Set(eff.writes.map((w) => w.path));
      const readPaths = eff.reads.filter((r) => r.keyed && a.balancePaths.has(r.path) && !written.has(r.path));
      let reported = false;
      for (const r of readPaths) {
        for (const l of links) {
          // A guarded flow that holds the amount, or locks the user, makes the check and the debit one step.
          if (l.guarded && (l.guarded.hold || l.guarded.locks)) continue;
          for (const t of l.targets) {
            const late: StateWrite | undefined = effectsOf(a, t).writes.find((w) => w.path === r.path && (w.direction === "debit" || w.direction === "remove"));
            if (!late || reported) continue;
            const ext = l.awaited[0] ?? firstExt;
            const check = entrySite(r);
            out.push(
              makeFinding(
                "state-before-callback",
                a,
                m,
                ext,
                `${m.name} checks ${r.path} (${where(check.file, check.node)}) but debits it only in ${t.name} (${where(late.file, late.node)}): until the callback runs, the same balance passes the check again and is paid out twice. Debit before the call and restore the amount in ${t.name} if the call failed, or hold it: startGuardedCall({ hold: { amount, available } }) and debit in the @withRefundOnFailure callback.`,
                { related: [related(check.file, check.node, "the balance is checked here"), related(late.file, late.node, "and debited only here, in the callback")] },
              ),
            );
            reported = true;
          }
        }
      }
      if (reported) continue;
      // 3. debit not undone
      if (debits.length > 0 && credits.length === 0) {
        const w = debits[0];
        const restoring = links.some((l) => l.targets.some((t) => effectsOf(a, t).writes.some((x) => x.path === w.path)));
        if (restoring) continue;
        const unresolved = links.some((l) => l.targets.length === 0);
        if (unresolved) continue;
        const message =
          links.length === 0
            ? `${m.name} debits ${w.path} and makes ${callText(firstExt)} with no callback: if that call fails, nothing restores the balance and the user loses the amount. Add a callback that restores the debit when the call failed (read the result in try/catch), or start the flow with startGuardedCall and restore it in the @withRefundOnFailure callback.`
            : `${m.name} debits ${w.path} before ${callText(firstExt)}, but its callback ${links.flatMap((l) => l.targets.map((t) => t.name)).join(", ")} never writes ${w.path}: if the call fails the debit is not undone. Restore the amount in the callback when the call failed.`;
        out.push(makeFinding("state-before-callback", a, m, w, message, { related: [related(firstExt.file, firstExt.node, "the call that may fail")] }));
      }
    }
    return out;
  },
};
