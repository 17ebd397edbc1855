/**
 * Contract bundling, first run: `bundleColdMs` (the first contract of a project whose cache is empty:
 * near-sdk-js and lodash-es resolved and transformed once), `bundleNextMs` (each further new contract:
 * the transform cache serves everything but its own files; the median of three). Measured in a child
 * process (bench/bundle-child.ts) with an empty cache directory, from the first `bundleContract` call
 * after importing the testing side, as a test's first deploy. Wall time, so it depends on the machine's
 * load (reported with the figures). The source runs through tsx here; the published build skips tsx.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { measured, round, type SectionResult } from "./figures.js";
import { info } from "./log.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function measureBundling(): Promise<SectionResult> {
  const cache = mkdtempSync(path.join(os.tmpdir(), "ncg-bench-bundle-"));
  try {
    info("bundling: a fresh process with an empty cache (cold), then three new contracts, then the first again");
    const out = execFileSync(
      process.execPath,
      ["--import", "tsx", path.join(root, "bench", "bundle-child.ts"), "examples/staking/guarded.ts", "examples/escrow/marketplace.ts", "examples/withdrawal/vault.ts", "__tests__/fixtures/counter.ts"],
      { cwd: root, env: { ...process.env, NODE_OPTIONS: "", NEAR_CALLBACK_GUARDS_CACHE_DIR: cache, NEAR_CALLBACK_GUARDS_QUIET: "1" }, encoding: "utf8", maxBuffer: 16 << 20 },
    );
    const r = JSON.parse(out.trim().split("\n").pop()!) as { loadedMs: number; coldMs: number; nextMs: number[]; cachedMs: number };
    const next = [...r.nextMs].sort((a, b) => a - b)[Math.floor(r.nextMs.length / 2)];
    return {
      figures: { bundleColdMs: measured(Math.round(r.coldMs)), bundleNextMs: measured(Math.round(next)) },
      details: [
        ["first contract, empty cache (examples/staking/guarded.ts)", `${Math.round(r.coldMs)} ms (after ${Math.round(r.loadedMs)} ms importing the testing side)`],
        ["further new contracts (marketplace, vault, counter)", r.nextMs.map((v) => `${Math.round(v)} ms`).join(", ")],
        ["the first contract again, fresh memory, manifest on disk", `${round(r.cachedMs, 1)} ms`],
      ],
    };
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}
