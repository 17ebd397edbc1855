/**
 * near-workspaces parity: create-near-app's hello-near TypeScript template (its contract and its sandbox
 * test `sandbox-test/main.ava.js`, read from the create-near-app package installed as a dev dependency) runs
 * on the local runtime with one change: the contract path (`process.argv[2]`, the .wasm the template's npm
 * script passes) becomes the template's contract source. `near-workspaces` resolves to this package's
 * testing side and `ava` to an adapter onto jest (a stand-in package next to the copied test file); the
 * test file's text is otherwise untouched.
 */
import { jest } from "@jest/globals";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as testing from "../../src/testing/index.js";
import { avaOnJest } from "../support/ava-on-jest.js";

const require = createRequire(import.meta.url);
const template = path.join(path.dirname(require.resolve("create-near-app/package.json")), "templates", "contracts", "ts");
const original = readFileSync(path.join(template, "sandbox-test", "main.ava.js"), "utf8");
const contractPath = path.join(template, "src", "contract.ts");
const changed = original.replace("process.argv[2]", JSON.stringify(contractPath));

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "node_modules", ".cache", "near-callback-guards-tests", "hello-near");
mkdirSync(dir, { recursive: true });
const testFile = path.join(dir, "main.ava.js");
writeFileSync(testFile, changed);
// `import anyTest from 'ava'` finds this package next to the test file: the adapter onto jest.
mkdirSync(path.join(dir, "node_modules", "ava"), { recursive: true });
writeFileSync(path.join(dir, "node_modules", "ava", "package.json"), JSON.stringify({ name: "ava", type: "module", main: "index.js" }));
writeFileSync(path.join(dir, "node_modules", "ava", "index.js"), `export default globalThis[Symbol.for("near-callback-guards.avaOnJest")];\n`);

test("only the contract path changed", () => {
  expect(changed).not.toBe(original);
  expect(changed.split("\n").filter((line, i) => line !== original.split("\n")[i])).toEqual([`    ${JSON.stringify(contractPath)},`]);
});

(globalThis as Record<symbol, unknown>)[Symbol.for("near-callback-guards.avaOnJest")] = avaOnJest();
jest.unstable_mockModule("near-workspaces", () => testing);
await import(testFile);
