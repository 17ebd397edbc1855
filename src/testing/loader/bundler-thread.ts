/**
 * Contracts bundle in a worker thread of their own, one per process, started when a first bundle is not in
 * the caches (so a process whose contracts are all cached never starts it) and kept
 * (unreferenced while idle, so it never keeps a process alive):
 * - rollup and babel load natively, once per process: a test runner's module registry (jest re-creates its
 *   registry for every test file, and in its CommonJS mode cannot load near-sdk-js's ES module babel
 *   plugins at all) never sees them;
 * - the transform cache stays in the thread's memory from one test file to the next;
 * - bundling uses a second core while the test goes on.
 * `NEAR_CALLBACK_GUARDS_BUNDLE_THREAD=0` bundles in the calling thread instead (as does any thread that
 * cannot start a worker).
 *
 * In a project whose cache is empty (its first run), the thread starts as soon as the testing side is
 * imported (`warmBundlerWhenCold`): loading rollup and babel then overlaps with loading the tests, before
 * the first test's timeout runs.
 */
import workerThreads from "node:worker_threads";
import { createRequire } from "node:module";
import path from "node:path";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildBundle, ContractBundleError, type BuiltBundle } from "./bundle-contract.js";
import { packageRoot } from "./near-sdk-toolchain.js";
import { cacheDir } from "./transform-cache.js";

/** What the worker sends back for a request. */
export type BundlerReply = ({ id: number; ok: true; built: BuiltBundle } | { id: number; ok: false; error: SerializedError }) & {
  /** The thread writes its transform cache next (and then sends `{ saved: true }`). */
  saving?: boolean;
};

/** An error as it crosses the thread boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
  file?: string;
  line?: number;
  column?: number;
}

/** Turns an error into plain data for `postMessage`. */
export function serializeError(e: unknown): SerializedError {
  const err = e as Partial<SerializedError> & { name?: string };
  return { name: err?.name ?? "Error", message: err?.message ?? String(e), stack: err?.stack, code: err?.code, file: err?.file, line: err?.line, column: err?.column };
}

function deserializeError(s: SerializedError): Error {
  if (s.name === "ContractBundleError") return new ContractBundleError(s.message, s.file, s.line, s.column);
  const error = new Error(s.message);
  error.name = s.name;
  if (s.code) (error as Error & { code: string }).code = s.code;
  if (s.stack) error.stack = s.stack;
  return error;
}

/**
 * Process-wide, so it holds no class of this module: a test runner may load this module again (jest, for
 * each test file) while the thread lives on. Each request brings its own `settle`, from the module instance
 * that made it, which turns the reply into its result or its error (with that instance's error classes).
 */
interface Bundler {
  worker: import("node:worker_threads").Worker;
  /** The thread is writing its transform cache: keep the process alive until it is on disk. */
  saving: boolean;
  pending: Map<number, { settle: (reply: BundlerReply | { crashed: SerializedError }) => void }>;
  nextId: number;
}

/** Process-wide slot: kept on the worker_threads module object, which every jest test file shares. */
const SLOT = Symbol.for("near-callback-guards.bundler-thread");

