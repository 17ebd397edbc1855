/**
 * Runs the guard placement check on a contract before it is bundled, so that a guard placed above
 * `@call(...)` (which makes near-sdk-js's build drop the method silently), a flow whose callback is not a
 * guarded method, or a collection prefix that reaches guard storage fails loudly at deploy time. Runs
 * in the bundler thread, as part of every build; cached bundles are keyed by the checker's fingerprint.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { checkoutSourceEntry, packageRoot } from "./near-sdk-toolchain.js";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { checkGuardPlacement } from "../placement/check-guard-placement.js";

let fingerprint: string | null = null;

/**
 * Identifies the placement checker: this package's version, and in a checkout of the repository the
 * checker's source too. Part of the key of every cached bundle, so that a new checker checks again.
 */
export function placementCheckFingerprint(): string {
  if (fingerprint !== null) return fingerprint;
  const root = packageRoot();
  let version = "unknown";
  try {
    version = (JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    /* keep "unknown" */
  }
  const source = path.join(root, "src", "testing", "placement", "check-guard-placement.ts");
  fingerprint = checkoutSourceEntry() && existsSync(source) ? `${version}:${bytesToHex(sha256(readFileSync(source)))}` : version;
  return fingerprint;
}

/** Files (by path and content hash) already found clean in this process. */
const clean = new Set<string>();

/** Throws `GuardPlacementError` listing every problem found in the contract at `file`. */
export function assertGuardPlacement(file: string): void {
  const text = readFileSync(file, "utf8");
  const key = `${file}\u0000${bytesToHex(sha256(text))}`;
  if (clean.has(key)) return;
  const issues = checkGuardPlacement(text, file);
  if (issues.length === 0) {
    clean.add(key);
    return;
  }
  const lines = issues.map((i) => `  ${i.file}:${i.line}: ${i.message}`);
  const error = new Error(`near-callback-guards' deploy-time check found problems in the contract:\n${lines.join("\n")}`);
  error.name = "GuardPlacementError";
  (error as Error & { code: string }).code = issues[0].code;
  throw error;
}
