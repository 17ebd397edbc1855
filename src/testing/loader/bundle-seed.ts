/**
 * The transform cache's seed: babel's output for the modules every contract bundle needs (near-sdk-js's own
 * modules, the lodash-es modules they render, this package's contract side), made when the package is built
 * (`npm run build` → `dist/bundle-seed.json`) and shipped with it, so that the first contract of a project
 * whose cache is empty does not run babel over near-sdk-js (most of a cold bundle's time).
 *
 * Why it cannot change a bundle:
 * - it is used only when every package that shapes babel's output (near-sdk-js, whose babel plugins the
 *   build uses, @rollup/plugin-babel and every `@babel/*` package babel loads for it) has the exact version
 *   the seed was made with (`transformFingerprint`), and the project has no root `babel.config.*` (which
 *   would apply to node_modules too); otherwise it is ignored as a whole;
 * - each module is keyed by package name and path inside the package, rebased onto where the project
 *   installed that package (npm, pnpm, anywhere on disk), and rollup reuses a cached module only when the
 *   file's text is byte-identical to its `originalCode`: a file of another version just misses;
 * - it holds no resolution (every import is resolved again by the project's resolvers), no AST (rollup parses
 *   the code) and no module options (side effects come from the project's package.json files).
 *
 * `NEAR_CALLBACK_GUARDS_BUNDLE_SEED` names another seed file, or turns it off (`0`).
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import type { RollupCache } from "rollup";
import { packageRoot, type NearSdkToolchain } from "./near-sdk-toolchain.js";

type ModuleJSON = RollupCache["modules"][number];

/** Bump when the seed's shape or the meaning of an entry changes. */
export const SEED_FORMAT = 1;

/** File name of the seed in the package's dist/. */
export const SEED_FILE = "bundle-seed.json";

/** The package name under which this package's own modules are keyed. */
const SELF = "near-callback-guards";

/** One module of the seed: babel's output for one file of one package. */
export interface SeedModule {
  /** Package name (`near-sdk-js`, `lodash-es`, `near-callback-guards`). */
  package: string;
  /** Path inside the package, `/`-separated (`lib/api.js`). */
  file: string;
  /** The file's text: rollup reuses `code` only when the project's file is byte-identical. */
  originalCode: string;
  /** babel's output for it. */
  code: string;
}

/** The seed file. */
export interface BundleSeed {
  format: number;
  /** `name@version` of every package that shapes babel's output (see `transformFingerprint`), sorted. */
  tools: string[];
  modules: SeedModule[];
}

/** Root config files babel reads from the working directory; they apply to node_modules as well. */
const BABEL_ROOT_CONFIGS = ["babel.config.js", "babel.config.cjs", "babel.config.mjs", "babel.config.json", "babel.config.cts", "babel.config.ts"];

/**
 * The directory of package `name` as Node finds it from `fromDir` (its real path), or null. Reads
 * `node_modules/<name>/package.json` up the tree, so packages whose `exports` hide package.json are found.
 */