/** The worker's entry: the built file next to the package's dist, or this source file's sibling through tsx. */
function workerEntry(): { file: string | URL; options: import("node:worker_threads").WorkerOptions } | null {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith(".ts")) {
    const built = path.join(packageRoot(), "dist", "internal", "bundle-worker.cjs");
    return existsSync(built) ? { file: built, options: {} } : null;
  }
  // A checkout of this repository: load the TypeScript entry through tsx's API in the worker.
  // tsx's ES module API, as its package.json "exports" maps it for `import` (require.resolve would give
  // the CommonJS build).
  let tsx: string;
  try {
    const manifest = createRequire(import.meta.url).resolve("tsx/package.json");
    const exportsMap = (JSON.parse(readFileSync(manifest, "utf8")) as { exports: Record<string, { import: { default: string } }> }).exports;
    tsx = pathToFileURL(path.join(path.dirname(manifest), exportsMap["./esm/api"].import.default)).href;
  } catch {
    return null;
  }
  const source = pathToFileURL(path.join(path.dirname(here), "bundle-worker.ts")).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(source)}); });`;
  return { file: bootstrap, options: { eval: true } };
}

function startBundler(): Bundler | null {
  const entry = workerEntry();
  if (!entry) return null;
  let worker: import("node:worker_threads").Worker;
  try {
    // A larger young generation: rollup and babel allocate many short-lived objects (fewer scavenges).
    worker = new workerThreads.Worker(entry.file, { ...entry.options, env: workerThreads.SHARE_ENV, resourceLimits: { maxYoungGenerationSizeMb: 96 } });
  } catch {
    return null;
  }
  const bundler: Bundler = { worker, saving: false, pending: new Map(), nextId: 1 };
  const idle = () => {
    if (bundler.pending.size === 0 && !bundler.saving) worker.unref();
  };
  worker.on("message", (reply: BundlerReply | { saved: true }) => {
    if ("saved" in reply) {
      bundler.saving = false;
      idle();
      return;
    }
    if (reply.saving) bundler.saving = true;
    const waiter = bundler.pending.get(reply.id);
    if (!waiter) return;
    bundler.pending.delete(reply.id);
    idle();
    waiter.settle(reply);
  });
  const fail = (error: Error) => {
    for (const w of bundler.pending.values()) w.settle({ crashed: serializeError(error) });
    bundler.pending.clear();
    const holder = workerThreads as unknown as Record<symbol, Bundler | undefined>;
    if (holder[SLOT] === bundler) holder[SLOT] = undefined;
  };
  worker.on("error", (e) => fail(e instanceof Error ? e : new Error(String(e))));
  worker.on("exit", (code) => fail(new Error(`near-callback-guards' bundler thread exited (code ${code})`)));
  // After the listeners (adding a "message" listener refs the worker again): idle, it keeps nothing alive.
  worker.unref();
  return bundler;
}

function bundler(): Bundler | null {
  if (/^(0|false|no)$/i.test(process.env.NEAR_CALLBACK_GUARDS_BUNDLE_THREAD ?? "") || !workerThreads.isMainThread) return null;
  const holder = workerThreads as unknown as Record<symbol, Bundler | null | undefined>;
  if (holder[SLOT] === undefined) holder[SLOT] = startBundler();
  return holder[SLOT] ?? null;
}

/**
 * Bundles `absolute` in the bundler thread (or here when there is none).
 *
 * @example
 * const { bundle } = await buildInBundlerThread("/project/src/contract.ts");
 */
export function buildInBundlerThread(absolute: string): Promise<BuiltBundle> {
  const b = bundler();
  if (!b) return buildBundle(absolute);
  const id = b.nextId++;
  return new Promise<BuiltBundle>((resolve, reject) => {
    const settle = (reply: BundlerReply | { crashed: SerializedError }) => {
      if ("crashed" in reply) reject(deserializeError(reply.crashed));
      else if (reply.ok) resolve(reply.built);
      else reject(deserializeError(reply.error));
    };
    b.pending.set(id, { settle });
    b.worker.ref();
    b.worker.postMessage({ id, file: absolute });
  });
}

/**
 * Starts the bundler thread now when the project's cache holds no transform cache yet (a first run, whose
 * first deploy will bundle): it loads rollup, babel and the seed while the tests are still being loaded.
 * Does nothing otherwise (a project whose contracts are cached never starts the thread). Returns whether it
 * started (or found) the thread.
 *
 * @example
 * warmBundlerWhenCold(); // called once as the testing side loads
 */
export function warmBundlerWhenCold(): boolean {
  if (!workerThreads.isMainThread) return false;
  try {
    if (readdirSync(cacheDir()).some((f) => f.startsWith("transforms-") && f.endsWith(".v8"))) return false;
  } catch {
    /* no cache directory yet: cold */
  }
  return bundler() !== null;
}

warmBundlerWhenCold();
