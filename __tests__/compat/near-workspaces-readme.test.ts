/**
 * near-workspaces parity: the Quick Start of near-workspaces' README (read from the near-workspaces package
 * installed as a dev dependency) runs on the local runtime with the contract path changed
 * ('path/to/compiled.wasm' becomes a contract source) and nothing else. The README's two snippets are
 * joined into one module with the `Worker` import they leave out; `near-workspaces` resolves to this
 * package's testing side. Then the calls the README shows (`alice.call(contract, ...)`,
 * `contract.view(..., {account_id: alice})`) run on the accounts it created.
 */
import { jest } from "@jest/globals";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as testing from "../../src/testing/index.js";

const require = createRequire(import.meta.url);
const readme = readFileSync(path.join(path.dirname(require.resolve("near-workspaces/package.json")), "README.md"), "utf8");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const contractPath = path.join(root, "__tests__", "fixtures", "workspaces-readme.ts");

/** The README's ```ts blocks, dedented. */
const blocks = [...readme.matchAll(/^([ \t]*)```ts\n([\s\S]*?)^[ \t]*```/gm)].map(([, indent, body]) =>
  body
    .split("\n")
    .map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l))
    .join("\n"),
);
const code = blocks.join("\n");
const imports = code.split("\n").filter((l) => /^import\s/.test(l));
const body = code.split("\n").filter((l) => !/^import\s/.test(l)).join("\n");
const module = [`import { Worker } from "near-workspaces";`, ...imports, body].join("\n");
const changed = module.replace("'path/to/compiled.wasm'", JSON.stringify(contractPath));

const workers: testing.Worker[] = [];
const recordingTesting = {
  ...testing,
  Worker: new Proxy(testing.Worker, {
    get(target, key, receiver) {
      if (key !== "init") return Reflect.get(target, key, receiver);
      return async (...args: Parameters<typeof testing.Worker.init>) => {
        const w = await testing.Worker.init(...args);
        workers.push(w);
        return w;
      };
    },
  }),
};

test("the README has the Quick Start this test runs, and only the contract path changes", () => {
  expect(blocks).toHaveLength(2);
  expect(module).toContain("const contract = await root.devDeploy('path/to/compiled.wasm');");
  expect(changed).not.toBe(module);
  expect(changed.replace(JSON.stringify(contractPath), "'path/to/compiled.wasm'")).toBe(module);
});

test("the Quick Start runs: a worker, alice, the contract deployed; its calls work as written", async () => {
  const dir = path.join(root, "node_modules", ".cache", "near-callback-guards-tests", "near-workspaces-readme");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "quick-start.mjs");
  writeFileSync(file, changed);
  jest.unstable_mockModule("near-workspaces", () => recordingTesting);
  await import(file);
  expect(workers).toHaveLength(1);
  const worker = workers[0];
  const alice = worker.account("alice.test.near");
  expect(await alice.exists()).toBe(true);
  const contract = worker.account("dev-1.test.near");
  expect(await contract.view("some_view_function", { account_id: alice })).toBe("some default");
  // The README's calls, as written there.
  await alice.call(contract, "some_update_function", { some_string_argument: "cool", some_number_argument: 42 });
  expect(await contract.view("some_view_function", { account_id: alice })).toBe("whatever");
});
