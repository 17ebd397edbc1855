/**
 * Finds the build tools `near-sdk-js build` uses (rollup, its node-resolve and babel plugins, babel's
 * TypeScript preset and legacy decorators, near-sdk-js's own babel plugins) where near-sdk-js itself
 * resolves them. near-sdk-js depends on all of them, so this package needs none of its own: a project
 * bundles its contracts with exactly the versions its `near-sdk-js build` uses, under npm's flat layout or
 * pnpm's nested one.
 */
import { createRequire } from "node:module";
import { existsSync, readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Where near-sdk-js is installed and how to load what it depends on. */
export interface NearSdkToolchain {
  /** Directory of the near-sdk-js package (its real path). */
  sdkDir: string;
  /** near-sdk-js's version. */
  sdkVersion: string;
  /** `require` as near-sdk-js sees it. */
  require: NodeRequire;
  /** Absolute path of a package or file as near-sdk-js resolves it. */
  resolve(request: string): string;
  /** Versions of the tools that shape the output (part of the transform cache's key). */
  versions: Record<string, string>;
}

/** Directory of this package (the one holding its package.json), from wherever this module was loaded. */
export function packageRoot(): string {
  // In the CommonJS build `import.meta.url` is shimmed; in the source and the ES build it is native.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "near-callback-guards") return dir;
      } catch {
        /* not ours: keep going up */
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
}

/**
 * The source entry of the contract side when running from a checkout of this repository (tests, examples,
 * the bench import `near-callback-guards` by name), or null in an installed package, where a contract's
 * `import "near-callback-guards"` resolves to the package's ES build exactly as in `near-sdk-js build`.
 */
export function checkoutSourceEntry(): string | null {
  const root = packageRoot();
  if (root.split(path.sep).includes("node_modules")) return null;
  const entry = path.join(root, "src", "index.ts");
  return existsSync(entry) ? entry : null;
}

let cached: { key: string; toolchain: NearSdkToolchain } | null = null;

function versionOf(req: NodeRequire, name: string): string {
  try {
    return (req(`${name}/package.json`) as { version: string }).version;
  } catch {
    // Packages whose "exports" hide package.json: read it next to the resolved entry.
    try {
      let dir = path.dirname(req.resolve(name));
      for (let i = 0; i < 6; i++) {
        const p = path.join(dir, "package.json");
        if (existsSync(p)) {
          const json = JSON.parse(readFileSync(p, "utf8")) as { name?: string; version?: string };
          if (json.name === name && json.version) return json.version;
        }
        dir = path.dirname(dir);
      }
    } catch {
      /* unknown */
    }
    return "unknown";
  }
}

/** Thrown when near-sdk-js (or a tool it depends on) cannot be found. */
export class NearSdkNotFoundError extends Error {
  readonly code = "ERR_NEAR_SDK_NOT_FOUND";
  constructor(message: string) {
    super(message);
    this.name = "NearSdkNotFoundError";
  }
}

/**
 * near-sdk-js as the project sees it: looked up from `fromDir` (the contract's directory), the working
 * directory, then this package.
 *
 * @example
 * const { require: sdkRequire } = nearSdkToolchain(path.dirname(contractPath));
 * const { rollup } = sdkRequire("rollup");
 */
export function nearSdkToolchain(fromDir: string = process.cwd()): NearSdkToolchain {
  const bases = [fromDir, process.cwd(), packageRoot()];
  let manifest: string | null = null;
  for (const base of bases) {
    try {
      manifest = createRequire(path.join(base, "noop.js")).resolve("near-sdk-js/package.json");
      break;
    } catch {
      /* try the next base */
    }
  }
  if (!manifest) {
    throw new NearSdkNotFoundError(
      "Cannot find near-sdk-js, which bundles the contract: install it next to near-callback-guards (npm i -D near-sdk-js, or pnpm add -D near-sdk-js).",
    );
  }
  const real = realpathSync(manifest);
  if (cached && cached.key === real) return cached.toolchain;
  const req = createRequire(real);
  const sdkDir = path.dirname(real);
  const tools = ["rollup", "@rollup/plugin-node-resolve", "@rollup/plugin-babel", "@babel/core", "@babel/preset-typescript", "@babel/plugin-proposal-decorators"];
  const versions: Record<string, string> = { "near-sdk-js": (JSON.parse(readFileSync(real, "utf8")) as { version: string }).version };
  for (const t of tools) versions[t] = versionOf(req, t);
  const toolchain: NearSdkToolchain = {
    sdkDir,
    sdkVersion: versions["near-sdk-js"],
    require: req,
    resolve(request: string) {
      try {
        return req.resolve(request);
      } catch {
        throw new NearSdkNotFoundError(`near-sdk-js at ${sdkDir} cannot resolve ${request}: reinstall near-sdk-js@^2 (its dependencies bundle the contract).`);
      }
    },
    versions,
  };
  cached = { key: real, toolchain };
  return toolchain;
}
