/**
 * Contract source (.ts or .js, near-sdk-js 2.x) → the JavaScript module near-sdk-js's build feeds to
 * QuickJS. Uses the exact rollup + babel configuration of `near-sdk-js createJsFileWithRollup`
 * (node_modules/near-sdk-js/lib/cli/cli.js), with the tools near-sdk-js itself depends on, plus one resolver
 * so that contracts in a checkout of this repository can import `near-callback-guards` by its package name.
 *
 * Three caches keep it fast: a contract whose files did not change is served from a manifest (memory, then
 * disk) keyed by the content hash of every file in its bundle; a new or changed contract reuses rollup's
 * cache of every module earlier builds transformed (`transform-cache.ts`), which starts from the seed the
 * package ships (`bundle-seed.ts`: babel's output for near-sdk-js and lodash-es); and on a cold cache the
 * dependencies' JavaScript skips babel until a first pass shows which of it ends up in the bundle (most of
 * lodash-es never does), which a second pass then transforms. The result is byte-identical to a plain
 * rollup + babel run (`renderContract`), which the tests check.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { OutputChunk, Plugin, RollupCache, TransformPluginContext, TransformResult } from "rollup";
import { assertGuardPlacement, placementCheckFingerprint } from "./placement-hook.js";
import { checkoutSourceEntry, nearSdkToolchain, type NearSdkToolchain } from "./near-sdk-toolchain.js";
import { cacheDir, forgetTransformCaches, storeKey, transformCacheFor, type TransformCache } from "./transform-cache.js";
import { seedModules } from "./bundle-seed.js";
import { bundleProgress } from "./bundle-progress.js";
import { buildInBundlerThread } from "./bundler-thread.js";

/** A contract ready to deploy. */
export interface ContractBundle {
  /** Absolute path of the entry source file. */
  sourcePath: string;
  /** The ES module exactly as near-sdk-js's rollup step writes it. */
  code: string;
  /** Names the module exports: the contract's methods. */
  methods: string[];
  /** sha256 (hex) of `code`. */
  hash: string;
}

/** Thrown when a contract cannot be bundled: carries the bundler's message, file and line. */
export class ContractBundleError extends Error {
  readonly code = "ERR_CONTRACT_BUNDLE";
  constructor(
    message: string,
    readonly file?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
    this.name = "ContractBundleError";
  }
}

const memoryCache = new Map<string, { files: Record<string, string>; bundle: ContractBundle }>();
const inFlight = new Map<string, Promise<ContractBundle>>();

function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function hashFile(file: string): string | null {
  try {
    return sha256Hex(readFileSync(file));
  } catch {
    return null;
  }
}

function filesUnchanged(files: Record<string, string>): boolean {
  for (const [file, hash] of Object.entries(files)) if (hashFile(file) !== hash) return false;
  return true;
}

/** Parses the trailing `export { a, b as c };` of a rollup ES bundle. */
export function exportedNames(code: string): string[] {
  const m = /export\s*\{([^}]*)\}\s*;?\s*(\/\/# sourceMappingURL=\S*\s*)?$/.exec(code);
  if (!m) return [];
  return m[1]
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const parts = s.split(/\s+as\s+/);
      return (parts[1] ?? parts[0]).trim();
    });
}

/**
 * Bad input: an import nothing resolves. Rollup fails a relative one without saying where, and silently
 * keeps a bare one as an external `import` that no engine (and no contract on chain) can load, so the
 * contract would only fail at its first call. Both become a bundle error at the importing file and line.
 */
