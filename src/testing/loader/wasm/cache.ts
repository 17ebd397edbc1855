/**
 * The wasm engine's disk cache: content-addressed files shared by every jest worker and every run, written
 * atomically (temporary file + rename) and built under a lock so that two processes never do the same
 * slow build twice. Lives in `node_modules/.cache/near-callback-guards/wasm` of the current project, or in
 * `$NEAR_CALLBACK_GUARDS_CACHE_DIR/wasm`.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { sha256 } from "@noble/hashes/sha256";
import { bytesToHex } from "@noble/hashes/utils";

/** Environment variable that moves every near-callback-guards cache (wasm builds included). */
export const CACHE_DIR_ENV_VAR = "NEAR_CALLBACK_GUARDS_CACHE_DIR";

/** Root directory of the wasm engine's cache. */
export function wasmCacheRoot(): string {
  const base = process.env[CACHE_DIR_ENV_VAR]?.trim() || path.join(process.cwd(), "node_modules", ".cache", "near-callback-guards");
  return path.join(base, "wasm");
}

/** sha256 (hex) of the parts, each length-prefixed so that ("ab","c") and ("a","bc") differ. */
export function hashParts(...parts: (string | Uint8Array)[]): string {
  const chunks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const p of parts) {
    const bytes = typeof p === "string" ? enc.encode(p) : p;
    chunks.push(enc.encode(`${bytes.length}:`), bytes);
  }
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return bytesToHex(sha256(all));
}

/** Writes a file so that a reader sees either nothing or the whole content. */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

/** The file's bytes, or undefined when it does not exist. */
export function readIfExists(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `fn` holding an exclusive lock (a directory, created atomically) next to `target`. A lock left by a
 * process that died, or older than `staleMs`, is taken over. Callers check for the finished result again
 * inside `fn`: another process may have produced it while this one waited.
 */
export async function withFileLock<T>(target: string, fn: () => Promise<T>, options: { staleMs?: number; timeoutMs?: number } = {}): Promise<T> {
  const lock = `${target}.lock`;
  const staleMs = options.staleMs ?? 15 * 60_000;
  const deadline = Date.now() + (options.timeoutMs ?? 30 * 60_000);
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, "owner"), JSON.stringify({ pid: process.pid, host: hostname(), at: Date.now() }));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      let stale = false;
      try {
        const owner = JSON.parse(readFileSync(path.join(lock, "owner"), "utf8")) as { pid: number; host: string; at: number };
        stale = (owner.host === hostname() && !processAlive(owner.pid)) || Date.now() - owner.at > staleMs;
      } catch {
        // The owner file is written right after the directory: give a fresh lock a moment before judging it.
        try {
          stale = Date.now() - statSync(lock).mtimeMs > 10_000;
        } catch {
          stale = false;
        }
      }
      if (stale) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`Timed out waiting for the build lock ${lock}: remove it if no build is running`);
      await sleep(150);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
