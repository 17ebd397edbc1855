/**
 * callback-gas: a callback that cannot run, or cannot refund, for lack of gas.
 *
 * A callback scheduled by hand gets its static gas, plus a share of the caller's unused gas only if it has
 * a weight (`functionCallWeight`, `promiseBatchActionFunctionCallWeight`); `functionCall` and
 * `promiseThen` have weight 0. Reported:
 * - static gas 0 and weight 0: the callback gets no gas and always fails, so nothing it would undo or
 *   refund happens;
 * - static gas below the minimum (`minGas`, default MIN_CALLBACK_GAS, 5 Tgas) and weight 0: a near-sdk-js
 *   2.0 call spends about that loading the contract, starting QuickJS and near-sdk-js, reading its state,
 *   arguments and results and saving state, before any refund;
 * - a `@withRefundOnFailure()` callback attached by hand with less than the refund reserve
 *   `startGuardedCall` would add (REFUND_GAS at least; it needs its flow's operation anyway);
 * - `startGuardedCall({ callback: { gas } })` with a gas that is not positive (the flow refuses to start).
 * Gas computed at run time (`near.prepaidGas() / 3n`, arguments) is not judged.
 */
import { REFUND_GAS } from "../../core/gas.js";
import type { ContractAnalysis } from "../analyzer/index.js";
import { patternToString } from "../analyzer/values.js";
import type { Finding } from "../types.js";
import { makeFinding, related, tgas, type LintRule, type RuleOptions } from "./support.js";

/**
 * Default least static gas of a callback attached by hand: what a minimal near-sdk-js 2.0 call burns on
 * chain before doing anything (contract loading, QuickJS and near-sdk-js start-up, state read and save:
 * about 5 Tgas on the wasm engine, current counting rule). Raise it with the rule's `minGas` option.
 */
export const MIN_CALLBACK_GAS = 5_000_000_000_000n;

function minGasOf(options: RuleOptions): bigint {
  const v = options.minGas;
  if (v === undefined) return MIN_CALLBACK_GAS;
  try {
    return BigInt(v);
  } catch {
    return MIN_CALLBACK_GAS;
  }
}

export const callbackGas: LintRule = {
  meta: {
    id: "callback-gas",
    description: "A callback attached with no static gas and weight 0, or with less static gas than a refund needs.",
    severity: "error",
    docs: "callback-gas",
  },
  check(a: ContractAnalysis, options: RuleOptions): Finding[] {
    const out: Finding[] = [];
    const min = minGasOf(options);
    for (const l of a.links) {
      const name = l.targets[0]?.name ?? patternToString(l.method);
      const at = { file: l.file, node: l.gasNode ?? l.methodNode, via: l.via };
      const rel = [related(l.file, l.methodNode, `${name} scheduled by ${l.initiator.name}`)];
      const gas = l.gas.num;
      if (l.guarded) {
        if (gas !== undefined && gas <= 0n) {
          out.push(makeFinding("callback-gas", a, l.initiator, at, `startGuardedCall's callback.gas for ${name} is ${gas}: it must be positive (the gas of the callback's body; the refund reserve is added on top), or the flow refuses to start. Use e.g. 20n * TGAS.`, { related: rel }));
        }
        continue;
      }
      const weight = l.weight?.num;
      const weighted = l.weight !== undefined && (weight === undefined || weight > 0n);
      if (weighted || gas === undefined) continue;
      const guarded = l.targets.some((t) => t.guards.has("withRefundOnFailure"));
      if (gas === 0n) {
        out.push(
          makeFinding("callback-gas", a, l.initiator, at, `${name} is attached with 0 static gas and gas weight 0: it gets no gas and always fails, so nothing it would undo or refund happens. Give it static gas for its body plus a refund (e.g. 20n * TGAS; at least ${tgas(min)}), or a gas weight.`, { related: rel }),
        );
      } else if (gas < (guarded && REFUND_GAS > min ? REFUND_GAS : min)) {
        const floor = guarded && REFUND_GAS > min ? REFUND_GAS : min;
        out.push(
          makeFinding(
            "callback-gas",
            a,
            l.initiator,
            at,
            guarded
              ? `${name} is a @withRefundOnFailure() callback attached with ${tgas(gas)}, less than the refund reserve (REFUND_GAS, ${tgas(floor)}) settling needs on top of its body. Start the flow with startGuardedCall({ callback: { method: "${name}", gas } }), which reserves it.`
              : `${name} is attached with only ${tgas(gas)} of static gas and weight 0, less than ${tgas(floor)}: a near-sdk-js callback spends about that loading, reading its state, arguments and results before it can refund or undo anything. Give it more static gas (e.g. 20n * TGAS).`,
            { related: rel },
          ),
        );
      }
    }
    return out;
  },
};