function unresolvedImports(): import("rollup").Plugin {
  // Reported at buildEnd, once every other module has loaded: failing at once would leave rollup's
  // transforms of the other modules running after the error.
  let problem: import("rollup").RollupError | null = null;
  return {
    name: "near-callback-guards-unresolved",
    async resolveId(source, importer) {
      if (!importer || source.startsWith("\0")) return null;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      if (resolved && !resolved.external) return resolved;
      if (!problem) {
        const message = `Could not resolve '${source}' from ${importer}`;
        problem = { message, id: importer };
        try {
          const lines = readFileSync(importer, "utf8").split("\n");
          const at = lines.findIndex((l) => l.includes(`"${source}"`) || l.includes(`'${source}'`));
          if (at >= 0) problem.loc = { file: importer, line: at + 1, column: Math.max(lines[at].indexOf(`"${source}"`), lines[at].indexOf(`'${source}'`)) };
        } catch {
          /* the message without a line then */
        }
      }
      return { id: source, external: true };
    },
    buildEnd() {
      if (problem) this.error(problem);
    },
  };
}

/**
 * Relative imports between the files of an installed package (`./_baseClone.js` inside lodash-es: about
 * 3,000 of them for near-sdk-js's 680 modules), resolved synchronously with the answer node-resolve gives:
 * the file itself when it exists (its real path), with the `sideEffects` flag of the nearest package.json
 * (the one node-resolve's `resolve` reads for a relative import). node-resolve's asynchronous lookups make
 * up most of a cold build; anything else (a missing extension, a directory, a package whose `sideEffects`
 * is a glob list) goes on to node-resolve. `__tests__/runtime/bundle-cache.test.ts` checks both agree.
 */
export function relativeDependencyResolver(): Plugin {
  const sideEffectsByDir = new Map<string, boolean | null | undefined>();
  const sideEffectsOf = (dir: string): boolean | null | undefined => {
    // undefined: not decidable here (a glob list): let node-resolve answer.
    if (sideEffectsByDir.has(dir)) return sideEffectsByDir.get(dir);
    let answer: boolean | null | undefined = null;
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        const se = (JSON.parse(readFileSync(manifest, "utf8")) as { sideEffects?: unknown }).sideEffects;
        answer = typeof se === "boolean" ? se : se === undefined ? null : undefined;
      } catch {
        answer = undefined;
      }
    } else if (/[/\\]node_modules[/\\]*$/.test(dir) || path.dirname(dir) === dir) {
      answer = null;
    } else {
      answer = sideEffectsOf(path.dirname(dir));
    }
    sideEffectsByDir.set(dir, answer);
    return answer;
  };
  return {
    name: "near-callback-guards-relative-dependencies",
    resolveId(source, importer) {
      if (!importer || !(source.startsWith("./") || source.startsWith("../")) || source.includes("?") || source.includes("\0")) return null;
      if (!importer.includes(`${path.sep}node_modules${path.sep}`) || !/\.m?js$/.test(importer)) return null;
      const target = path.resolve(path.dirname(importer), source);
      try {
        if (!statSync(target).isFile()) return null;
      } catch {
        return null;
      }
      const id = realpathSync(target);
      const moduleSideEffects = sideEffectsOf(path.dirname(id));
      if (moduleSideEffects === undefined) return null;
      return { id, moduleSideEffects };
    },
  };
}

/**
 * How the last `bundleContract` call got its bundle (for tests and the bench).
 * @example if (lastBundleStats()?.source === "rollup") console.log("rebuilt");
 */
export interface BundleStats {
  /** `memory`/`manifest`: unchanged files, no rollup run; `rollup`: built. */
  source: "memory" | "manifest" | "rollup";
  /** Rollup runs (1, or 2 when untransformed dependencies reached the bundle). */
  passes: number;
  /** Modules babel transformed in this call (the rest came from the transform cache or skipped babel). */
  transformed: number;
  /** Modules of the last pass that came from the cache. */
  cachedModules: number;
  /** Of those, modules whose babel output came from the package's seed (`bundle-seed.ts`) in this process. */
  fromSeed: number;
}

let lastStats: BundleStats | null = null;
let transformCount = 0;
const transformedIds = new Set<string>();

/**
 * Statistics of the last `bundleContract` call in this process (null before the first).
 * @example
 * await bundleContract("src/contract.ts");
 * lastBundleStats(); // { source: "manifest", passes: 0, ... } when nothing changed since the last run
 */
