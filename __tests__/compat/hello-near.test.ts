/**
 * near-workspaces parity: create-near-app's hello-near TypeScript template (its contract and its sandbox
 * test `sandbox-test/main.ava.js`, read from the create-near-app package installed as a dev dependency) runs
 * on the local runtime with one change: the contract path (`process.argv[2]`, the .wasm the template's npm
 * script passes) becomes the template's contract source. `near-workspaces` resolves to this package's
 * testing side and `ava` to an adapter onto jest; the test file's text is otherwise untouched.
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

test("only the contract path changed", () => {
  expect(changed).not.toBe(original);
  expect(changed.split("\n").filter((line, i) => line !== original.split("\n")[i])).toEqual([`    ${JSON.stringify(contractPath)},`]);
});

jest.unstable_mockModule("ava", () => ({ default: avaOnJest() }), { virtual: true });
jest.unstable_mockModule("near-workspaces", () => testing);
await import(testFile);
