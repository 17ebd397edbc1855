/**
 * `explore(scenario, options)`: runs every schedule of a scenario (depth-first, merging schedules that
 * reach a state already explored) or a seeded random sample of them, checks the invariants on each, and
 * reports the shortest counterexample per broken invariant with its replayable id, timeline and diagram.
 */
import { Chooser, nextPrefix } from "./choices.js";
import { Prng } from "./prng.js";
import { prepareScenario, type PreparedScenario } from "./prepare.js";
import { runSchedule, ScheduleRun, type RunCheckpoint, type RunHooks, type RunResult, type RunSettings } from "./runner.js";
import { Worker } from "../workspaces/worker.js";
import { encodeScheduleId } from "./schedule-id.js";
import { renderTimeline } from "./timeline.js";
import { renderMermaid } from "./mermaid.js";
import { createProgress } from "./progress.js";
import { ScheduleGraph } from "./schedule-graph.js";
import { formatTrace } from "../runtime/trace.js";
import type { Block } from "../runtime/chain.js";
import type { Counterexample, ExploreOptions, ExploreReport, InvariantFailure, Scenario, ViolationSummary } from "./types.js";

/** Resumed runs compared with the same run from scratch before checkpoints are trusted. */
const VERIFY_RESUMES = 3;

/** Resolved options. */
export interface Settings extends RunSettings {
  mode: "exhaustive" | "random";
  seed: number;
  budget: number;
  dedup: boolean;
  stopOnViolation: boolean;
  progress?: boolean;
  setupMode: "snapshot" | "replay";
  mermaidGasRefunds: boolean;
}

export function resolveSettings(options: ExploreOptions = {}): Settings {
  const mode = options.mode ?? (options.seed !== undefined ? "random" : "exhaustive");
  if (mode !== "exhaustive" && mode !== "random") throw new TypeError(`mode must be "exhaustive" or "random" (got ${JSON.stringify(mode)})`);
  const int = (v: number | undefined, fallback: number, what: string, min: number) => {
    const x = v ?? fallback;
    if (!Number.isInteger(x) || x < min) throw new RangeError(`${what} must be an integer ≥ ${min} (got ${v})`);
    return x;
  };
  return {
    mode,
    seed: int(options.seed, 1, "seed", -(2 ** 53 - 1)),
    budget: int(options.budget, mode === "random" ? 1000 : 100_000, "budget", 1),
    maxDelay: int(options.maxDelay, 1, "maxDelay", 0),
    deferPayouts: options.deferPayouts ?? false,
    maxBlocks: int(options.maxBlocks, 200, "maxBlocks", 1),
    dedup: options.dedup ?? true,
    stopOnViolation: options.stopOnViolation ?? false,
    progress: options.progress,
    setupMode: options.setupMode ?? "snapshot",
    mermaidGasRefunds: options.mermaidGasRefunds ?? false,
  };
}

/** A failing run kept until the end, rendered only if it stays the shortest. */
export interface Candidate {
  scheduleId: string;
  choices: string[];
  /** The choices made before the first block (faults, transaction offsets). */
  setupChoices: string[];
  blocks: Block[];
  failures: InvariantFailure[];
  nonDefault: number;
}

function shorter(a: Candidate, b: Candidate): boolean {
  if (a.blocks.length !== b.blocks.length) return a.blocks.length < b.blocks.length;
  if (a.nonDefault !== b.nonDefault) return a.nonDefault < b.nonDefault;
  if (a.scheduleId.length !== b.scheduleId.length) return a.scheduleId.length < b.scheduleId.length;
  return a.scheduleId < b.scheduleId;
}

/** Account id → scenario name, for renderings. */
export function namesOf(p: PreparedScenario): Record<string, string> {
  const names: Record<string, string> = {};
  for (const [n, id] of Object.entries(p.ids)) if (!(id in names)) names[id] = n;
  return names;
}

/** Renders a failing (or passing) schedule. */
export function counterexample(p: PreparedScenario, c: Candidate, mermaidGasRefunds: boolean, focus?: string): Counterexample {
  const names = namesOf(p);
  const first = c.failures.find((f) => f.invariant === focus) ?? c.failures[0];
  return {
    scheduleId: c.scheduleId,
    invariant: first?.invariant ?? "",
    message: first?.message ?? "",
    failures: c.failures,
    blocks: c.blocks.length,
    choices: c.choices,
    timeline: renderTimeline({ scenario: p.name, scheduleId: c.scheduleId, choices: c.choices, blocks: c.blocks, failures: c.failures, names }),
    mermaid: renderMermaid({ blocks: c.blocks, failures: c.failures, choices: c.setupChoices, names }, { gasRefunds: mermaidGasRefunds }),
  };
}

/**
 * Explores the scenario's schedules and checks its invariants on each.
 *
 * @example
 * const report = await explore(scenario);
 * expect(report.violations).toEqual([]);
 * // or, on a failure: console.log(report.shortest?.timeline); await replay(scenario, report.shortest!.scheduleId);
 */
