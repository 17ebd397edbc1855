/**
 * Jest configuration of `npm run test:wasm`: the default configuration on the `wasm` engine
 * (NEAR_CALLBACK_GUARDS_ENGINE=wasm). Its global setup prepares the wasm toolchain once before the workers
 * start (the first time on a machine: a minute or two; then cached). Without a toolchain the run is one
 * skipped test saying what to install, never a silent fall-back to another engine.
 */
import base from "./jest.config.js";
import { execFileSync } from "node:child_process";

/** @returns {Promise<import('jest').Config>} */
export default async function wasmConfig() {
  // In a child process: loading TypeScript here would change how jest then loads its own files.
  const problem = JSON.parse(
    execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", 'import { wasmToolchainProblem } from "./src/testing/loader/wasm/toolchain.ts"; process.stdout.write(JSON.stringify(wasmToolchainProblem()));'], { encoding: "utf8" }),
  );
  if (problem) {
    // Read by __tests__/engines/wasm-unavailable.test.ts (jest's workers inherit the environment).
    process.env.NEAR_CALLBACK_GUARDS_WASM_UNAVAILABLE = problem;
    process.stderr.write(`wasm engine: suite skipped: ${problem}\n`);
    return { ...base, globalSetup: undefined, testMatch: ["<rootDir>/__tests__/engines/wasm-unavailable.test.ts"] };
  }
  return {
    ...base,
    globalSetup: "<rootDir>/__tests__/engines/wasm-global-setup.ts",
    setupFilesAfterEnv: [...(base.setupFilesAfterEnv ?? []), "<rootDir>/__tests__/engines/setup-engine.ts"],
    // Building a contract the first time (clang's LTO link) takes seconds; deploys in beforeAll wait for it.
    testTimeout: 600_000,
  };
}
