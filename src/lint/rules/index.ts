/**
 * Every rule of the linter, in report order, and their metadata.
 */
import type { RuleId, RuleMeta } from "../types.js";
import { publicCallback } from "./public-callback.js";
import { throwingPromiseResult } from "./throwing-promise-result.js";
import { stateBeforeCallback } from "./state-before-callback.js";
import { missingRefund } from "./missing-refund.js";
import { callbackGas } from "./callback-gas.js";
import { guardPlacementMeta } from "./guard-placement.js";
import type { LintRule } from "./support.js";

/** The rules that check a contract's analysis. */
export const CONTRACT_RULES: readonly LintRule[] = [publicCallback, throwingPromiseResult, stateBeforeCallback, missingRefund, callbackGas];

/** Meta of invalid-suppression (reported by the suppression pass). */
export const invalidSuppressionMeta: RuleMeta = {
  id: "invalid-suppression",
  description: "A near-callback-guards suppression comment without a reason, with an unknown rule id, or that suppresses nothing.",
  severity: "error",
  docs: "invalid-suppression",
};

/**
 * Meta of every rule, by id.
 *
 * @example
 * RULE_META["public-callback"].description;
 */
export const RULE_META: Record<RuleId, RuleMeta> = {
  "public-callback": publicCallback.meta,
  "throwing-promise-result": throwingPromiseResult.meta,
  "state-before-callback": stateBeforeCallback.meta,
  "missing-refund": missingRefund.meta,
  "callback-gas": callbackGas.meta,
  "guard-placement": guardPlacementMeta,
  "invalid-suppression": invalidSuppressionMeta,
};
