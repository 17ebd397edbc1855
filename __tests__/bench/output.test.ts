/** The benchmark's report formats (bench/output.ts): every key in the JSON line, nulls explained. No timing. */
import { FIGURE_KEYS, type Figure, type FigureKey } from "../../bench/figures.js";
import { toJsonLine, toMarkdown, type BenchResult } from "../../bench/output.js";
import { verdict } from "../../bench/targets.js";

function result(overrides: Partial<Record<FigureKey, Figure>> = {}): BenchResult {
  const figures = Object.fromEntries(FIGURE_KEYS.map((k) => [k, { value: 1 }])) as Record<FigureKey, Figure>;
  return {
    figures: { ...figures, ...overrides },
    details: [["Section", "label", "value"]],
    machine: { cpuModel: "cpu", cores: 2, node: "v20.0.0", platform: "linux-x64", loadAverage1m: 0 },
  };
}

describe("bench output", () => {
  test("the JSON line has every figure key, the machine and the reasons for nulls, on one line", () => {
    const line = toJsonLine(result({ receiptsPerSecQuickjs: { value: null, reason: "no quickjs" } }));
    expect(line).not.toMatch(/\n/);
    const parsed = JSON.parse(line);
    for (const k of FIGURE_KEYS) expect(parsed).toHaveProperty(k);
    expect(parsed.receiptsPerSecQuickjs).toBeNull();
    expect(parsed.nullReasons).toEqual({ receiptsPerSecQuickjs: "no quickjs" });
    expect(parsed.machine).toMatchObject({ cpuModel: "cpu", cores: 2, node: "v20.0.0" });
  });

  test("structured results (the near-sdk-js benchmark rows) are extra keys of the JSON line", () => {
    const rows = [{ row: "lowlevel-minimal", ratios: { receipt: 0.5, wasmInstruction: 0.4, wasmBytes: 1.02 } }];
    const parsed = JSON.parse(toJsonLine({ ...result(), structured: { nearSdkJsBenchmark: rows } }));
    expect(parsed.nearSdkJsBenchmark).toEqual(rows);
    expect(parsed).toHaveProperty("wasmCallMs");
  });

  test("the markdown table has one row per figure, with target and verdict", () => {
    const md = toMarkdown(result({ schedulesPerSec: { value: null, reason: "explorer missing" }, guardGasRatio: { value: 1.2 } }));
    for (const k of FIGURE_KEYS) expect(md).toMatch(new RegExp(`^\\| ${k} \\|`, "m"));
    expect(md).toMatch(/^\| schedulesPerSec \| null \(explorer missing\) \| ≥ 500 \/s \| n\/a \|$/m);
    expect(md).toMatch(/^\| guardGasRatio \| 1\.2× \| ≤ 1\.10× \| no \|$/m);
  });

  test("verdicts follow design.md §6", () => {
    expect(verdict("guardGasRatio", 1.1)).toBe("yes");
    expect(verdict("storageOpsExtra", 2)).toBe("no");
    expect(verdict("bytesAfterSettle", 0)).toBe("yes");
    expect(verdict("bundleBytesPrivateCallback", 2048)).toBe("yes");
    expect(verdict("receiptsPerSecQuickjs", 5)).toBe("n/a");
    expect(verdict("flowMs", null)).toBe("n/a");
  });
});
