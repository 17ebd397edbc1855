/**
 * The testing side's dependencies are optional peer dependencies, so that a contract-only install gets
 * nothing beyond near-sdk-js: a project that tests installs them with one command (README, "Use it in your
 * project"). This module runs first when `near-callback-guards/testing` (or the CLI) loads and names every
 * missing package at once, with the command that installs them, instead of a bare MODULE_NOT_FOUND for the
 * first one.
 */
import { createRequire } from "node:module";

/** A package the testing side needs, and what for. */
export interface TestingDependency {
  /** Package name. */
  name: string;
  /** Version range (the optional peer dependency's). */
  range: string;
  /** What needs it. */
  usedFor: string;
}

/** Needed by `near-callback-guards/testing`. near-sdk-js brings rollup and babel, which bundle contracts. */
export const TESTING_DEPENDENCIES: readonly TestingDependency[] = [
  { name: "near-sdk-js", range: "^2.0.0", usedFor: "bundling contracts with near-sdk-js's own rollup + babel step" },
  { name: "@noble/hashes", range: "^1.8.0", usedFor: "the sha256/keccak/ripemd160 host functions" },
  { name: "@noble/curves", range: "^1.9.7", usedFor: "the ecrecover/alt_bn128 host functions" },
  { name: "@scure/base", range: "^1.2.6", usedFor: "base58 hashes and keys" },
  { name: "typescript", range: ">=5.0.0", usedFor: "the guard placement check run at deploy" },
  { name: "cli-progress", range: "^3.12.0", usedFor: "the explorer's progress bar" },
];

/** Also needed by the `near-callback-guards` command. */
export const CLI_DEPENDENCIES: readonly TestingDependency[] = [
  { name: "commander", range: "^14.0.0", usedFor: "the command line" },
  { name: "tsx", range: "^4.19.0", usedFor: "loading TypeScript scenario files" },
];

/** Thrown when the testing side is used without its optional peer dependencies. */
export class MissingDependenciesError extends Error {
  readonly code = "ERR_MISSING_DEPENDENCIES";
  constructor(
    /** The missing packages. */
    readonly missing: readonly TestingDependency[],
    what: string,
  ) {
    const list = missing.map((d) => `  - ${d.name}@${d.range}: ${d.usedFor}`).join("\n");
    const specs = missing.map((d) => `${d.name}@"${d.range}"`).join(" ");
    super(
      `${what} needs packages that are not installed:\n${list}\n` +
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
  return list.filter((d) => {
    try {
      req.resolve(d.name === "near-sdk-js" ? "near-sdk-js/package.json" : d.name);
      return false;
    } catch (e) {
      // A package that exists but hides its entry from `require` (ESM-only "exports") is installed.
      return (e as { code?: string }).code !== "ERR_PACKAGE_PATH_NOT_EXPORTED";
    }
  });
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
