/**
 * Rollup's module cache, kept in memory and on disk so that every contract of every run reuses the
 * modules near-sdk-js's rollup step already resolved and transformed (near-sdk-js itself, lodash-es, this
 * package's contract side): only the files that changed go through babel again.
 *
 * What makes a cached module valid: rollup itself reuses a cached module only when the file's content is
 * byte-identical to the cached `originalCode`; the store as a whole is keyed by the versions of the tools
 * that shape the output (near-sdk-js, rollup, babel and their plugins), this cache's format and the
 * project's lockfiles (a reinstall can move packages, and a cached module remembers where its imports
 * resolved). Stored with `v8.serialize` (ASTs hold bigint and RegExp literals, which JSON cannot).
 * Writes go to a temporary file renamed into place, so parallel jest workers never read half a file; a
 * lost race only loses some entries.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync, readdirSync, unlinkSync } from "node:fs";
import path from "node:path";
import { deserialize, serialize } from "node:v8";
import { createHash } from "node:crypto";
import type { RollupCache } from "rollup";

type ModuleJSON = RollupCache["modules"][number];

/** Bump when the stored shape or the meaning of an entry changes. */
const FORMAT = 1;
const LOCKFILES = ["package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml", "yarn.lock", "bun.lockb"];

/** Directory of the on-disk caches: `NEAR_CALLBACK_GUARDS_CACHE_DIR`, else `node_modules/.cache/near-callback-guards` of the project. */
export function cacheDir(): string {
  const fromEnv = process.env.NEAR_CALLBACK_GUARDS_CACHE_DIR?.trim();
  if (fromEnv) return path.resolve(fromEnv);
  return path.join(projectDir(), "node_modules", ".cache", "near-callback-guards");
}

/** The nearest directory from the working directory up that has a package.json (else the working directory). */
function projectDir(): string {
  let dir = process.cwd();
  for (;;) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** Content key of the store: tool versions, format, lockfiles. */
export function storeKey(toolVersions: Record<string, string>, sdkDir: string): string {
  const h = createHash("sha256");
  h.update(JSON.stringify({ FORMAT, toolVersions, sdkDir }));
  const dir = projectDir();
  for (const f of LOCKFILES) {
    const p = path.join(dir, f);
    if (existsSync(p)) h.update(f).update(readFileSync(p));
  }
  return h.digest("hex").slice(0, 24);
}

/** Rollup modules by id, shared by every build in this process and persisted between processes. */
export class TransformCache {
  private readonly modules = new Map<string, ModuleJSON>();
  private readonly seededIds = new Set<string>();
  private loaded = false;
  private dirty = false;

  constructor(readonly key: string) {}

  private get file(): string {
    return path.join(cacheDir(), `transforms-${this.key}.v8`);
  }

  /** The cache to hand to `rollup({ cache })`. */
  forRollup(): RollupCache {
    this.load();
    return { modules: [...this.modules.values()] };
  }

  /** Number of modules held. */
  get size(): number {
    this.load();
    return this.modules.size;
  }

  /**
   * Fills an empty store (nothing on disk yet: a project's first bundle) with the package's seed
   * (`bundle-seed.ts`); `modules` is only called then. A store that holds anything already got the seed's
   * modules, or better ones, from an earlier run.
   */
  seed(modules: () => ModuleJSON[]): void {
    this.load();
    if (this.modules.size > 0) return;
    for (const m of modules()) {
      this.modules.set(m.id, m);
      this.seededIds.add(m.id);
    }
  }

  /** Whether the module with this id came from the seed in this process. */
  isSeeded(id: string): boolean {
    return this.seededIds.has(id);
  }

  /** Takes in the modules of a finished build (later builds win). */
  absorb(cache: RollupCache | undefined): void {
    if (!cache) return;
    this.load();
    for (const m of cache.modules) {
      // Source maps are never generated from these builds: do not keep them.
      this.modules.set(m.id, { ...m, originalSourcemap: null, sourcemapChain: [] });
    }
    this.dirty = true;
  }

  private load(): void {
    if (this.loaded) return;
    this.loaded = true;
    try {
      if (!existsSync(this.file)) return;
      const stored = deserialize(readFileSync(this.file)) as { format: number; modules: ModuleJSON[] };
      if (stored.format !== FORMAT || !Array.isArray(stored.modules)) return;
      for (const m of stored.modules) if (!this.modules.has(m.id)) this.modules.set(m.id, m);
    } catch {
      /* corrupt or from another Node version: start empty */
    }
  }

  /** Writes the store to disk (atomically); removes stores of other keys. A read-only tree only loses the disk copy. */
  save(): void {
    if (!this.dirty) return;
    this.dirty = false;
    try {
      const dir = cacheDir();
      mkdirSync(dir, { recursive: true });
      const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
      writeFileSync(tmp, serialize({ format: FORMAT, modules: [...this.modules.values()] }));
      renameSync(tmp, this.file);
      for (const f of readdirSync(dir)) {
        if (f.startsWith("transforms-") && path.join(dir, f) !== this.file && !f.endsWith(".tmp")) {
          try {
            unlinkSync(path.join(dir, f));
          } catch {
            /* another process removed it */
          }
        }
      }
    } catch {
      /* no disk cache then */
    }
  }
}

const stores = new Map<string, TransformCache>();

/** Forgets every in-memory store (the disk copies stay): for measurements and tests of a cold start. */
export function forgetTransformCaches(): void {
  stores.clear();
}

/** The process-wide store for a key. */
export function transformCacheFor(key: string): TransformCache {
  let store = stores.get(key);
  if (!store) {
    store = new TransformCache(key);
    stores.set(key, store);
  }
  return store;
}
