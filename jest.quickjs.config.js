/**
 * Jest configuration of `npm run test:quickjs`: the default configuration, plus a setup file that loads
 * QuickJS before each test file when NEAR_CALLBACK_GUARDS_ENGINE=quickjs (so tests that drive a `Chain`
 * synchronously need not await `chain.ready()`).
 */
import base from "./jest.config.js";

/** @type {import('jest').Config} */
export default {
  ...base,
  setupFilesAfterEnv: [...(base.setupFilesAfterEnv ?? []), "<rootDir>/__tests__/engines/setup-engine.ts"],
};
