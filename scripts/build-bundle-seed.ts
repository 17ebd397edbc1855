/**
 * Last step of `npm run build`: writes `dist/bundle-seed.json`, the transform cache's seed shipped with the
 * package (src/testing/loader/bundle-seed.ts), for the near-sdk-js toolchain this checkout installed, with the
 * built contract side (`dist/index.js`). Runs with an empty cache and no seed, in this process (no bundler
 * thread), so that every module in it went through babel here.
 *
 * `tsx scripts/build-bundle-seed.ts [out] [--source]`: another file, or the `src/` contract side (the seed the
 * bench uses for a checkout's contracts).
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const args = process.argv.slice(2);
const out = path.resolve(args.find((a) => !a.startsWith("--")) ?? path.join("dist", "bundle-seed.json"));
const cache = mkdtempSync(path.join(os.tmpdir(), "ncg-seed-cache-"));
process.env.NEAR_CALLBACK_GUARDS_CACHE_DIR = cache;
process.env.NEAR_CALLBACK_GUARDS_BUNDLE_SEED = "0";
process.env.NEAR_CALLBACK_GUARDS_QUIET = "1";
try {
  const { buildBundleSeed } = await import("../src/testing/loader/build-bundle-seed.js");
  const t = Date.now();
  const r = await buildBundleSeed({ out, contractSide: args.includes("--source") ? "source" : "dist" });
  process.stdout.write(`bundle seed: ${r.modules} modules, ${(r.bytes / 1024).toFixed(0)} KiB, ${path.relative(process.cwd(), out)} (${((Date.now() - t) / 1000).toFixed(1)} s)\n`);
} finally {
  rmSync(cache, { recursive: true, force: true });
}