export function lastBundleStats(): BundleStats | null {
  return lastStats;
}

/** Marks a module whose code skipped babel (see `deferringBabel`). */
const RAW_META = "near-callback-guards/untransformed";

/** JavaScript under node_modules: left untransformed until it turns out to reach the bundle. */
function deferrable(id: string): boolean {
  return id.includes(`${path.sep}node_modules${path.sep}`) && /\.m?js$/.test(id);
}

/**
 * Babel, except for dependencies' JavaScript not (yet) known to reach the bundle: those are handed to rollup
 * as they are and marked, so that rollup can resolve and tree-shake them; a marked module that turns out to
 * render code is transformed in the next pass (`mustTransform`), also when it comes from the cache. The
 * packages the project's own files import (`eager`: near-sdk-js, this package) are transformed at once.
 */
function deferringBabel(inner: Plugin, mustTransform: ReadonlySet<string> | null, eager: ReadonlySet<string>): Plugin {
  type Transform = (this: TransformPluginContext, code: string, id: string) => TransformResult | Promise<TransformResult>;
  const transform = inner.transform as Transform;
  return {
    ...inner,
    name: "near-callback-guards-deferring-babel",
    transform(code, id) {
      if (mustTransform && deferrable(id) && !mustTransform.has(id) && !isEager(id, eager)) return { code, map: null, meta: { [RAW_META]: true } };
      transformCount += 1;
      transformedIds.add(id);
      return transform.call(this, code, id);
    },
    shouldTransformCachedModule({ id, meta }) {
      return meta?.[RAW_META] === true && (mustTransform === null || mustTransform.has(id) || isEager(id, eager));
    },
  };
}

/** The directory of the installed package holding `id` (`.../node_modules/name` or `.../node_modules/@scope/name`). */
function packageDirOf(id: string): string | null {
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = id.lastIndexOf(marker);
  if (at < 0) return null;
  const rest = id.slice(at + marker.length).split(path.sep);
  const name = rest[0].startsWith("@") ? rest.slice(0, 2).join(path.sep) : rest[0];
  return id.slice(0, at + marker.length) + name + path.sep;
}

/**
 * Records the packages that files outside node_modules import (near-sdk-js, this package): their modules
 * are transformed at once, as they nearly all reach a bundle sooner or later. What only those packages
 * import (lodash-es) waits until it turns out to.
 */
function projectImports(eager: Set<string>): Plugin {
  return {
    name: "near-callback-guards-project-imports",
    async resolveId(source, importer, options) {
      if (!importer || importer.includes(`${path.sep}node_modules${path.sep}`) || source.includes("\0")) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const dir = resolved && !resolved.external ? packageDirOf(resolved.id) : null;
      if (dir) eager.add(dir);
      return resolved;
    },
  };
}

function isEager(id: string, eager: ReadonlySet<string>): boolean {
  const dir = packageDirOf(id);
  return dir !== null && eager.has(dir);
}

interface RollupRun extends RenderedContract {
  cache: RollupCache;
  /** Ids of modules that render code into the bundle. */
  rendered: string[];
}

