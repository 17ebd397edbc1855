/**
 * `suiteMs`: wall time of this repository's `npm test` (type-check, the vm run, the QuickJS run), run as a
 * child process. It takes minutes, so only `npm run bench -- --suite` measures it; otherwise the figure is
 * null with that reason. The suite's own output goes to stderr.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { measured, unavailable, type SectionResult } from "./figures.js";
import { info } from "./log.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function measureSuite(run: boolean): Promise<SectionResult> {
  if (!run) return { figures: { suiteMs: unavailable("measured only with --suite (runs npm test, about 5 minutes)") }, details: [] };
  info("suite: npm test (its output follows on stderr)");
  const t = performance.now();
  const r = spawnSync("npm", ["test"], { cwd: root, stdio: ["ignore", process.stderr, process.stderr], env: { ...process.env, NODE_OPTIONS: "" } });
  const ms = Math.round(performance.now() - t);
  if (r.status !== 0) return { figures: { suiteMs: unavailable(`npm test failed (exit ${r.status}) after ${ms} ms`) }, details: [] };
  return { figures: { suiteMs: measured(ms) }, details: [["npm test (typecheck, vm run, QuickJS run)", `${ms} ms`]] };
}
