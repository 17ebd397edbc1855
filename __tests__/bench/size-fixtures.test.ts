/**
 * The contract-size fixtures (bench/contracts/size) must be working contracts of the same shape, or the
 * bytes the benchmark attributes to the guards would include something else.
 */
import { Worker, bundleContract } from "../../src/testing/index.js";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { SIZE_FIXTURES } from "../../bench/contract-size.js";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "bench", "contracts", "size");

describe("contract-size fixtures", () => {
  test.each(Object.entries(SIZE_FIXTURES))("%s exports the minimal contract's methods and loads", async (_name, file) => {
    const bundle = await bundleContract(path.join(dir, file));
    const minimal = await bundleContract(path.join(dir, SIZE_FIXTURES.minimal));
    expect([...bundle.methods].sort()).toEqual([...minimal.methods].sort());
    const worker = await Worker.init();
    const contract = await worker.rootAccount.devDeploy(path.join(dir, file));
    // Loading runs the guards' decoration-time placement checks; a misplaced guard would fail here.
    expect(await contract.view("get_settled")).toBe(0);
  });
});
