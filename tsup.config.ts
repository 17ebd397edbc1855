/**
 * `npm run build`: the published dist/, built by tsup (esbuild for code, rollup-plugin-dts for types), which
 * resolves the sources' extensionless relative imports itself, so the sources stay as near-sdk-js's rollup
 * and ts-jest read them.
 *
 * Adding a published entry is one line in CONTRACT_ENTRIES or NODE_ENTRIES: package.json's `"./*"` export
 * maps `near-callback-guards/<name>` to `dist/<name>.js` (import) and `dist/<name>.cjs` (require), with
 * types next to each (`scripts/finish-build.mjs` writes the ES wrapper and `.d.ts` of a Node entry).
 *
 * - Contract entries (`.`): a real ES module with near-sdk-js imported as is, for near-sdk-js's rollup
 *   (package.json `"import"`, tree-shaken, `sideEffects: false`), and copies for Node (`"node"` and
 *   `"require"` conditions, `dist/node/`) in which near-sdk-js is replaced by `src/node/near-sdk-stub.ts`: near-sdk-js
 *   itself cannot load in Node, and its API only works inside a contract anyway, so constants, types and
 *   pure helpers work there and a contract-only function says where it runs when called.
 * - Node entries (`./testing`): one CommonJS implementation plus an ES wrapper that re-exports it, so
 *   CommonJS and ES consumers (a CommonJS scenario run by the ES command line) share one instance.
 * - The command line: an ES module that loads the testing side through its published entry.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig, type Options } from "tsup";
import type { Plugin } from "esbuild";

/** Contract-side entries: bundled into contracts by near-sdk-js's rollup. */
const CONTRACT_ENTRIES: Record<string, string> = {
  index: "src/index.ts",
};

/** Node-only entries (testing side, tools). */
const NODE_ENTRIES: Record<string, string> = {
  testing: "src/testing/index.ts",
  eslint: "src/lint/eslint/index.ts",
};

/** Everything near-sdk-js exports that the contract side imports (read from the sources). */
function sdkImports(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (p !== path.join("src", "testing") && p !== path.join("src", "cli")) walk(p);
      } else if (p.endsWith(".ts")) {
        for (const m of readFileSync(p, "utf8").matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*["']near-sdk-js["']/g)) {
          for (const part of m[1].split(",")) {
            const name = part.trim().replace(/^type\s+/, "").split(/\s+as\s+/)[0].trim();
            if (name && !/^type\s/.test(part.trim())) names.add(name);
          }
        }
      }
    }
  };
  walk("src");
  return [...names].sort();
}

/** In the Node copies of the contract side, `near-sdk-js` is `src/node/near-sdk-stub.ts` re-exported under each imported name. */
const nodeSdkStub: Plugin = {
  name: "near-sdk-js-node-stub",
  setup(build) {
    build.onResolve({ filter: /^near-sdk-js$/ }, () => ({ path: "near-sdk-js", namespace: "near-sdk-js-stub" }));
    build.onLoad({ filter: /.*/, namespace: "near-sdk-js-stub" }, () => ({
      resolveDir: path.resolve("src/node"),
      loader: "ts",
      contents:
        `import { contractOnly } from "./near-sdk-stub";\n` +
        sdkImports()
          .map((n) => `export const ${n} = contractOnly(${JSON.stringify(n)});`)
          .join("\n"),
    }));
  },
};

/**
 * The command line reaches the testing side through the published entry (one instance for it and the
 * scenarios it loads), and the executable loads the command line only after its dependency check.
 */
const cliImports: Plugin = {
  name: "cli-imports",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/testing\/index\.js$/ }, () => ({ path: "../testing.js", external: true }));
    build.onResolve({ filter: /^\.\/index\.js$/ }, (args) => (args.importer.endsWith(path.join("src", "cli", "bin.ts")) ? { path: "./cli.js", external: true } : undefined));
  },
};

/** CommonJS consumers (ts-jest's default set-up) run without --experimental-vm-modules: no import() in CommonJS output. */
const noDynamicImport: Options["esbuildOptions"] = (options) => {
  options.supported = { ...options.supported, "dynamic-import": false };
};

const common: Options = {
  outDir: "dist",
  sourcemap: false,
  splitting: false,
  treeshake: false,
  clean: false,
  shims: true,
  tsconfig: "tsconfig.build.json",
};

export default defineConfig([
  // Contract side, ES module for near-sdk-js's rollup: near-sdk-js stays an import.
  { ...common, entry: CONTRACT_ENTRIES, format: ["esm"], platform: "neutral", target: "es2022", dts: true, external: ["near-sdk-js"] },
  // Contract side for Node (ES and CommonJS): near-sdk-js replaced by the stub.
  { ...common, entry: CONTRACT_ENTRIES, outDir: "dist/node", format: ["esm", "cjs"], platform: "node", target: "node20", dts: false, noExternal: [/^near-sdk-js$/], esbuildPlugins: [nodeSdkStub] },
  // CommonJS types of the contract side.
  { ...common, entry: CONTRACT_ENTRIES, format: ["cjs"], platform: "node", target: "node20", dts: { only: true } },
  // Node entries: CommonJS implementation (+ ES wrapper and .d.ts by scripts/finish-build.mjs).
  {
    ...common,
    entry: NODE_ENTRIES,
    format: ["cjs"],
    platform: "node",
    target: "node20",
    dts: true,
    esbuildOptions: noDynamicImport,
  },
  // The bundler thread's entry (src/testing/loader/bundler-thread.ts), next to the testing side.
  { ...common, entry: { "internal/bundle-worker": "src/testing/loader/bundle-worker.ts" }, format: ["cjs"], platform: "node", target: "node20", dts: false, esbuildOptions: noDynamicImport },
  // The command line.
  {
    ...common,
    entry: { "bin/near-callback-guards": "src/cli/bin.ts", "bin/cli": "src/cli/index.ts" },
    format: ["esm"],
    platform: "node",
    target: "node20",
    dts: false,
    esbuildPlugins: [cliImports],
  },
]);
