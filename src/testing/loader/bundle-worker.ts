/**
 * Entry of the bundler thread (`bundler-thread.ts`): bundles the contracts the main thread asks for, one
 * request at a time, with rollup and babel loaded once (as the thread starts) and the transform cache kept
 * in memory.
 */
import { parentPort } from "node:worker_threads";
import { buildBundle, prepareBundling } from "./bundle-contract.js";
import { serializeError, type BundlerReply } from "./bundler-thread.js";

// Warm up first; a failure here (near-sdk-js missing) is reported by the first real request.
let queue: Promise<void> = prepareBundling().catch(() => {});

parentPort?.on("message", (request: { id: number; file: string }) => {
  queue = queue.then(async () => {
    let reply: BundlerReply;
    try {
      reply = { id: request.id, ok: true, built: await buildBundle(request.file) };
    } catch (e) {
      reply = { id: request.id, ok: false, error: serializeError(e) };
    }
    parentPort?.postMessage(reply);
  });
});
