/**
 * Contract source (.ts or .js, near-sdk-js 2.x) → the JavaScript module near-sdk-js's build feeds to
 * QuickJS. Uses the exact rollup + babel configuration of `near-sdk-js createJsFileWithRollup`
 * (node_modules/near-sdk-js/lib/cli/cli.js), plus one resolver so that contracts in this repository can
 * import `near-callback-guards` by its package name. Results are cached in memory and on disk
 * (node_modules/.cache/near-callback-guards), keyed by the content hash of every file in the bundle.
 */
import { createRequire } from "node:module";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";
import { assertGuardPlacement } from "./placement-hook.js";

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

const NODE_RESOLVE = "@rollup/plugin-node-resolve";
const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const memoryCache = new Map<string, { files: Record<string, string>; bundle: ContractBundle }>();

function cacheDir(): string {
  return path.join(process.cwd(), "node_modules", ".cache", "near-callback-guards");
}

function hashFile(file: string): string | null {
  try {
    return bytesToHex(sha256(readFileSync(file)));
  } catch {
    return null;
  }
}

function filesUnchanged(files: Record<string, string>): boolean {
  for (const [file, hash] of Object.entries(files)) if (hashFile(file) !== hash) return false;
  return true;
}

/** The entry of this package's contract-side code, for contracts that import `near-callback-guards`. */
function guardsEntry(): string | null {
  for (const candidate of [path.join(PACKAGE_ROOT, "src", "index.ts"), path.join(PACKAGE_ROOT, "dist", "index.js")]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function resolveFrom(request: string): string {
  // Prefer the user's project (near-sdk-js is a peer dependency), then this package's own tree.
  for (const base of [path.join(process.cwd(), "package.json"), path.join(PACKAGE_ROOT, "package.json")]) {
    try {
      return createRequire(base).resolve(request);
    } catch {
      /* try the next base */
    }
  }
  throw new ContractBundleError(`Cannot find ${request}: install near-sdk-js@^2 (npm i -D near-sdk-js --ignore-scripts).`);
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
  // Before any cache: a cached bundle must not skip the check (it may predate it).
  assertGuardPlacement(absolute);
  const cached = memoryCache.get(absolute);
  if (cached && filesUnchanged(cached.files)) return cached.bundle;

  const manifestPath = path.join(cacheDir(), bytesToHex(sha256(absolute)).slice(0, 32) + ".json");
  if (existsSync(manifestPath)) {
    try {
      const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { files: Record<string, string>; bundle: ContractBundle };
      if (filesUnchanged(manifest.files)) {
        memoryCache.set(absolute, manifest);
        return manifest.bundle;
      }
    } catch {
      /* stale or corrupt cache: rebuild */
    }
  }

  const rendered = await renderContract(absolute);
  const code = rendered.code;
  const bundle: ContractBundle = {
    sourcePath: absolute,
    code,
    methods: exportedNames(code),
    hash: bytesToHex(sha256(code)),
  };
  const files: Record<string, string> = {};
  for (const f of rendered.watchFiles) {
    if (!path.isAbsolute(f)) continue;
    const h = hashFile(f);
    if (h) files[f] = h;
  }
  const entry = { files, bundle };
  memoryCache.set(absolute, entry);
  try {
    mkdirSync(cacheDir(), { recursive: true });
    writeFileSync(manifestPath, JSON.stringify(entry));
  } catch {
    /* a read-only tree only loses the disk cache */
  }
  return bundle;
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
 * Runs near-sdk-js's rollup step on a contract, uncached, and returns the bundle with the code each module
 * contributed (to check what a library adds to a contract, or that it touches no Node-only API).
 *
 * @example
 * const { modules } = await renderContract("examples/staking/guarded.ts");
 */
export async function renderContract(sourcePath: string): Promise<RenderedContract> {
  const absolute = path.resolve(sourcePath);
  const [{ rollup }, { nodeResolve }, { babel }] = await Promise.all([
    import("rollup"),
    // The plugin's types are not reachable through its package "exports"; its runtime API is stable.
    import(NODE_RESOLVE) as Promise<{ nodeResolve: (options: { extensions: string[] }) => import("rollup").Plugin }>,
    import("@rollup/plugin-babel"),
  ]);
  const guards = guardsEntry();
  let built;
  try {
    built = await rollup({
      input: absolute,
      onwarn: () => {},
      plugins: [
        {
          name: "near-callback-guards-self",
          resolveId(id: string) {
            if (guards && id === "near-callback-guards") return guards;
            return null;
          },
        },
        nodeResolve({ extensions: [".js", ".ts"] }),
        babel({
          babelHelpers: "bundled",
          extensions: [".ts", ".js", ".jsx", ".es6", ".es", ".mjs"],
          presets: [resolveFrom("@babel/preset-typescript")],
          plugins: [
            resolveFrom("near-sdk-js/lib/cli/build-tools/include-bytes.js"),
            [resolveFrom("near-sdk-js/lib/cli/build-tools/near-bindgen-exporter.js"), { verbose: false }],
            [resolveFrom("@babel/plugin-proposal-decorators"), { version: "legacy" }],
          ],
        }),
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
  const modules: Record<string, string> = {};
  for (const [id, m] of Object.entries(output[0].modules)) modules[id] = m.code ?? "";
  return { code: output[0].code, modules, watchFiles: built.watchFiles };
}