/** One run of near-sdk-js's rollup step. `mustTransform: null` transforms every module (no deferring). */
async function runRollup(absolute: string, toolchain: NearSdkToolchain, cache: RollupCache | undefined, mustTransform: ReadonlySet<string> | null, fastResolve = true): Promise<RollupRun> {
  const { rollup } = toolchain.require("rollup") as typeof import("rollup");
  const { nodeResolve } = toolchain.require("@rollup/plugin-node-resolve") as { nodeResolve: (options: { extensions: string[] }) => Plugin };
  const { babel } = toolchain.require("@rollup/plugin-babel") as { babel: (options: Record<string, unknown>) => Plugin };
  const guards = checkoutSourceEntry();
  const eager = new Set<string>();
  let built;
  try {
    built = await rollup({
      input: absolute,
      cache,
      onwarn: () => {},
      plugins: [
        ...(mustTransform ? [projectImports(eager)] : []),
        {
          name: "near-callback-guards-self",
          resolveId(id: string) {
            if (guards && id === "near-callback-guards") return guards;
            return null;
          },
        },
        ...(fastResolve ? [relativeDependencyResolver()] : []),
        nodeResolve({ extensions: [".js", ".ts"] }),
        deferringBabel(
          babel({
            babelHelpers: "bundled",
            extensions: [".ts", ".js", ".jsx", ".es6", ".es", ".mjs"],
            presets: [toolchain.resolve("@babel/preset-typescript")],
            plugins: [
              toolchain.resolve("near-sdk-js/lib/cli/build-tools/include-bytes.js"),
              [toolchain.resolve("near-sdk-js/lib/cli/build-tools/near-bindgen-exporter.js"), { verbose: false }],
              [toolchain.resolve("@babel/plugin-proposal-decorators"), { version: "legacy" }],
            ],
          }),
          mustTransform,
          eager,
        ),
        unresolvedImports(),
      ],
    });
  } catch (e) {
    const err = e as { message: string; loc?: { file?: string; line?: number; column?: number }; id?: string; frame?: string };
    const file = err.loc?.file ?? err.id;
    const where = file ? ` (${file}${err.loc?.line ? `:${err.loc.line}:${err.loc.column ?? 0}` : ""})` : "";
    throw new ContractBundleError(
      `Failed to bundle contract ${absolute}${where}: ${err.message}${err.frame ? "\n" + err.frame : ""}`,
      file,
      err.loc?.line,
      err.loc?.column,
    );
  }
  const { output } = await built.generate({ format: "es", sourcemap: false });
  await built.close();
  const chunk = output[0] as OutputChunk;
  const modules: Record<string, string> = {};
  const rendered: string[] = [];
  for (const [id, m] of Object.entries(chunk.modules)) {
    modules[id] = m.code ?? "";
    if (m.renderedLength > 0) rendered.push(id);
  }
  return { code: chunk.code, modules, watchFiles: built.watchFiles, cache: built.cache as RollupCache, rendered };
}

let storeKeys = new Map<string, string>();

/**
 * The transform cache of a toolchain (process-wide), seeded from the package's seed when it starts empty.
 *
 * @example
 * transformStoreFor(nearSdkToolchain()).size; // modules held
 */
export function transformStoreFor(toolchain: NearSdkToolchain): TransformCache {
  let key = storeKeys.get(toolchain.sdkDir);
  const fresh = !key;
  if (!key) {
    key = storeKey(toolchain.versions, toolchain.sdkDir);
    storeKeys.set(toolchain.sdkDir, key);
  }
  const store = transformCacheFor(key);
  if (fresh) store.seed(() => seedModules(toolchain));
  return store;
}

/**
 * Loads what a first bundle needs (near-sdk-js's rollup, babel and its plugins, the transform cache) ahead
 * of it: the bundler thread does this as it starts, while the tests are still being collected.
 */
export async function prepareBundling(fromDir: string = process.cwd()): Promise<void> {
  const toolchain = nearSdkToolchain(fromDir);
  toolchain.require("rollup");
  toolchain.require("@rollup/plugin-node-resolve");
  toolchain.require("@rollup/plugin-babel");
  const babel = toolchain.require("@babel/core") as { transformAsync(code: string, options: object): Promise<unknown> };
  // A decorated TypeScript class, as a contract has: runs (and compiles) the TypeScript and legacy
  // decorator transforms and builds their helpers once, ahead of the first contract.
  const warmUp = "function d(..._: unknown[]): any {}\n@d\nexport class C {\n  n: number = 0;\n  @d\n  m(a: string): void {}\n}\n";
  await babel.transformAsync(warmUp, {
    filename: path.join(fromDir, "near-callback-guards-warm-up.ts"),
    babelrc: false,
    configFile: false,
    presets: [toolchain.resolve("@babel/preset-typescript")],
    plugins: [
      toolchain.resolve("near-sdk-js/lib/cli/build-tools/include-bytes.js"),
      [toolchain.resolve("near-sdk-js/lib/cli/build-tools/near-bindgen-exporter.js"), { verbose: false }],
      [toolchain.resolve("@babel/plugin-proposal-decorators"), { version: "legacy" }],
    ],
  });
  transformStoreFor(toolchain).forRollup();
}

