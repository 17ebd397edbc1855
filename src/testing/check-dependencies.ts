/**
 * Imported first by `near-callback-guards/testing`: fails with one `MissingDependenciesError` naming every
 * missing optional peer dependency before any module that needs one loads.
 */
import { assertDependencies, TESTING_DEPENDENCIES } from "./dependencies.js";

assertDependencies(TESTING_DEPENDENCIES, "near-callback-guards/testing");

/** True once the check above passed (exported so that bundlers keep this module and its order). */
export const testingDependenciesChecked = true;
