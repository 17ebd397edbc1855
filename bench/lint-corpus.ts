/**
 * The linter's corpus and its score: every contract of examples/ (naive ones flagged, guarded ones and the
 * mock callees clean) and the corpus of bench/contracts/lint-corpus/ (FT/NFT resolve, donation, escrow,
 * low-level promise API, cross-file, template callback names, known blind spots), each expected finding
 * declared where it belongs: `// expect: rule-id` at the end of the line in corpus files, and a table below
 * for examples/ (whose files this corpus does not edit). Used by `npm run bench` (lintPrecision, lintRecall,
 * lintFilesPerSec) and by __tests__/lint/corpus.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { lintFiles } from "../src/lint/lint.js";
import { clearParseCache } from "../src/lint/analyzer/project.js";
import type { Finding, RuleId } from "../src/lint/types.js";
import { measured, round, type SectionResult } from "./figures.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** One expected finding: a rule on a line of a file (absolute path). */
export interface Expectation {
  file: string;
  rule: RuleId;
  line: number;
}

/** examples/ files and what they must be flagged with: the rule, and text on the line it must start on. */
const EXAMPLE_EXPECTATIONS: { file: string; rule: RuleId; lineWith: string }[] = [
  { file: "examples/staking/naive.ts", rule: "state-before-callback", lineWith: "this.balances.set(user, (this.balanceOf(user) + amount).toString());" },
  { file: "examples/escrow/naive.ts", rule: "state-before-callback", lineWith: "this.earnings.set(this.shop, (this.earningsOf(this.shop) + deposit).toString());" },
  { file: "examples/withdrawal/naive.ts", rule: "state-before-callback", lineWith: '.functionCall("deposit_for"' },
  { file: "examples/and-join/naive.ts", rule: "throwing-promise-result", lineWith: "near.promiseResult(0);" },
];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sources(p));
    else if (/\.[cm]?[jt]s$/.test(e.name) && !/\.d\.ts$/.test(e.name) && !e.name.startsWith(".")) out.push(p);
  }
  return out;
}

/** Every file of the corpus (absolute paths): examples/ and bench/contracts/lint-corpus/. */
export function corpusFiles(): string[] {
  return [...sources(path.join(root, "examples")), ...sources(path.join(root, "bench/contracts/lint-corpus"))];
}

/** The expected findings of the corpus. */
export function corpusExpectations(): Expectation[] {
  const out: Expectation[] = [];
  for (const e of EXAMPLE_EXPECTATIONS) {
    const file = path.join(root, e.file);
    const lines = readFileSync(file, "utf8").split("\n");
    const at = lines.findIndex((l) => l.indexOf(e.lineWith) >= 0);
    if (at < 0) throw new Error(`${e.file} no longer has a line with ${JSON.stringify(e.lineWith)}: update EXAMPLE_EXPECTATIONS in bench/lint-corpus.ts`);
    out.push({ file, rule: e.rule, line: at + 1 });
  }
  for (const file of sources(path.join(root, "bench/contracts/lint-corpus"))) {
    readFileSync(file, "utf8")
      .split("\n")
      .forEach((l, i) => {
        const m = /\/\/\s*expect:\s*([a-z-]+(?:\s*,\s*[a-z-]+)*)\s*$/.exec(l);
        if (m) for (const rule of m[1].split(/\s*,\s*/)) out.push({ file, rule: rule as RuleId, line: i + 1 });
      });
  }
  return out;
}

/** How the findings compare with the expectations. */
export interface CorpusScore {
  truePositives: Expectation[];
  falsePositives: Finding[];
  falseNegatives: Expectation[];
  precision: number;
  recall: number;
}

/**
 * Scores findings against expectations: a finding is a true positive when an expectation has its file, rule
 * and first line.
 *
 * @example
 * const s = scoreCorpus(lintFiles({ files: corpusFiles() }).findings, corpusExpectations());
 */
export function scoreCorpus(findings: readonly Finding[], expected: readonly Expectation[]): CorpusScore {
  const matched = new Set<Expectation>();
  const falsePositives: Finding[] = [];
  for (const f of findings) {
    const e = expected.find((x) => !matched.has(x) && x.file === f.location.file && x.rule === f.rule && x.line === f.location.line);
    if (e) matched.add(e);
    else falsePositives.push(f);
  }
  const truePositives = expected.filter((e) => matched.has(e));
  const falseNegatives = expected.filter((e) => !matched.has(e));
  const tp = truePositives.length;
  return {
    truePositives,
    falsePositives,
    falseNegatives,
    precision: tp + falsePositives.length === 0 ? 1 : tp / (tp + falsePositives.length),
    recall: tp + falseNegatives.length === 0 ? 1 : tp / (tp + falseNegatives.length),
  };
}

const rel = (f: string) => path.relative(root, f);

/** The bench section: precision and recall over the corpus, and files linted per second (parse included). */
export async function measureLintCorpus(): Promise<SectionResult> {
  const files = corpusFiles();
  const expected = corpusExpectations();
  const result = lintFiles({ files });
  const score = scoreCorpus(result.findings, expected);
  // Speed: the whole corpus linted from scratch (parse cache emptied), 2 warm-up runs, median of 7.
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < 9; i++) {
    clearParseCache();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    lintFiles({ files });
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (i >= 2) {
      times.push(ms);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  cpu.sort((a, b) => a - b);
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const details: [string, string][] = [
    ["corpus", `${files.length} files, ${result.contracts} contracts, ${expected.length} expected findings`],
    ["true positives", String(score.truePositives.length)],
    ["false positives", score.falsePositives.length ? score.falsePositives.map((f) => `${f.rule} ${rel(f.location.file)}:${f.location.line}`).join("; ") : "none"],
    ["false negatives", score.falseNegatives.length ? score.falseNegatives.map((e) => `${e.rule} ${rel(e.file)}:${e.line}`).join("; ") : "none"],
    ["lint time per corpus run", `${round(median, 1)} ms median (min ${round(times[0], 1)}, max ${round(times[times.length - 1], 1)})`],
    ["CPU time per corpus run (steadier on a loaded machine)", `${round(cpu[Math.floor(cpu.length / 2)], 1)} ms median: ${Math.round((files.length * 1000) / cpu[Math.floor(cpu.length / 2)])} files per CPU-second`],
  ];
  return {
    figures: {
      lintPrecision: measured(round(score.precision, 3)),
      lintRecall: measured(round(score.recall, 3)),
      lintFilesPerSec: measured(Math.round((files.length * 1000) / median)),
    },
    details,
  };
}