let deferSaves = false;

/**
 * The bundler thread saves the transform cache when no request is waiting (`saveTransformCaches`), not
 * after every bundle.
 */
export function deferTransformCacheSaves(): void {
  deferSaves = true;
}

/** Writes every transform cache with unsaved modules to disk. */
export function saveTransformCaches(): void {
  for (const key of storeKeys.values()) transformCacheFor(key).save();
}

/** Forgets the in-memory caches (the disk caches stay): for measurements of a cold start in one process. */
export function clearBundleMemoryCaches(): void {
  memoryCache.clear();
  storeKeys = new Map();
  forgetTransformCaches();
}

/**
 * Bundles a near-sdk-js contract the way `near-sdk-js build` does before QuickJS compiles it.
 *
 * @example
 * const bundle = await bundleContract("examples/staking/guarded.ts");
 * console.log(bundle.methods); // ["deposit_and_stake", "on_staked", ...]
 */
export async function bundleContract(sourcePath: string): Promise<ContractBundle> {
  const absolute = path.resolve(sourcePath);
  if (!existsSync(absolute)) {
    throw new ContractBundleError(`Contract source not found: ${absolute}`, absolute);
  }
  // The placement check runs where the bundle is built (in the bundler thread, so this thread never loads
  // the TypeScript compiler); a cached bundle passed it, and the manifests' key names the checker's version.
  const cached = memoryCache.get(absolute);
  if (cached && filesUnchanged(cached.files)) {
    lastStats = { source: "memory", passes: 0, transformed: 0, cachedModules: 0, fromSeed: 0 };
    return cached.bundle;
  }
  const pending = inFlight.get(absolute);
  if (pending) return pending;
  const work = bundleUncached(absolute).finally(() => inFlight.delete(absolute));
  inFlight.set(absolute, work);
  return work;
}

function manifestPathOf(absolute: string): string {
  return path.join(cacheDir(), sha256Hex(`${absolute}\0${placementCheckFingerprint()}`).slice(0, 32) + ".json");
}

async function bundleUncached(absolute: string): Promise<ContractBundle> {
  const manifestPath = manifestPathOf(absolute);
  if (existsSync(manifestPath)) {
    try {
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { files: Record<string, string>; bundle: ContractBundle };
      if (filesUnchanged(manifest.files)) {
        memoryCache.set(absolute, manifest);
        lastStats = { source: "manifest", passes: 0, transformed: 0, cachedModules: 0, fromSeed: 0 };
        return manifest.bundle;
      }
    } catch {
      /* stale or corrupt cache: rebuild */
    }
  }
  const done = bundleProgress(absolute);
  let built: BuiltBundle;
  try {
    built = await buildInBundlerThread(absolute);
  } catch (e) {
    done("failed");
    throw e;
  }
  done("done");
  memoryCache.set(absolute, { files: built.files, bundle: built.bundle });
  lastStats = built.stats;
  return built.bundle;
}

/** A bundle as the bundler thread returns it. */
export interface BuiltBundle {
  bundle: ContractBundle;
  /** Content hashes of every file in the bundle (the manifest). */
  files: Record<string, string>;
  stats: BundleStats;
}

/**
 * Runs near-sdk-js's rollup step through the caches and writes the contract's manifest. Runs in the bundler
 * thread (`bundler-thread.ts`), or in the calling thread when there is none.
 */
