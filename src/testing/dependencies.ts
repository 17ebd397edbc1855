/**
 * The testing side's dependencies are optional peer dependencies, so that a contract-only install gets
 * nothing beyond near-sdk-js: a project that tests installs them with one command (README, "Use it in your
 * project"). This module runs first when `near-callback-guards/testing` (or the CLI) loads and names every
 * missing package at once, with the command that installs them, instead of a bare MODULE_NOT_FOUND for the
 * first one.
 */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import path from "node:path";

/** A package the testing side needs, and what for. */
export interface TestingDependency {
  /** Package name. */
  name: string;
  /** Version range (the optional peer dependency's). */
  range: string;
  /** What needs it. */
  usedFor: string;
  /** The version installed, when it is outside the range. */
  found?: string;
}

/**
 * Needed by `near-callback-guards/testing`. near-sdk-js brings rollup and babel, which bundle contracts.
 * @example TESTING_DEPENDENCIES.map((d) => `${d.name}@${d.range}`).join(" "); // the install line's packages
 */
export const TESTING_DEPENDENCIES: readonly TestingDependency[] = [
  { name: "near-sdk-js", range: "^2.0.0", usedFor: "bundling contracts with near-sdk-js's own rollup + babel step" },
  { name: "@noble/hashes", range: "^1.8.0", usedFor: "the sha256/keccak/ripemd160 host functions" },
  { name: "@noble/curves", range: "^1.9.7", usedFor: "the ecrecover/alt_bn128 host functions" },
  { name: "@scure/base", range: "^1.2.6", usedFor: "base58 hashes and keys" },
  { name: "typescript", range: ">=5.0.0", usedFor: "the guard placement check run at deploy" },
  { name: "cli-progress", range: "^3.12.0", usedFor: "the explorer's progress bar" },
];

/**
 * Also needed by the `near-callback-guards` command.
 * @example missingDependencies([...TESTING_DEPENDENCIES, ...CLI_DEPENDENCIES]); // [] when the CLI can run
 */
export const CLI_DEPENDENCIES: readonly TestingDependency[] = [
  { name: "commander", range: "^14.0.0", usedFor: "the command line" },
  { name: "tsx", range: "^4.19.0", usedFor: "loading TypeScript scenario files" },
];

/**
 * Thrown when the testing side is used without its optional peer dependencies.
 * @example
 * try { require("near-callback-guards/testing"); } catch (e) { if (e.code === "ERR_MISSING_DEPENDENCIES") console.error(e.message); }
 */
export class MissingDependenciesError extends Error {
  readonly code = "ERR_MISSING_DEPENDENCIES";
  constructor(
    /** The missing packages. */
    readonly missing: readonly TestingDependency[],
    what: string,
  ) {
    const list = missing.map((d) => `  - ${d.name}@${d.range}: ${d.usedFor}${d.found ? ` (found ${d.found})` : ""}`).join("\n");
    const specs = missing.map((d) => `${d.name}@"${d.range}"`).join(" ");
    super(
      `${what} needs packages that are not installed (or not in a version it supports):\n${list}\n` +
        `Install them as development dependencies:\n  npm i -D ${specs}\n  (pnpm: pnpm add -D ${specs})\n` +
        `The contract side ("near-callback-guards") needs none of them.`,
    );
    this.name = "MissingDependenciesError";
  }
}

/**
 * The dependencies of `list` that cannot be resolved from this package.
 *
 * @example
 * missingDependencies(TESTING_DEPENDENCIES).map((d) => d.name); // [] when everything is installed
 */
export function missingDependencies(list: readonly TestingDependency[] = TESTING_DEPENDENCIES): TestingDependency[] {
  // Resolved from here (this package's directory), as the modules that import them are.
  const req = createRequire(import.meta.url);
  const missing: TestingDependency[] = [];
  for (const d of list) {
    const version = installedVersion(req, d.name);
    if (version === null) missing.push(d);
    else if (version !== "" && !satisfies(version, d.range)) missing.push({ ...d, found: version });
  }
  return missing;
}

/** The installed version of a package as this package resolves it: "" when installed but unreadable, null when not installed. */
function installedVersion(req: NodeRequire, name: string): string | null {
  let entry: string;
  try {
    entry = req.resolve(name === "near-sdk-js" ? "near-sdk-js/package.json" : name);
  } catch (e) {
    // A package that exists but hides its entry from `require` (ES-only "exports") is installed.
    return (e as { code?: string }).code === "ERR_PACKAGE_PATH_NOT_EXPORTED" ? "" : null;
  }
  // The package's own package.json: the nearest one above the entry that has the package's name.
  let dir = path.dirname(entry);
  for (let i = 0; i < 8; i++) {
    try {
      const json = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (json.name === name) return json.version ?? "";
    } catch {
      /* keep going up */
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return "";
}

/**
 * `version` satisfies `range`, for the two forms the peer dependencies use: `^X.Y.Z` (same major, at
 * least X.Y.Z; for 0.x the same minor) and `>=X.Y.Z`. Pre-release tags are ignored.
 *
 * @example satisfies("4.7.4", ">=5.0.0") // false
 */
export function satisfies(version: string, range: string): boolean {
  const parse = (v: string) => v.replace(/^[^\d]*/, "").split(/[.+-]/).slice(0, 3).map((n) => Number.parseInt(n, 10) || 0);
  const [a, b, c] = parse(version);
  const [x, y, z] = parse(range);
  const atLeast = a > x || (a === x && (b > y || (b === y && c >= z)));
  if (range.trim().startsWith(">=")) return atLeast;
  if (range.trim().startsWith("^")) return atLeast && a === x && (x !== 0 || b === y);
  return true;
}

/**
 * Throws `MissingDependenciesError` (code `ERR_MISSING_DEPENDENCIES`) naming every missing package.
 *
 * @example
 * assertDependencies(TESTING_DEPENDENCIES, "near-callback-guards/testing");
 */
export function assertDependencies(list: readonly TestingDependency[], what: string): void {
  const missing = missingDependencies(list);
  if (missing.length > 0) throw new MissingDependenciesError(missing, what);
}
