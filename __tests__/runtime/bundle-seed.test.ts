/**
 * The transform cache's seed (src/testing/loader/bundle-seed.ts): a project's first bundle takes babel's
 * output for near-sdk-js, lodash-es and the contract side from it instead of running babel, and the bundle
 * stays byte-identical; the seed holds no path of the machine that made it; a seed made with other babel
 * versions is refused as a whole; a seeded file whose text differs (another version) just misses.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle, clearBundleMemoryCaches } from "../../src/testing/loader/bundle-contract.js";
import { buildBundleSeed } from "../../src/testing/loader/build-bundle-seed.js";
import { seedModules, lastSeedRefusal, transformFingerprint, type BundleSeed } from "../../src/testing/loader/bundle-seed.js";
import { nearSdkToolchain } from "../../src/testing/loader/near-sdk-toolchain.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const tmpRoot = path.join(root, "node_modules", ".cache", "near-callback-guards-tests");
mkdirSync(tmpRoot, { recursive: true });
const work = mkdtempSync(path.join(tmpRoot, "bundle-seed-"));
const seedFile = path.join(work, "seed.json");
const saved = { cache: process.env.NEAR_CALLBACK_GUARDS_CACHE_DIR, seed: process.env.NEAR_CALLBACK_GUARDS_BUNDLE_SEED };

/** A fresh, empty cache directory and no in-memory cache: a project's first bundle. */
function coldStart(name: string, seed: string): void {
  process.env.NEAR_CALLBACK_GUARDS_CACHE_DIR = path.join(work, name);
  process.env.NEAR_CALLBACK_GUARDS_BUNDLE_SEED = seed;
  clearBundleMemoryCaches();
}

/** A copy of a contract at a new path (no manifest knows it). */
function freshCopy(source: string): string {
  const dir = mkdtempSync(path.join(work, "contract-"));
  const file = path.join(dir, path.basename(source));
  writeFileSync(file, readFileSync(source, "utf8").replace(/from "\.\.?\//g, `from "${path.dirname(source)}/`));
  return file;
}

beforeAll(async () => {
  coldStart("seed-build", "0");
  await buildBundleSeed({ out: seedFile, contractSide: "source" });
}, 240_000);

afterAll(() => {
  process.env.NEAR_CALLBACK_GUARDS_CACHE_DIR = saved.cache;
  process.env.NEAR_CALLBACK_GUARDS_BUNDLE_SEED = saved.seed;
  if (saved.cache === undefined) delete process.env.NEAR_CALLBACK_GUARDS_CACHE_DIR;
  if (saved.seed === undefined) delete process.env.NEAR_CALLBACK_GUARDS_BUNDLE_SEED;
  clearBundleMemoryCaches();
});

describe("bundle seed", () => {
  test("holds near-sdk-js, lodash-es and the contract side by package and path, and no path of this machine", () => {
    const text = readFileSync(seedFile, "utf8");
    const seed = JSON.parse(text) as BundleSeed;
    const packages = new Set(seed.modules.map((m) => m.package));
    expect([...packages]).toEqual(expect.arrayContaining(["near-sdk-js", "lodash-es", "near-callback-guards"]));
    expect(seed.modules.some((m) => m.package === "near-sdk-js" && m.file === "lib/api.js")).toBe(true);
    expect(seed.modules.filter((m) => m.package === "near-callback-guards").every((m) => m.file.startsWith("src/") && !m.file.startsWith("src/testing/"))).toBe(true);
    expect(text).not.toContain(root);
    expect(seed.tools).toEqual(transformFingerprint(nearSdkToolchain(root)));
    expect(seed.tools).toContain(`near-sdk-js@${nearSdkToolchain(root).sdkVersion}`);
    expect(seed.tools.some((t) => t.startsWith("@babel/generator@"))).toBe(true);
  });

  test("rebases every module onto this install: the file there has exactly the seeded text", () => {
    const modules = seedModules(nearSdkToolchain(root), seedFile);
    expect(lastSeedRefusal()).toBeNull();
    expect(modules.length).toBe((JSON.parse(readFileSync(seedFile, "utf8")) as BundleSeed).modules.length);
    for (const m of modules) {
      expect(path.isAbsolute(m.id)).toBe(true);
      expect(readFileSync(m.id, "utf8")).toBe(m.originalCode);
    }
  });

  test("a cold first bundle takes babel's output from the seed and is byte-identical; a seeded file of another version misses", async () => {
    const contract = freshCopy(path.join(root, "examples", "staking", "guarded.ts"));
    // Reference: no seed, babel run in this process.
    coldStart("reference", "0");
    const reference = await buildBundle(contract);
    expect(reference.stats.fromSeed).toBe(0);

    // One seeded module as another version of near-sdk-js would have it: its text differs from the file.
    const seed = JSON.parse(readFileSync(seedFile, "utf8")) as BundleSeed;
    const api = seed.modules.find((m) => m.package === "near-sdk-js" && m.file === "lib/api.js")!;
    api.originalCode += "\n// another version\n";
    api.code = `export const POISONED = 1;\n${api.code}`;
    const altered = path.join(work, "altered-seed.json");
    writeFileSync(altered, JSON.stringify(seed));

    coldStart("seeded", altered);
    const seeded = await buildBundle(contract);
    expect(seeded.stats.source).toBe("rollup");
    expect(seeded.stats.fromSeed).toBeGreaterThan(100);
    // babel ran for the contract, and for near-sdk-js's api.js, whose seeded text did not match.
    expect(seeded.stats.transformed).toBeLessThanOrEqual(3);
    expect(seeded.stats.transformed).toBeGreaterThanOrEqual(2);
    expect(seeded.bundle.code).not.toContain("POISONED");
    expect(seeded.bundle.code).toBe(reference.bundle.code);
    expect(seeded.bundle.hash).toBe(reference.bundle.hash);
    // The disk cache now holds them: the next process needs no seed.
    expect(existsSync(path.join(work, "seeded"))).toBe(true);
  }, 240_000);

  test("a seed made with other babel versions, or in another format, is refused as a whole", () => {
    const seed = JSON.parse(readFileSync(seedFile, "utf8")) as BundleSeed;
    const otherTools = path.join(work, "other-tools.json");
    writeFileSync(otherTools, JSON.stringify({ ...seed, tools: seed.tools.map((t) => (t.startsWith("@babel/generator@") ? "@babel/generator@7.0.0" : t)) }));
    expect(seedModules(nearSdkToolchain(root), otherTools)).toEqual([]);
    expect(lastSeedRefusal()).toBe("tools");
    const otherFormat = path.join(work, "other-format.json");
    writeFileSync(otherFormat, JSON.stringify({ ...seed, format: 999 }));
    expect(seedModules(nearSdkToolchain(root), otherFormat)).toEqual([]);
    expect(lastSeedRefusal()).toBe("format");
    expect(seedModules(nearSdkToolchain(root), path.join(work, "missing.json"))).toEqual([]);
    expect(lastSeedRefusal()).toBeNull();
  });
});
