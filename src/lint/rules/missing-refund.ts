/**
 * missing-refund: a method forwards the user's deposit (`near.attachedDeposit()`, or an amount computed
 * from it) to another contract, and nothing sends it back if that call fails. A failed call refunds its
 * deposit to the *contract* (the predecessor), not to the user.
 *
 * A refund path is: a Transfer in a callback that awaits the call (`NearPromise.new(user).transfer(x)`,
 * `near.promiseBatchActionTransfer`), a credit the user can withdraw written in a `catch` of the callback,
 * or a `@withRefundOnFailure()` callback of a `startGuardedCall` flow whose `refund` is not zero.
 * Not checked: that the refund goes to the right account and is the right amount, or that it is on the
 * failure branch (a refund only on success is not told apart).
 */
import ts from "typescript";
import { effectsOf, type ContractAnalysis, type CallbackLink } from "../analyzer/index.js";
import { patternToString } from "../analyzer/values.js";
import type { Finding } from "../types.js";
import { makeFinding, related, type LintRule } from "./support.js";

function inCatch(node: ts.Node): boolean {
  for (let p = node.parent; p; p = p.parent) if (ts.isCatchClause(p)) return true;
  return false;
}

function refunds(a: ContractAnalysis, l: CallbackLink): boolean {
  if (l.targets.length === 0) return true; // unresolved: not ours to judge
  return l.targets.some((t) => {
    if (l.guarded && t.guards.has("withRefundOnFailure")) return !(l.guarded.refund && l.guarded.refund.value.num === 0n);
    const e = effectsOf(a, t);
    return e.transfers.length > 0 || e.writes.some((w) => w.keyed && w.direction === "credit" && inCatch(w.node));
  });
}

export const missingRefund: LintRule = {
  meta: {
    id: "missing-refund",
    description: "The attached deposit is forwarded to another contract and nothing sends it back to the user if that call fails.",
    severity: "error",
    docs: "missing-refund",
  },
  check(a: ContractAnalysis): Finding[] {
    const out: Finding[] = [];
    const seen = new Set<unknown>();
    for (const e of a.externals) {
      if (!e.deposit.taints.has("attached") || seen.has(e.initiator)) continue;
      const m = e.initiator;
      const at = { file: e.file, node: e.depositNode ?? e.node, via: e.via };
      const callee = patternToString(e.method);
      if (e.guarded && e.guarded.refund && e.guarded.refund.value.num === 0n) {
        seen.add(m);
        out.push(
          makeFinding("missing-refund", a, m, { file: e.file, node: e.guarded.refund.node, via: e.via }, `${m.name} forwards near.attachedDeposit() to ${callee} but startGuardedCall has refund: 0n, so a failed call keeps the user's deposit in the contract. Drop refund (it defaults to the attached deposit) or set it to the amount forwarded.`),
        );
        continue;
      }
      if (e.callbacks.length === 0) {
        seen.add(m);
        out.push(
          makeFinding(
            "missing-refund",
            a,
            m,
            at,
            `${m.name} forwards near.attachedDeposit() to ${callee} with no callback: if that call fails the deposit comes back to this contract, not to the user, and stays here. Await the call with a callback that sends the deposit back on failure (NearPromise.new(user).transfer(amount), with gas for it), or start the flow with startGuardedCall and a @withRefundOnFailure() callback.`,
            { related: [related(e.file, e.node, `the call to ${callee}`)] },
          ),
        );
        continue;
      }
      const missing = e.callbacks.filter((l) => !refunds(a, l));
      if (missing.length === 0) continue;
      seen.add(m);
      const cb = missing[0].targets[0];
      if (cb.guards.has("withRefundOnFailure") && !missing[0].guarded) {
        out.push(
          makeFinding(
            "missing-refund",
            a,
            m,
            at,
            `${m.name} forwards near.attachedDeposit() to ${callee} and ${cb.name} has @withRefundOnFailure(), but the flow is built by hand, not with startGuardedCall: there is no operation for the guard to settle, so nothing is refunded (the callback logs stale_callback). Start the flow with startGuardedCall({ call, callback: { method: "${cb.name}", gas } }).`,
            { related: [related(cb.file, cb.nameNode, "the guarded callback"), related(missing[0].file, missing[0].methodNode, "scheduled here by hand")] },
          ),
        );
        continue;
      }
      out.push(
        makeFinding(
          "missing-refund",
          a,
          m,
          at,
          `${m.name} forwards near.attachedDeposit() to ${callee}, but its callback ${cb.name} has no refund path: if the call fails the deposit comes back to this contract, not to the user. In ${cb.name}, send it back when the call failed (NearPromise.new(user).transfer(amount)), or use startGuardedCall with @withRefundOnFailure() on ${cb.name}.`,
          { related: [related(cb.file, cb.nameNode, "the callback without a refund"), related(missing[0].file, missing[0].methodNode, "scheduled here")] },
        ),
      );
    }
    return out;
  },
};
