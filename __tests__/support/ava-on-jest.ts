/**
 * The part of ava's API that create-near-app's sandbox tests use (`test(name, fn)`, `test.beforeEach`,
 * `test.afterEach.always`, `t.context`, `t.is`, ...), mapped onto jest, so those test files run unchanged
 * under jest (tests/compat). Not a copy of ava: an adapter written for these tests.
 */
import { afterAll, afterEach, beforeAll, beforeEach, expect, test as jestTest } from "@jest/globals";

type Fn = (t: AvaT) => unknown;

/** The assertion object ava passes to each hook and test. */
export interface AvaT {
  context: Record<string, unknown>;
  is(actual: unknown, expected: unknown): void;
  not(actual: unknown, expected: unknown): void;
  deepEqual(actual: unknown, expected: unknown): void;
  true(value: unknown): void;
  false(value: unknown): void;
  truthy(value: unknown): void;
  pass(): void;
  log(...values: unknown[]): void;
}

/** An ava-like `test` function whose tests and hooks are jest's. */
export function avaOnJest() {
  let context: Record<string, unknown> = {};
  beforeEach(() => {
    context = {};
  });
  const t = (): AvaT => ({
    get context() {
      return context;
    },
    set context(value) {
      context = value;
    },
    is: (a, b) => expect(a).toBe(b),
    not: (a, b) => expect(a).not.toBe(b),
    deepEqual: (a, b) => expect(a).toEqual(b),
    true: (v) => expect(v).toBe(true),
    false: (v) => expect(v).toBe(false),
    truthy: (v) => expect(v).toBeTruthy(),
    pass: () => {},
    log: (...v) => console.log(...v),
  });
  const afterEachAva = Object.assign((fn: Fn) => afterEach(async () => void (await fn(t()))), { always: (fn: Fn) => afterEach(async () => void (await fn(t()))) });
  const afterAva = Object.assign((fn: Fn) => afterAll(async () => void (await fn(t()))), { always: (fn: Fn) => afterAll(async () => void (await fn(t()))) });
  return Object.assign((name: string, fn: Fn) => jestTest(name, async () => void (await fn(t()))), {
    beforeEach: (fn: Fn) => beforeEach(async () => void (await fn(t()))),
    afterEach: afterEachAva,
    before: (fn: Fn) => beforeAll(async () => void (await fn(t()))),
    after: afterAva,
  });
}
