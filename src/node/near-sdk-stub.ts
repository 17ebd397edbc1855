/**
 * What the Node copies of the contract side (`near-callback-guards` under the `node` and `require`
 * conditions) get instead of near-sdk-js. near-sdk-js is an ES module built for its rollup step: Node
 * cannot load it (directory imports), and its API (`near.*`, `NearPromise`, storage) only works inside a
 * contract. So in Node the contract side's constants, types, error classes and pure helpers work, and a
 * function that needs near-sdk-js throws `ContractOnlyError` when called, naming what to do instead.
 * Contracts never see this module: near-sdk-js's rollup resolves the package's `import` condition, the real
 * ES module. Not part of the contract side's source tree (src/core, src/guards), which imports near-sdk-js.
 */

/**
 * Thrown in Node when code that only runs inside a contract is called.
 * @example
 * import { assertPrivateCallback } from "near-callback-guards"; // in Node: the contract side's Node copy
 * assertPrivateCallback("on_done"); // throws ContractOnlyError (code ERR_CONTRACT_ONLY)
 */
export class ContractOnlyError extends Error {
  readonly code = "ERR_CONTRACT_ONLY";
  constructor(member: string) {
    super(
      `near-sdk-js's ${member} only works inside a contract, and near-sdk-js cannot load in Node. ` +
        `In Node, near-callback-guards gives its constants, types, errors and pure helpers; to run the guards, ` +
        `deploy your contract on the local runtime (import { Worker } from "near-callback-guards/testing").`,
    );
    this.name = "ContractOnlyError";
  }
}

/**
 * A stand-in for one near-sdk-js export: any use of it (call, `new`, reading a member) throws
 * `ContractOnlyError`. `typeof` and passing it around do not.
 *
 * @example
 * const near = contractOnly("near");
 * near.blockHeight(); // throws ContractOnlyError: near-sdk-js's near.blockHeight only works inside a contract...
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function contractOnly(name: string): any {
  const fail = (member?: PropertyKey): never => {
    throw new ContractOnlyError(member === undefined ? name : `${name}.${String(member)}`);
  };
  return new Proxy(function stub() {}, {
    get: (_t, key) => (key === Symbol.toPrimitive || key === "toString" || key === Symbol.toStringTag ? () => `[near-sdk-js ${name}: contract only]` : fail(key)),
    apply: () => fail(),
    construct: () => fail(),
  });
}
