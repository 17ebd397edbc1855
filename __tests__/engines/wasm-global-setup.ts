/**
 * Jest global setup of `npm run test:wasm`: the sandbox suite's skip line, then the wasm toolchain prepared
 * once for every worker (built the first time on a machine, then taken from the cache). The preparation runs
 * in a child process: jest loads this file as CommonJS, the runtime is an ES module.
 */
import { execFileSync } from "node:child_process";
import sandboxGlobalSetup from "../sandbox/global-setup";

const PREPARE = `
import { loadWasmToolchain } from "./src/testing/loader/wasm/toolchain.ts";
const start = Date.now();
const toolchain = await loadWasmToolchain();
process.stdout.write(\`wasm engine: \${toolchain.description} (ready in \${((Date.now() - start) / 1000).toFixed(1)} s)\`);
`;

export default function globalSetup(): void {
  sandboxGlobalSetup();
  const line = execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", PREPARE], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  process.stderr.write(`\n${line}\n`);
}
