/**
 * One line on stderr while a contract bundles for longer than a moment (the first bundle of a project
 * transforms near-sdk-js and takes seconds; later ones reuse the cache and print nothing). On a terminal the
 * line is replaced by the result; elsewhere (CI logs, jest's piped output) it is two plain lines, written
 * only when bundling was slow. `NEAR_CALLBACK_GUARDS_QUIET=1` silences it.
 */
import path from "node:path";

/** Delay before anything is printed: bundles faster than this stay silent. */
export const PROGRESS_DELAY_MS = 1000;

/** Where and when the line appears (tests). */
export interface BundleProgressOptions {
  /** Default `process.stderr`. */
  stream?: { write(text: string): unknown; isTTY?: boolean };
  /** Default `PROGRESS_DELAY_MS`. */
  delayMs?: number;
}

/** Starts the timer; call the returned function when bundling is over. */
export function bundleProgress(file: string, options: BundleProgressOptions = {}): (outcome: "done" | "failed") => void {
  const quiet = /^(1|true|yes)$/i.test(process.env.NEAR_CALLBACK_GUARDS_QUIET ?? "");
  if (quiet) return () => {};
  const stream = options.stream ?? process.stderr;
  const start = Date.now();
  const relative = path.relative(process.cwd(), file);
  const name = relative && !relative.startsWith("..") ? relative : file;
  const tty = stream.isTTY === true;
  let shown = false;
  const timer = setTimeout(() => {
    shown = true;
    stream.write(`near-callback-guards: bundling ${name} with near-sdk-js's rollup step (cached for later runs)…${tty ? "" : "\n"}`);
  }, options.delayMs ?? PROGRESS_DELAY_MS);
  timer.unref?.();
  return (outcome) => {
    clearTimeout(timer);
    if (!shown) return;
    const seconds = ((Date.now() - start) / 1000).toFixed(1);
    const line = `near-callback-guards: ${outcome === "done" ? "bundled" : "failed to bundle"} ${name} in ${seconds} s`;
    stream.write(tty ? `\r\x1b[2K${line}\n` : `${line}\n`);
  };
}
