/**
 * The corpus: every naive contract of examples/ is flagged with the rule ids it deserves, every guarded one
 * (and every mock callee) is clean, every corpus contract of bench/contracts/lint-corpus/ gives exactly the
 * findings its `// expect:` markers declare, except the two declared blind spots. The bench reports the
 * same score as lintPrecision / lintRecall.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { lintFiles } from "../../src/lint/lint.js";
import { corpusExpectations, corpusFiles, scoreCorpus } from "../../bench/lint-corpus.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const rel = (f: string) => path.relative(root, f);

describe("lint corpus", () => {
  const files = corpusFiles();
  const result = lintFiles({ files });
  const rulesOf = (file: string) => [...new Set(result.findings.filter((f) => rel(f.location.file) === file).map((f) => f.rule))].sort();

  test("every naive example is flagged with the expected rule ids", () => {
    expect(rulesOf("examples/staking/naive.ts")).toEqual(["state-before-callback"]);
    expect(rulesOf("examples/escrow/naive.ts")).toEqual(["state-before-callback"]);
    expect(rulesOf("examples/withdrawal/naive.ts")).toEqual(["state-before-callback"]);
    expect(rulesOf("examples/and-join/naive.ts")).toEqual(["throwing-promise-result"]);
  });

  test("every guarded example and every mock callee is clean", () => {
    const clean = ["staking/guarded.ts", "staking/validator.ts", "escrow/marketplace.ts", "escrow/shop.ts", "withdrawal/vault.ts", "withdrawal/bank.ts", "and-join/split-staking.ts", "and-join/pool.ts"];
    for (const f of clean) expect([f, rulesOf(`examples/${f}`)]).toEqual([f, []]);
  });

  test("the corpus gives exactly its declared findings, except the two declared blind spots", () => {
    const score = scoreCorpus(result.findings, corpusExpectations());
    expect(score.falsePositives.map((f) => `${f.rule} ${rel(f.location.file)}:${f.location.line}`)).toEqual([]);
    expect(score.falseNegatives.map((e) => `${e.rule} ${rel(e.file)}`)).toEqual([
      "state-before-callback bench/contracts/lint-corpus/blind-spots.ts",
      "public-callback bench/contracts/lint-corpus/blind-spots.ts",
    ]);
    expect(score.truePositives.length).toBe(corpusExpectations().length - 2);
    expect(score.precision).toBe(1);
    expect(score.recall).toBeCloseTo(score.truePositives.length / (score.truePositives.length + 2), 10);
  });

  test("the corpus covers every rule, unsafe and safe files in TypeScript and JavaScript", () => {
    const expected = corpusExpectations();
    for (const rule of ["public-callback", "throwing-promise-result", "state-before-callback", "missing-refund", "callback-gas", "guard-placement"]) {
      expect([rule, expected.some((e) => e.rule === rule)]).toEqual([rule, true]);
    }
    const corpus = files.filter((f) => rel(f).startsWith("bench/contracts/lint-corpus/"));
    expect(corpus.some((f) => f.endsWith(".js"))).toBe(true);
    const flagged = new Set(expected.map((e) => e.file));
    expect(corpus.filter((f) => !flagged.has(f)).map((f) => path.basename(f)).sort()).toEqual(["donation-safe.ts", "escrow-guarded.ts", "ft-resolve-safe.ts", "nft-resolve-safe.js", "status-callback.js", "token-withdraw-safe.ts"]);
  });
});
