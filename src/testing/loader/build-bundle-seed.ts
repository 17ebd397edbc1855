/**
 * Makes the transform cache's seed (`bundle-seed.ts`): bundles one contract that re-exports everything
 * near-sdk-js and this package's contract side export (so every module a contract can reach renders and goes
 * through babel), with the build's own near-sdk-js toolchain, and keeps babel's output for the modules of
 * installed packages and of the contract side, keyed by package and path inside the package.
 * `npm run build` runs it (`scripts/build-bundle-seed.ts`) for the package's `dist/`.
 */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { buildBundle, transformStoreFor } from "./bundle-contract.js";
import { nearSdkToolchain, packageRoot } from "./near-sdk-toolchain.js";
import { findPackageDir, seedKeyOf, SEED_FORMAT, transformFingerprint, type BundleSeed, type SeedModule } from "./bundle-seed.js";

/** What `buildBundleSeed` makes. */
export interface BuildBundleSeedParameters {
  /** File to write (JSON). */
  out: string;
  /**
   * Which contract side the seed holds: `dist` (the built `dist/index.js`, what an installed package's
   * contracts import; needs `npm run build`'s tsup step first) or `source` (`src/`, what contracts in a
   * checkout of this repository import).
   */
  contractSide: "dist" | "source";
}

/** What `buildBundleSeed` wrote. */
export interface BuildBundleSeedReturnType {
  /** Modules in the seed. */
  modules: number;
  /** Size of the file. */
  bytes: number;
  /** The tools the seed applies to (`transformFingerprint`). */
  tools: string[];
}

/**
 * Writes a seed for the near-sdk-js installed next to this package.
 *
 * @example
 * await buildBundleSeed({ out: "dist/bundle-seed.json", contractSide: "dist" });
 */
export async function buildBundleSeed({ out, contractSide }: BuildBundleSeedParameters): Promise<BuildBundleSeedReturnType> {
  const root = packageRoot();
  // The entry lives in the package (outside node_modules, where near-sdk-js resolves), for the build only.
  const dir = mkdtempSync(path.join(root, ".bundle-seed-"));
  try {
    const entry = path.join(dir, "entry.js");
    const guards = contractSide === "dist" ? path.relative(dir, path.join(root, "dist", "index.js")).split(path.sep).join("/") : "near-callback-guards";
    writeFileSync(entry, `export * as sdk from "near-sdk-js";\nexport * as guards from ${JSON.stringify(guards)};\n`);
    const built = await buildBundle(entry);
    const toolchain = nearSdkToolchain(dir);
    const inBundle = new Set(Object.keys(built.files));
    const selfPrefix = contractSide === "dist" ? "dist/" : "src/";
    const modules: SeedModule[] = [];
    for (const m of transformStoreFor(toolchain).forRollup().modules) {
      if (!inBundle.has(m.id) || m.id === entry || m.meta?.["near-callback-guards/untransformed"] === true) continue;
      const key = seedKeyOf(m.id, root);
      if (!key || typeof m.originalCode !== "string") continue;
      if (key.package === "near-callback-guards" && (!key.file.startsWith(selfPrefix) || key.file.startsWith("src/testing/"))) continue;
      // Kept only when the seed's rebasing finds this very file again here.
      const home = key.package === "near-callback-guards" ? root : key.package === "near-sdk-js" ? toolchain.sdkDir : findPackageDir(key.package, toolchain.sdkDir);
      if (!home || path.join(home, ...key.file.split("/")) !== m.id) continue;
      modules.push({ package: key.package, file: key.file, originalCode: m.originalCode, code: m.code });
    }
    modules.sort((a, b) => (a.package === b.package ? (a.file < b.file ? -1 : 1) : a.package < b.package ? -1 : 1));
    const seed: BundleSeed = { format: SEED_FORMAT, tools: transformFingerprint(toolchain), modules };
    const text = JSON.stringify(seed);
    mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
    writeFileSync(out, text);
    return { modules: modules.length, bytes: Buffer.byteLength(text), tools: seed.tools };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
