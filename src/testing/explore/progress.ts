/**
 * A progress bar on stderr (cli-progress) for explorations that take more than a second: shown on a TTY
 * by default, always with `progress: true`, never with `progress: false`.
 */

export interface ProgressStats {
  /** Fraction done in [0, 1] (exhaustive mode: position of the depth-first search, an estimate). */
  fraction: number;
  schedules: number;
  states: number;
  violations: number;
  /** The last update: drawn only if the bar is already shown; `fraction` 0 keeps the bar where it is. */
  final?: boolean;
}

export interface Progress {
  update(stats: ProgressStats): Promise<void>;
  stop(): void;
}

const TOTAL = 1000;
const DELAY_MS = 1000;

/** A progress reporter that starts drawing once the run has lasted a second. */
export function createProgress(option: boolean | undefined, label: string): Progress {
  const enabled = option === true || (option === undefined && process.stderr.isTTY === true);
  if (!enabled) return { update: async () => {}, stop: () => {} };
  const started = performance.now();
  type Bar = { start(total: number, value: number, payload: object): void; update(value: number | object, payload?: object): void; stop(): void };
  let bar: Bar | null = null;
  let loading = false;
  return {
    async update(s) {
      if (bar === null) {
        if (s.final || loading || performance.now() - started < DELAY_MS) return;
        loading = true;
        const mod = (await import("cli-progress")) as unknown as { default?: typeof import("cli-progress") } & typeof import("cli-progress");
        const cli = mod.default ?? mod;
        bar = new cli.SingleBar(
          {
            format: `${label} {bar} {percentage}% | {schedules} schedules | {states} states | {violations} violations | {duration_formatted}`,
            stream: process.stderr,
            noTTYOutput: option === true && process.stderr.isTTY !== true,
            hideCursor: true,
            clearOnComplete: false,
          },
          cli.Presets.shades_classic,
        ) as Bar;
        bar.start(TOTAL, 0, payload(s));
      }
      if (s.final && s.fraction === 0) bar.update(payload(s));
      else bar.update(Math.min(TOTAL, Math.floor(s.fraction * TOTAL)), payload(s));
    },
    stop() {
      bar?.stop();
    },
  };
}

function payload(s: ProgressStats): object {
  return { schedules: s.schedules, states: s.states, violations: s.violations };
}
