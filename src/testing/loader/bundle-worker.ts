/**
 * Entry of the bundler thread (`bundler-thread.ts`): bundles the contracts the main thread asks for, one
 * request at a time, with rollup and babel loaded once (as the thread starts) and the transform cache kept
 * in memory.
 */
import { parentPort } from "node:worker_threads";
import { buildBundle, prepareBundling, deferTransformCacheSaves, saveTransformCaches } from "./bundle-contract.js";
import { serializeError, type BundlerReply } from "./bundler-thread.js";

deferTransformCacheSaves();
// Warm up first; a failure here (near-sdk-js missing) is reported by the first real request.
let queue: Promise<void> = prepareBundling().catch(() => {});
let waiting = 0;

parentPort?.on("message", (request: { id: number; file: string }) => {
  waiting += 1;
  queue = queue.then(async () => {
    let reply: BundlerReply;
    try {
      reply = { id: request.id, ok: true, built: await buildBundle(request.file) };
    } catch (e) {
      reply = { id: request.id, ok: false, error: serializeError(e) };
    }
    waiting -= 1;
    // Idle after this reply: write the transform cache then. The main thread keeps this thread (and so the
    // process) alive until it hears "saved".
    const saveAfter = waiting === 0;
    parentPort?.postMessage({ ...reply, saving: saveAfter });
    if (saveAfter) {
      setImmediate(() => {
        try {
          saveTransformCaches();
        } finally {
          parentPort?.postMessage({ saved: true });
        }
      });
    }
  });
});
