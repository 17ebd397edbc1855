/**
 * Runs the guard placement check on a contract before it is bundled, so that a guard placed above
 * `@call(...)` (which makes near-sdk-js's build drop the method silently) fails loudly at deploy time.
 */
import { readFileSync } from "node:fs";
import { checkGuardPlacement } from "../placement/check-guard-placement.js";

/** Throws `GuardPlacementError` listing every problem found in the contract at `file`. */
export function checkGuardPlacementIfAvailable(file: string): void {
  const issues = checkGuardPlacement(readFileSync(file, "utf8"), file);
  if (issues.length === 0) return;
  const lines = issues.map((i) => `  ${i.file}:${i.line}: ${i.message}`);
  const error = new Error(`Guard placement would drop methods from the contract build:\n${lines.join("\n")}`);
  error.name = "GuardPlacementError";
  (error as Error & { code: string }).code = "ERR_GUARD_PLACEMENT";
  throw error;
}
