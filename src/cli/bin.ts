#!/usr/bin/env node
/**
 * The published `near-callback-guards` executable: names every missing optional peer dependency of the
 * command line at once (an ES module fails on its first missing import before any of its code runs), then
 * starts the command line (./index.ts).
 */
import { assertDependencies, CLI_DEPENDENCIES, TESTING_DEPENDENCIES, MissingDependenciesError } from "../testing/dependencies.js";

try {
  assertDependencies([...TESTING_DEPENDENCIES, ...CLI_DEPENDENCIES], "The near-callback-guards command");
  await import("./index.js");
} catch (e) {
  if (!(e instanceof MissingDependenciesError)) throw e;
  process.stderr.write(`near-callback-guards: ${e.message}\n`);
  process.exitCode = 2;
}
