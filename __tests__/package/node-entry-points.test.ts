/**
 * What the package's Node entry points rely on, tested from the sources (the packed package itself is
 * tested by scripts/pack-test.mjs): the missing-dependency error names every missing optional peer and
 * how to install them; the stand-in for near-sdk-js in the contract side's Node copies throws a named
 * error on use and nothing on load.
 */
import { readFileSync } from "node:fs";
import { missingDependencies, MissingDependenciesError, TESTING_DEPENDENCIES, CLI_DEPENDENCIES } from "../../src/testing/index.js";
import { satisfies } from "../../src/testing/dependencies.js";
import { contractOnly, ContractOnlyError } from "../../src/node/near-sdk-stub.js";

describe("optional peer dependencies", () => {
  test("everything the testing side and the command line need is installed in this repository", () => {
    expect(missingDependencies([...TESTING_DEPENDENCIES, ...CLI_DEPENDENCIES])).toEqual([]);
  });

  test("a missing package is named, with its range, what needs it, and the npm and pnpm commands", () => {
    const fake = [
      { name: "near-callback-guards-missing-one", range: "^1.0.0", usedFor: "a test" },
      { name: "@near-callback-guards/missing-two", range: "^2.0.0", usedFor: "another test" },
      { name: "typescript", range: ">=5.0.0", usedFor: "present" },
    ];
    const missing = missingDependencies(fake);
    expect(missing.map((d) => d.name)).toEqual(["near-callback-guards-missing-one", "@near-callback-guards/missing-two"]);
    const error = new MissingDependenciesError(missing, "near-callback-guards/testing");
    expect(error.code).toBe("ERR_MISSING_DEPENDENCIES");
    expect(error.message).toContain("near-callback-guards/testing needs packages that are not installed (or not in a version it supports):\n  - near-callback-guards-missing-one@^1.0.0: a test\n  - @near-callback-guards/missing-two@^2.0.0: another test");
    expect(error.message).toContain(`npm i -D near-callback-guards-missing-one@"^1.0.0" @near-callback-guards/missing-two@"^2.0.0"`);
    expect(error.message).toContain(`pnpm add -D near-callback-guards-missing-one@"^1.0.0"`);
  });

  test("an installed version outside the range counts as missing, with the version found", () => {
    const tooNew = missingDependencies([{ name: "typescript", range: "^1.0.0", usedFor: "x" }]);
    expect(tooNew).toHaveLength(1);
    expect(tooNew[0].found).toMatch(/^5\./);
    expect(new MissingDependenciesError(tooNew, "t").message).toMatch(/typescript@\^1\.0\.0: x \(found 5\.\d+\.\d+\)/);
    expect(satisfies("4.7.4", ">=5.0.0")).toBe(false);
    expect(satisfies("5.9.3", ">=5.0.0")).toBe(true);
    expect(satisfies("9.4.1", "^14.0.0")).toBe(false);
    expect(satisfies("14.0.3", "^14.0.0")).toBe(true);
    expect(satisfies("1.9.7", "^1.9.7")).toBe(true);
    expect(satisfies("1.9.6", "^1.9.7")).toBe(false);
    expect(satisfies("2.0.0", "^1.9.7")).toBe(false);
    expect(satisfies("0.33.0", "^0.32.0")).toBe(false);
  });

  test("the ranges are the package's optional peer dependencies", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { peerDependencies: Record<string, string> };
    for (const d of [...TESTING_DEPENDENCIES, ...CLI_DEPENDENCIES]) {
      expect({ name: d.name, range: (pkg.peerDependencies as Record<string, string>)[d.name] }).toEqual({ name: d.name, range: d.range });
    }
  });
});

describe("near-sdk-js in the contract side's Node copies", () => {
  test("loading and passing it around is fine; any use throws ContractOnlyError naming the member", () => {
    const near = contractOnly("near");
    expect(typeof near).toBe("function");
    expect(() => near.blockHeight()).toThrow(ContractOnlyError);
    expect(() => near.blockHeight()).toThrow(/^near-sdk-js's near\.blockHeight only works inside a contract/);
    const NearPromise = contractOnly("NearPromise");
    expect(() => new NearPromise()).toThrow(/NearPromise only works inside a contract/);
    expect(() => contractOnly("validateAccountId")("alice.near")).toThrow(/validateAccountId only works inside a contract/);
    expect(String(near)).toBe("[near-sdk-js near: contract only]");
  });
});