export async function buildBundle(absolute: string): Promise<BuiltBundle> {
  assertGuardPlacement(absolute);
  transformCount = 0;
  transformedIds.clear();
  const toolchain = nearSdkToolchain(path.dirname(absolute));
  const store = transformStoreFor(toolchain);
  const mustTransform = new Set<string>();
  let rendered = await runRollup(absolute, toolchain, store.forRollup(), mustTransform);
  let passes = 1;
  // Untransformed modules that reach the bundle: transform them and run again (the rest comes from the cache).
  for (let pass = 0; pass < 8; pass++) {
    const raw = new Set(rendered.cache.modules.filter((m) => m.meta?.[RAW_META] === true).map((m) => m.id));
    const missing = rendered.rendered.filter((id) => raw.has(id) && !mustTransform.has(id));
    if (missing.length === 0) break;
    for (const id of missing) mustTransform.add(id);
    rendered = await runRollup(absolute, toolchain, rendered.cache, mustTransform);
    passes += 1;
  }
  store.absorb(rendered.cache);
  // Written when the bundler is idle (`saveTransformCaches`): serialising the store takes a while.
  if (!deferSaves) store.save();
  const fromSeed = rendered.cache.modules.filter((m) => store.isSeeded(m.id) && !transformedIds.has(m.id) && m.meta?.[RAW_META] !== true).length;
  const stats: BundleStats = { source: "rollup", passes, transformed: transformCount, cachedModules: rendered.cache.modules.length - transformCount, fromSeed };

  const code = rendered.code;
  const bundle: ContractBundle = { sourcePath: absolute, code, methods: exportedNames(code), hash: sha256Hex(code) };
  // Hash what rollup read (its cache holds each module's text) instead of reading every file again.
  const loaded = new Map(rendered.cache.modules.map((m) => [m.id, m.originalCode]));
  const files: Record<string, string> = {};
  for (const f of rendered.watchFiles) {
    if (!path.isAbsolute(f)) continue;
    const text = loaded.get(f);
    const h = text !== undefined ? sha256Hex(text) : hashFile(f);
    if (h) files[f] = h;
  }
  try {
    const manifestPath = manifestPathOf(absolute);
    mkdirSync(cacheDir(), { recursive: true });
    const tmp = `${manifestPath}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    writeFileSync(tmp, JSON.stringify({ files, bundle }));
    renameSync(tmp, manifestPath);
  } catch {
    /* a read-only tree only loses the disk cache */
  }
  return { bundle, files, stats };
}

/** What rollup produced for a contract, module by module. */
export interface RenderedContract {
  /** The whole ES module, as near-sdk-js's rollup step writes it. */
  code: string;
  /** Rendered code of each module in the bundle, by module id (absolute path). */
  modules: Record<string, string>;
  /** Every file rollup read. */
  watchFiles: string[];
}

/**
 * Runs near-sdk-js's rollup step on a contract as `near-sdk-js build` does: every module through babel,
 * every import resolved by node-resolve (no manifest, no deferred transforms, no fast resolver; babel's
 * output for unchanged files comes from the transform cache), and returns the bundle with the code each module contributed: to check what a library adds to a
 * contract, or that it touches no Node-only API.
 *
 * @example
 * const { modules } = await renderContract("examples/staking/guarded.ts");
 */
export async function renderContract(sourcePath: string): Promise<RenderedContract> {
  const absolute = path.resolve(sourcePath);
  const toolchain = nearSdkToolchain(path.dirname(absolute));
  const store = transformStoreFor(toolchain);
  // Babel's output for unchanged files is reused (babel is deterministic); every import is resolved again
  // by node-resolve alone, as near-sdk-js does.
  const transformed = store
    .forRollup()
    .modules.filter((m) => m.meta?.[RAW_META] !== true && !store.isSeeded(m.id))
    .map((m) => ({ ...m, resolvedIds: {} }));
  const run = await runRollup(absolute, toolchain, { modules: transformed }, null, false);
  store.absorb(run.cache);
  store.save();
  return { code: run.code, modules: run.modules, watchFiles: run.watchFiles };
}
