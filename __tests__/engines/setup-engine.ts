/**
 * Jest setup for `npm run test:quickjs` (setupFilesAfterEnv): when NEAR_CALLBACK_GUARDS_ENGINE=quickjs,
 * loads QuickJS before the test file runs, so tests that build a `Chain` directly and drive it
 * synchronously (`step()`, `runUntilIdle()`, `view()`) work without awaiting `chain.ready()` first.
 */
import { resolveEngine } from "../../src/testing/loader/engines.js";
import { loadQuickJS } from "../../src/testing/loader/quickjs-engine.js";

if (resolveEngine() === "quickjs") await loadQuickJS();
