/**
 * What the sandbox suite needs, and the one line that says what is missing and how to get it. Used by the
 * suite itself and by jest's global setup, which prints the line once per run (jest does not show the
 * console output of a suite whose tests are all skipped when it runs several files).
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

/** The prerequisites missing on this machine (empty when the sandbox suite can run). */
export function missingPrerequisites(repoRoot: string): string[] {
  const missing: string[] = [];
  const bin = process.env.NEAR_SANDBOX_BIN_PATH;
  if (!bin) missing.push("NEAR_SANDBOX_BIN_PATH not set");
  else if (!existsSync(bin)) missing.push(`NEAR_SANDBOX_BIN_PATH=${bin} does not exist`);
  if (!existsSync(path.join(repoRoot, "node_modules", "near-sdk-js", "lib", "cli", "deps", "qjsc"))) {
    missing.push("near-sdk-js's wasm toolchain is missing (node_modules/near-sdk-js/lib/cli/deps/qjsc)");
  }
  try {
    createRequire(path.join(repoRoot, "package.json")).resolve("near-workspaces");
  } catch {
    missing.push("near-workspaces is not installed");
  }
  return missing;
}

/** The skip line: what is missing and how to get it. */
export function skipLine(missing: string[]): string {
  return (
    `sandbox tests skipped: ${missing.join("; ")} (on a machine with internet: npm rebuild near-sandbox near-sdk-js --ignore-scripts=false, ` +
    `then NEAR_SANDBOX_BIN_PATH=$PWD/node_modules/near-sandbox/bin/near-sandbox npm run test:sandbox)`
  );
}
