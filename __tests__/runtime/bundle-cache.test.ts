/**
 * Contract bundling's caches and shortcuts give exactly what near-sdk-js's rollup step gives: a bundle built
 * through the transform cache, the deferred babel passes and the fast relative resolver is byte-identical
 * to `renderContract` (node-resolve alone, every module through babel); the fast resolver answers as
 * node-resolve does; a new contract reuses the transforms of earlier builds; an unchanged one comes from
 * its manifest; the progress line shows only for slow bundles.
 */
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Plugin } from "rollup";
import { bundleContract, renderContract, lastBundleStats, clearBundleMemoryCaches, relativeDependencyResolver } from "../../src/testing/loader/bundle-contract.js";
import { nearSdkToolchain } from "../../src/testing/loader/near-sdk-toolchain.js";
import { bundleProgress } from "../../src/testing/loader/bundle-progress.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const tmpRoot = path.join(root, "node_modules", ".cache", "near-callback-guards-tests");
mkdirSync(tmpRoot, { recursive: true });

/** A copy of a contract at a new path (so no manifest knows it), with `marker` appended. */
function freshCopy(source: string, marker: string): string {
  const dir = mkdtempSync(path.join(tmpRoot, "bundle-cache-"));
  const file = path.join(dir, path.basename(source));
  writeFileSync(file, readFileSync(source, "utf8").replace(/from "\.\.?\//g, `from "${path.dirname(source)}/`) + `\n// ${marker}\n`);
  return file;
}

describe("bundleContract", () => {
  test.each([["examples/staking/guarded.ts"], ["__tests__/fixtures/counter.ts"], ["examples/escrow/marketplace.ts"]])(
    "%s: byte-identical to near-sdk-js's rollup step (renderContract)",
    async (file) => {
      const copy = freshCopy(path.join(root, file), "identical");
      const fast = await bundleContract(copy);
      expect(lastBundleStats()?.source).toBe("rollup");
      const reference = await renderContract(copy);
      expect(fast.code).toBe(reference.code);
    },
    // renderContract runs babel over every module, uncached: minutes on a loaded 2-core machine.
    240_000,
  );

  test("the fast resolver gives node-resolve's answer (file and sideEffects) for every import it answers", async () => {
    const toolchain = nearSdkToolchain(root);
    const { rollup } = toolchain.require("rollup") as typeof import("rollup");
    const { nodeResolve } = toolchain.require("@rollup/plugin-node-resolve") as { nodeResolve: (o: object) => Plugin };
    const fast = relativeDependencyResolver();
    const answered: { source: string; importer: string; fast: unknown; reference: unknown }[] = [];
    const checking: Plugin = {
      name: "check-fast-resolver",
      async resolveId(source, importer, options) {
        const mine = await (fast.resolveId as (s: string, i: string | undefined) => unknown)(source, importer);
        if (!mine || !importer) return null;
        const reference = await this.resolve(source, importer, { ...options, skipSelf: true });
        answered.push({ source, importer, fast: mine, reference: reference && { id: reference.id, moduleSideEffects: reference.moduleSideEffects } });
        return reference;
      },
    };
    const build = await rollup({
      input: path.join(root, "__tests__", "fixtures", "counter.ts"),
      onwarn: () => {},
      plugins: [checking, nodeResolve({ extensions: [".js", ".ts"] }), { name: "ts-as-js", transform: (code, id) => (id.endsWith(".ts") ? { code: "import 'near-sdk-js'; export {};" } : null) }],
    });
    await build.close();
    expect(answered.length).toBeGreaterThan(500); // lodash-es alone
    const disagreements = answered.filter((a) => JSON.stringify(a.fast) !== JSON.stringify(a.reference));
    expect(disagreements).toEqual([]);
    // lodash-es declares sideEffects: false, and the answers carry it.
    expect(answered.some((a) => (a.fast as { moduleSideEffects: unknown }).moduleSideEffects === false)).toBe(true);
  });

  test("a new contract reuses earlier transforms; an unchanged one comes from its manifest", async () => {
    await bundleContract(path.join(root, "__tests__", "fixtures", "counter.ts"));
    const copy = freshCopy(path.join(root, "__tests__", "fixtures", "counter.ts"), "reuse");
    const first = await bundleContract(copy);
    const stats = lastBundleStats()!;
    expect(stats.source).toBe("rollup");
    // Only the new file goes through babel: near-sdk-js and lodash-es come from the transform cache.
    expect(stats.transformed).toBeLessThanOrEqual(2);
    expect(stats.cachedModules).toBeGreaterThan(100);
    clearBundleMemoryCaches();
    const again = await bundleContract(copy);
    expect(lastBundleStats()?.source).toBe("manifest");
    expect(again).toEqual(first);
    const inMemory = await bundleContract(copy);
    expect(lastBundleStats()?.source).toBe("memory");
    expect(inMemory.hash).toBe(first.hash);
  });

  test("a changed dependency file is rebuilt, not served from the manifest", async () => {
    const dir = mkdtempSync(path.join(tmpRoot, "bundle-change-"));
    writeFileSync(path.join(dir, "greeting.ts"), `export const GREETING = "hello";\n`);
    writeFileSync(
      path.join(dir, "main.ts"),
      `import { NearBindgen, view } from "near-sdk-js";\nimport { GREETING } from "./greeting";\n@NearBindgen({})\nexport class Greeter {\n  @view({})\n  greet(): string {\n    return GREETING;\n  }\n}\n`,
    );
    const before = await bundleContract(path.join(dir, "main.ts"));
    expect(before.code).toContain(`"hello"`);
    writeFileSync(path.join(dir, "greeting.ts"), `export const GREETING = "howdy";\n`);
    clearBundleMemoryCaches();
    const after = await bundleContract(path.join(dir, "main.ts"));
    expect(lastBundleStats()?.source).toBe("rollup");
    expect(after.code).toContain(`"howdy"`);
    expect(after.code).not.toContain(`"hello"`);
    expect(after.methods).toContain("greet");
  });
});

describe("bundle progress line", () => {
  const sink = (isTTY: boolean) => {
    const lines: string[] = [];
    return { lines, stream: { isTTY, write: (t: string) => void lines.push(t) } };
  };

  test("a slow bundle prints a start line and its time; a fast one prints nothing", async () => {
    const slow = sink(false);
    const done = bundleProgress(path.join(process.cwd(), "src", "contract.ts"), { stream: slow.stream, delayMs: 5 });
    await new Promise((r) => setTimeout(r, 30));
    done("done");
    expect(slow.lines).toHaveLength(2);
    expect(slow.lines[0]).toBe("near-callback-guards: bundling src/contract.ts with near-sdk-js's rollup step (cached for later runs)…\n");
    expect(slow.lines[1]).toMatch(/^near-callback-guards: bundled src\/contract\.ts in \d+\.\d s\n$/);

    const fast = sink(false);
    bundleProgress("src/contract.ts", { stream: fast.stream, delayMs: 1000 })("done");
    expect(fast.lines).toEqual([]);
  });

  test("on a terminal the result replaces the line; NEAR_CALLBACK_GUARDS_QUIET=1 silences it", async () => {
    const tty = sink(true);
    const done = bundleProgress("src/contract.ts", { stream: tty.stream, delayMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    done("failed");
    expect(tty.lines[0]).not.toMatch(/\n$/);
    expect(tty.lines[1]).toMatch(/^\r\x1b\[2Knear-callback-guards: failed to bundle /);
    process.env.NEAR_CALLBACK_GUARDS_QUIET = "1";
    try {
      const quiet = sink(false);
      const d = bundleProgress("src/contract.ts", { stream: quiet.stream, delayMs: 1 });
      await new Promise((r) => setTimeout(r, 20));
      d("done");
      expect(quiet.lines).toEqual([]);
    } finally {
      delete process.env.NEAR_CALLBACK_GUARDS_QUIET;
    }
  });
});