export async function explore(scenario: Scenario, options: ExploreOptions = {}): Promise<ExploreReport> {
  const s = resolveSettings(options);
  const t0 = performance.now();
  const p = await prepareScenario(scenario, s.setupMode);
  const warnings = p.warnings;
  const idSettings = { maxDelay: s.maxDelay, deferPayouts: s.deferPayouts };
  const idOf = (ch: Chooser) => encodeScheduleId(p.fingerprint, idSettings, ch.choices);

  if (s.setupMode === "snapshot") await checkSnapshot(p, s, warnings);
  const setupDone = performance.now();

  let table = new Map<string, string>();
  let graph = new ScheduleGraph();
  const states = new Set<string>();
  let finals = new Set<string>();
  let byInvariant = new Map<string, { schedules: number; shortest: Candidate }>();
  const ids = new Set<string>();
  let explored = 0;
  let pruned = 0;
  let longest = 0;
  let complete = false;
  /** Forgets everything the search found (to start it again). */
  const reset = () => {
    table = new Map();
    graph = new ScheduleGraph();
    finals = new Set();
    byInvariant = new Map();
    explored = pruned = longest = 0;
  };
  const progress = createProgress(s.progress, `explore ${p.name}`);
  let lastYield = performance.now();

  const record = (res: RunResult, ch: Chooser) => {
    explored++;
    longest = Math.max(longest, res.blocks.length);
    if (res.finalHash) finals.add(res.finalHash);
    if (res.failures.length === 0) return;
    const cand: Candidate = { scheduleId: idOf(ch), choices: ch.describe(), setupChoices: ch.describe(["fault", "tx"]), blocks: res.blocks, failures: res.failures, nonDefault: ch.nonDefault() };
    for (const name of new Set(res.failures.map((f) => f.invariant))) {
      const v = byInvariant.get(name);
      if (!v) byInvariant.set(name, { schedules: 1, shortest: cand });
      else {
        v.schedules++;
        if (shorter(cand, v.shortest)) v.shortest = cand;
      }
    }
  };

  // One worker for the whole search: runs restore the set-up snapshot or a checkpoint into it.
  const scratch = p.snapshot ? await Worker.init(scenario.worker) : null;
  const startRun = async (ch: Chooser, hooks: RunHooks): Promise<ScheduleRun> => {
    if (scratch) p.reset(scratch);
    return ScheduleRun.start(p, ch, s, hooks, scratch ?? undefined);
  };

  try {
    if (s.mode === "exhaustive") {
      let prefix: number[] | null = [];
      const onBoundary = (hash: string, ch: Chooser): boolean => {
        graph.visit(hash, ch.path);
        const seen = table.get(hash);
        if (seen === undefined) {
          table.set(hash, ch.path);
          return false;
        }
        return s.dedup && seen !== ch.path;
      };
      // Checkpoints along the current path, shallowest first: the search resumes from the deepest one taken
      // before the block whose choice changes, instead of replaying the shared prefix.
      let stack: RunCheckpoint[] = [];
      let checkpoints = scratch !== null;
      let verifications = 0;
      const withCheckpoints: RunHooks = { onBoundary, finalHash: true, onCheckpoint: (cp) => stack.push(cp) };
      const fromScratch: RunHooks = { onBoundary, finalHash: true };
      while (prefix) {
        if (explored + pruned >= s.budget) break;
        const changed = prefix.length - 1;
        while (stack.length > 0 && stack[stack.length - 1].chooser.choices.length > changed) stack.pop();
        const from = checkpoints && changed >= 0 ? stack.pop() : undefined;
        if (!from) stack = [];
        const hooks = checkpoints ? withCheckpoints : fromScratch;
        const ch = new Chooser({ kind: "prefix", prefix }, from?.chooser);
        graph.begin(from !== undefined);
        const run = from ? ScheduleRun.resume(p, from, ch, s, hooks, scratch!) : await startRun(ch, hooks);
        const res = await run.finish();
        if (from && !res.pruned && verifications < VERIFY_RESUMES) {
          // A resumed run must be the run from scratch: compare a few, then trust the copies.
          verifications++;
          const again = await runSchedule(p, new Chooser({ kind: "prefix", prefix: ch.choices }), s, { finalHash: true }, scratch ? (p.reset(scratch), scratch) : undefined);
          if (!sameRun(res, again)) {
            warnings.push("a run resumed from a copy of the chain did not behave as the same run from scratch: the search restarted without copies (slower)");
            checkpoints = false;
            stack = [];
            reset();
            prefix = [];
            continue;
          }
        }
        if (!res.pruned) graph.end(ch.path, res.failures.map((f) => f.invariant));
        if (res.pruned) pruned++;
        else record(res, ch);
        prefix = nextPrefix(ch.choices, ch.alternatives);
        if (prefix === null) complete = true;
        if (s.stopOnViolation && byInvariant.size > 0) break;
        if (performance.now() - lastYield > 50) {
          await progress.update({ fraction: prefix ? ch.position() : 1, schedules: explored, states: table.size, violations: byInvariant.size });
          await new Promise<void>((r) => setImmediate(r));
          lastYield = performance.now();
        }
      }
      if (complete && s.stopOnViolation && byInvariant.size > 0 && prefix !== null) complete = false;
      await progress.update({ fraction: complete ? 1 : 0, schedules: explored, states: table.size, violations: byInvariant.size, final: true });
    } else {
      const rng = new Prng(s.seed);
      const onBoundary = (hash: string): boolean => {
        states.add(hash);
        return false;
      };
      for (let i = 0; i < s.budget; i++) {
        const ch = new Chooser({ kind: "random", rng });
        const res = await (await startRun(ch, { onBoundary, finalHash: true })).finish();
        ids.add(idOf(ch));
        record(res, ch);
        if (s.stopOnViolation && byInvariant.size > 0) break;
        if (performance.now() - lastYield > 50) {
          await progress.update({ fraction: (i + 1) / s.budget, schedules: explored, states: states.size, violations: byInvariant.size });
          await new Promise<void>((r) => setImmediate(r));
          lastYield = performance.now();
        }
      }
      await progress.update({ fraction: explored / s.budget, schedules: explored, states: states.size, violations: byInvariant.size, final: true });
    }
  } finally {
    progress.stop();
  }

  const counted = s.mode === "exhaustive" ? graph.count() : { total: ids.size, broken: new Map<string, number>() };
  const violations: ViolationSummary[] = [...byInvariant.entries()]
    .map(([invariant, v]) => ({ invariant, explored: v.schedules, cand: v.shortest }))
    .sort((a, b) => (shorter(a.cand, b.cand) ? -1 : shorter(b.cand, a.cand) ? 1 : a.invariant < b.invariant ? -1 : 1))
    .map(({ invariant, explored: ran, cand }) => ({
      invariant,
      schedules: counted.broken.get(invariant) ?? ran,
      schedulesExplored: ran,
      shortest: counterexample(p, cand, s.mermaidGasRefunds, invariant),
    }));
  if (s.mode === "exhaustive" && !complete) {
    warnings.push(
      s.stopOnViolation && violations.length > 0
        ? "stopped at the first violation: a shorter counterexample may exist"
        : `stopped after ${s.budget} schedules (budget): not every schedule was explored`,
    );
  }
  const end = performance.now();
  const exploreMs = end - setupDone;
  return {
    scenario: p.name,
    mode: s.mode,
    ...(s.mode === "random" ? { seed: s.seed } : {}),
    complete: s.mode === "exhaustive" && complete,
    schedulesExplored: explored,
    schedulesPruned: pruned,
    schedulesCovered: counted.total,
    distinctSchedules: s.mode === "random" ? ids.size : explored,
    distinctStates: s.mode === "exhaustive" ? table.size : states.size,
    distinctFinalStates: finals.size,
    maxBlocks: longest,
    violations,
    shortest: violations[0]?.shortest,
    invariants: p.invariants.map((i) => i.name),
    settings: { maxDelay: s.maxDelay, deferPayouts: s.deferPayouts, dedup: s.dedup, budget: s.budget, setupMode: p.setupMode },
    warnings,
    durationMs: end - t0,
    timing: {
      setupMs: setupDone - t0,
      exploreMs,
      runsPerSecond: exploreMs > 0 ? ((explored + pruned) * 1000) / exploreMs : 0,
      schedulesPerSecond: exploreMs > 0 ? ((s.mode === "exhaustive" ? counted.total : explored) * 1000) / exploreMs : 0,
    },
  };
}

/**
 * Runs the default schedule on the worker set-up ran on and on a restored copy; if they differ in any way
 * (final state, trace, verdicts), copies can't be trusted and set-up runs again for every schedule.
 */
async function checkSnapshot(p: PreparedScenario, s: Settings, warnings: string[]): Promise<void> {
  const original = await runSchedule(p, new Chooser({ kind: "prefix", prefix: [] }), s, { finalHash: true });
  const copy = await runSchedule(p, new Chooser({ kind: "prefix", prefix: [] }), s, { finalHash: true });
  if (!sameRun(original, copy)) {
    warnings.push("a copy of the chain after set-up did not behave as the original: set-up runs again for every schedule (slower)");
    p.setupMode = "replay";
    p.snapshot = null;
  }
}

/** Same final state, same trace, same verdicts. */
function sameRun(a: RunResult, b: RunResult): boolean {
  return (
    a.finalHash === b.finalHash &&
    formatTrace(a.blocks, { ids: true, logs: true }) === formatTrace(b.blocks, { ids: true, logs: true }) &&
    JSON.stringify(a.failures) === JSON.stringify(b.failures)
  );
}