export function findPackageDir(name: string, fromDir: string): string | null {
  let dir = fromDir;
  for (;;) {
    const candidate = path.join(dir, "node_modules", name, "package.json");
    if (existsSync(candidate)) return path.dirname(realpathSync(candidate));
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function manifestOf(dir: string): { name?: string; version?: string; dependencies?: Record<string, string>; peerDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
}

const fingerprints = new Map<string, string[]>();

/**
 * `name@version` of every package that shapes babel's output in near-sdk-js's rollup step, as installed
 * for `toolchain`: near-sdk-js (its babel plugins), @rollup/plugin-babel, and every `@babel/*` package
 * reachable from @babel/core, @babel/preset-typescript and @babel/plugin-proposal-decorators through
 * `dependencies` (parser, generator, traverse, helpers, the TypeScript transform...). Sorted.
 *
 * @example
 * transformFingerprint(nearSdkToolchain()); // ["@babel/core@7.29.13", ..., "near-sdk-js@2.0.0"]
 */
export function transformFingerprint(toolchain: NearSdkToolchain): string[] {
  const known = fingerprints.get(toolchain.sdkDir);
  if (known) return known;
  const found = new Set<string>([`near-sdk-js@${toolchain.sdkVersion}`]);
  const visited = new Set<string>();
  const visit = (name: string, fromDir: string) => {
    const dir = findPackageDir(name, fromDir);
    if (!dir) {
      found.add(`${name}@missing`);
      return;
    }
    if (visited.has(dir)) return;
    visited.add(dir);
    const manifest = manifestOf(dir);
    found.add(`${manifest.name ?? name}@${manifest.version ?? "unknown"}`);
    for (const dep of Object.keys(manifest.dependencies ?? {})) if (dep.startsWith("@babel/")) visit(dep, dir);
  };
  for (const root of ["@rollup/plugin-babel", "@babel/core", "@babel/preset-typescript", "@babel/plugin-proposal-decorators"]) visit(root, toolchain.sdkDir);
  const list = [...found].sort();
  fingerprints.set(toolchain.sdkDir, list);
  return list;
}

/** Where the seed is read from: `NEAR_CALLBACK_GUARDS_BUNDLE_SEED`, else the package's `dist/bundle-seed.json`; null when turned off. */
export function seedPath(): string | null {
  const fromEnv = process.env.NEAR_CALLBACK_GUARDS_BUNDLE_SEED?.trim();
  if (fromEnv && /^(0|false|no|off)$/i.test(fromEnv)) return null;
  if (fromEnv) return path.resolve(fromEnv);
  return path.join(packageRoot(), "dist", SEED_FILE);
}

/** Why the seed was not used (null: used, or no seed file at all). For tests and diagnostics. */
export type SeedRefusal = "format" | "tools" | "babel-config" | "unreadable" | null;

let lastRefusal: SeedRefusal = null;

/** Why the last `seedModules` call used no seed (null when it did, or when there was none). */
export function lastSeedRefusal(): SeedRefusal {
  return lastRefusal;
}

/**
 * The seed's modules as rollup cache entries at the project's own paths, or `[]` when there is no seed or
 * it does not apply to this toolchain (see the file's doc comment).
 *
 * @example
 * store.seed(seedModules(nearSdkToolchain(contractDir)));
 */
export function seedModules(toolchain: NearSdkToolchain, file: string | null = seedPath()): ModuleJSON[] {
  lastRefusal = null;
  if (!file || !existsSync(file)) return [];
  let seed: BundleSeed;
  try {
    seed = JSON.parse(readFileSync(file, "utf8")) as BundleSeed;
  } catch {
    lastRefusal = "unreadable";
    return [];
  }
  if (seed.format !== SEED_FORMAT || !Array.isArray(seed.modules) || !Array.isArray(seed.tools)) {
    lastRefusal = "format";
    return [];
  }
  if (seed.tools.join("\n") !== transformFingerprint(toolchain).join("\n")) {
    lastRefusal = "tools";
    return [];
  }
  if (BABEL_ROOT_CONFIGS.some((f) => existsSync(path.join(process.cwd(), f)))) {
    lastRefusal = "babel-config";
    return [];
  }
  const dirs = new Map<string, string | null>([
    [SELF, packageRoot()],
    ["near-sdk-js", toolchain.sdkDir],
  ]);
  const dirOf = (name: string): string | null => {
    if (!dirs.has(name)) dirs.set(name, findPackageDir(name, toolchain.sdkDir));
    return dirs.get(name) ?? null;
  };
  const modules: ModuleJSON[] = [];
  for (const m of seed.modules) {
    const dir = dirOf(m.package);
    if (!dir || typeof m.code !== "string" || typeof m.originalCode !== "string") continue;
    modules.push({
      id: path.join(dir, ...m.file.split("/")),
      code: m.code,
      originalCode: m.originalCode,
      originalSourcemap: null,
      sourcemapChain: [],
      resolvedIds: {},
      dependencies: [],
      transformDependencies: [],
      customTransformCache: false,
      meta: {},
      moduleSideEffects: null,
      syntheticNamedExports: null,
    } as unknown as ModuleJSON);
  }
  return modules;
}

/**
 * The seed entry for a module id, or null when the id is not inside an installed package or this package
 * (a project's own files are never seeded).
 */
export function seedKeyOf(id: string, selfRoot: string = packageRoot()): { package: string; file: string } | null {
  if (id.startsWith("\0") || !path.isAbsolute(id)) return null;
  const marker = `${path.sep}node_modules${path.sep}`;
  const at = id.lastIndexOf(marker);
  if (at >= 0) {
    const rest = id.slice(at + marker.length).split(path.sep);
    const take = rest[0].startsWith("@") ? 2 : 1;
    if (rest.length <= take || rest[0].startsWith(".")) return null;
    return { package: rest.slice(0, take).join("/"), file: rest.slice(take).join("/") };
  }
  const relative = path.relative(selfRoot, id);
  if (!relative || relative.startsWith("..") || path.isAbsolute(relative)) return null;
  return { package: SELF, file: relative.split(path.sep).join("/") };
}
