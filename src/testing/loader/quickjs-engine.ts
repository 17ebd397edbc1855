/**
 * The `quickjs` engine: runs a contract bundle in QuickJS (quickjs-emscripten's wasm build), the
 * interpreter near-sdk-js compiles into every contract. The context is created as near-sdk-js's
 * builder.c creates it (ECMAScript built-ins, no WeakRef, no Intl, no console) with a global `env`
 * whose functions call the same host `env` the `vm` engine uses (see host/env.ts).
 *
 * Fresh state per receipt, by memory snapshot. Every contract gets its own QuickJS runtime and context
 * inside one wasm instance. Loading a contract evaluates its module once (after the instance memory has
 * been reset to the last snapshot), then snapshots the whole wasm memory. Every call starts by copying the
 * snapshot back over the memory, so each receipt sees every contract exactly as freshly loaded: fresh
 * module scope, fresh near-sdk-js state, nothing left by an earlier call (or a call to another contract).
 * A contract whose module body calls `env` at load time cannot be snapshotted after evaluation; it is
 * snapshotted before, and its module is evaluated again in every call, as on chain. Set
 * `NEAR_CALLBACK_GUARDS_QUICKJS_FRESH=eval` to use that mode for every contract. Cost per call: copying
 * the snapshot back (a few MB, about 0.1-0.5 ms) instead of parsing the bundle again (about 5 ms for a
 * 75 KB bundle). The snapshot grows with every distinct contract loaded in the process (module registry).
 *
 * Host aborts cannot be swallowed: when a host function aborts (panic, gas, host error) the contract gets
 * an exception and, at QuickJS's next interrupt check, an uncatchable interruption that unwinds every
 * `catch` and `finally`; the host keeps the abort (VMLogic.abort) whatever the contract did in between.
 * The same interrupt check enforces the time budget, reported as `ExecutionTimeout` (gas exhaustion).
 *
 * Not modelled: the chain's memory limit (128 MiB of wasm memory; quickjs-emscripten's runtime memory
 * limit does not count allocation sizes in this build, so none is set), QuickJS's exact version (the
 * chain's is older: some newer built-ins such as Iterator helpers or Float16Array exist here only) and
 * its stack depth. See docs/differences.md.
 *
 * QuickJS is loaded asynchronously once per process (module registry): `loadQuickJS()`; `Worker.init`
 * and `Chain.ready()` await it, and compiling before it is loaded throws.
 */
import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from "quickjs-emscripten";
import { createEnv, hasNullData, type Env, type Realm } from "../host/env.js";
import { HostAbort } from "../host/errors.js";
import { ExecutionTimeout, type CompiledContract } from "./vm-engine.js";
import { withMissingGlobalHint } from "./engines.js";

/** The intrinsics near-sdk-js's builder.c adds to its context (JS_NewCustomContext). */
const BUILDER_INTRINSICS = {
  BaseObjects: true,
  Date: true,
  Eval: true,
  StringNormalize: true,
  RegExp: true,
  JSON: true,
  Proxy: true,
  MapSet: true,
  TypedArrays: true,
  Promise: true,
  BigInt: true,
} as const;

/** File names of the runtime's own QuickJS code: frames from them are cut from panic messages. */
const ENV_FILE = "near-callback-guards:env";
const ENTRY_FILE = "near-callback-guards:entry";

/** Wraps every host function: marshals arguments, turns host errors into QuickJS exceptions. */
const ENV_SOURCE = `(function (hostFunctions, names) {
  "use strict";
  const AB = ArrayBuffer, isView = ArrayBuffer.isView, U8 = Uint8Array, TE = TypeError, IE = InternalError, S = String, JS = JSON.stringify, JP = JSON.parse;
  const NULL_MARK = "\\u0001!";
  // Strings cross the boundary as C strings, which end at the first NUL: a string with a NUL (or that
  // starts with U+0001, the marker) travels as U+0001 + its JSON text and is parsed on the other side.
  const wrap = (s) => (s.indexOf("\\0") >= 0 || s.charCodeAt(0) === 1 ? "\\u0001" + JS(s) : s);
  // An array whose data pointer is NULL on chain (bytes() of a string wider than Latin-1): the host sends
  // NULL_MARK, and host functions that take bytes refuse it (it crosses back as its string form, "").
  const nulls = new WeakSet();
  const nullArray = () => { const u = new U8(0); nulls.add(u.buffer); return u; };
  const env = {};
  for (let n = 0; n < names.length; n++) {
    const name = names[n], host = hostFunctions[n];
    env[name] = { [name](...args) {
      for (let i = 0; i < args.length; i++) {
        const v = args[i], t = typeof v;
        if ((t === "object" && v !== null) || t === "function" || t === "symbol") {
          args[i] = isView(v) && v.BYTES_PER_ELEMENT === 1 && !nulls.has(v.buffer) ? v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) : S(v);
        }
        if (typeof args[i] === "string") args[i] = wrap(args[i]);
      }
      let r;
      try {
        r = host(...args);
      } catch (e) {
        if (typeof e === "string") {
          if (e[0] === "T") throw new TE(e.slice(1));
          throw new IE(e.slice(1));
        }
        throw e;
      }
      return r instanceof AB ? new U8(r) : r === NULL_MARK ? nullArray() : typeof r === "string" && r.charCodeAt(0) === 1 ? JP(r.slice(1)) : r;
    } }[name];
  }
  return env;
})`;

/** Calls one exported method as builder.c does (`this` = the module namespace); describes what it threw. */
const ENTRY_SOURCE = `(function (ns, name) {
  "use strict";
  try {
    ns[name].call(ns);
    return undefined;
  } catch (e) {
    let message, stack = "", type = "";
    try {
      const isObject = (typeof e === "object" && e !== null) || typeof e === "function";
      message = isObject && "message" in e ? String(e.message) : String(e);
      if (isObject && typeof e.stack === "string") stack = e.stack;
      if (isObject && typeof e.name === "string") type = e.name;
    } catch (_) {
      if (message === undefined) message = "uncaught exception";
    }
    return JSON.stringify([message, stack, type]);
  }
})`;

/** Raised inside `env` functions for a wrong argument type: becomes a QuickJS TypeError the contract can catch. */
class GuestTypeError extends Error {
  constructor(message?: string) {
    super(message);
    this.name = "TypeError";
  }
}

/** Values handed to the contract are host Uint8Arrays, copied into QuickJS by the marshalling layer. */
const HOST_REALM: Realm = { Uint8Array, TypeError: GuestTypeError as unknown as TypeErrorConstructor };

/** The names of the functions of `env`, read from createEnv itself so that the two engines never differ. */
function envNames(): string[] {
  const stub: any = new Proxy(function () {}, { get: () => stub, apply: () => stub });
  return Object.keys(createEnv(stub, HOST_REALM));
}

interface ActiveCall {
  contract: QuickJSContract;
  env: Env;
  deadline: number;
  abort: HostAbort | null;
  hostError: unknown;
  timedOut: boolean;
}

interface QuickJSContract {
  fileName: string;
  code: string;
  runtime: QuickJSRuntime;
  context: QuickJSContext;
  entry: QuickJSHandle;
  /** Module namespace when the snapshot holds the evaluated module; null when each call evaluates it. */
  namespace: QuickJSHandle | null;
  /** Why the module could not be loaded (reported as a panic by every call), or null. */
  loadError: { message: string; stack: string } | null;
  /** Set when the module body called `env` while loading. */
  touchedEnvWhileLoading: boolean;
  keep: QuickJSHandle[];
}

interface EngineState {
  module: QuickJSWASMModule;
  memory: { readonly buffer: ArrayBuffer };
  /** Memory as it was after the last contract was loaded: every contract freshly loaded. */
  snapshot: Uint8Array | null;
  names: string[];
}

let loading: Promise<void> | null = null;
let engine: EngineState | null = null;
let active: ActiveCall | null = null;
const compiled = new Map<string, CompiledContract>();

/** Loads QuickJS (once). Resolves when `compileForQuickJS` can be used. */
export function loadQuickJS(): Promise<void> {
  if (!loading) {
    loading = (async () => {
      let lib: typeof import("quickjs-emscripten");
      try {
        lib = await import("quickjs-emscripten");
      } catch (e) {
        throw new Error(
          `The quickjs engine needs the quickjs-emscripten package: npm i -D quickjs-emscripten@0.32.0 (${(e as Error).message})`,
        );
      }
      const module = await lib.newQuickJSWASMModuleFromVariant(lib.RELEASE_SYNC);
      engine = { module, memory: module.getWasmMemory(), snapshot: null, names: envNames() };
    })();
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

/** True once `loadQuickJS()` has finished. */
export function isQuickJSLoaded(): boolean {
  return engine !== null;
}

function heap(state: EngineState): Uint8Array {
  return new Uint8Array(state.memory.buffer);
}

/**
 * Puts the memory back as the snapshot has it. Memory above the snapshot is left as the last call left
 * it: the allocator's state (its free lists and sbrk's break) is inside the snapshot, so that memory is
 * unallocated again, and neither the allocator (calloc clears what it hands out) nor QuickJS reads memory
 * it has not written. This keeps a call's cost independent of how far an earlier call grew the memory.
 * `NEAR_CALLBACK_GUARDS_QUICKJS_POISON=1` fills that memory with 0xA5 before every call, to check the claim.
 * With `clean`, zeros it instead (before loading a contract, so that the snapshot can be trimmed).
 */
function restore(state: EngineState, clean = false): void {
  if (!state.snapshot) return;
  const h = heap(state);
  h.set(state.snapshot);
  if (clean) h.fill(0, state.snapshot.length);
  else if (process.env.NEAR_CALLBACK_GUARDS_QUICKJS_POISON === "1") h.fill(0xa5, state.snapshot.length);
}

function takeSnapshot(state: EngineState): void {
  const buffer = state.memory.buffer;
  const words = new BigUint64Array(buffer, 0, Math.floor(buffer.byteLength / 8));
  let end = words.length;
  while (end > 0 && words[end - 1] === 0n) end--;
  state.snapshot = new Uint8Array(buffer).slice(0, end * 8);
}

/**
 * quickjs-emscripten moves strings as C strings, which end at the first NUL; builder.c passes lengths, so
 * on chain a string may hold NULs (near-sdk-js's Vector keys and borsh values do). A string with a NUL, or
 * starting with the marker \u0001, crosses as \u0001 + its JSON text (see ENV_SOURCE's `wrap`).
 */
/** What the host sends for an array whose data pointer is NULL on chain (see env.ts's `hasNullData`); a wrapped string is never this. */
const NULL_MARK = "\u0001!";

function wrapString(s: string): string {
  return s.indexOf("\0") >= 0 || s.charCodeAt(0) === 1 ? "\u0001" + JSON.stringify(s) : s;
}

function unwrapString(s: string): string {
  return s.charCodeAt(0) === 1 ? (JSON.parse(s.slice(1)) as string) : s;
}

function fromGuest(ctx: QuickJSContext, h: QuickJSHandle): unknown {
  switch (ctx.typeof(h)) {
    case "undefined":
      return undefined;
    case "number":
      return ctx.getNumber(h);
    case "string":
      return unwrapString(ctx.getString(h));
    case "bigint":
      return ctx.getBigInt(h);
    case "boolean":
      return ctx.dump(h) as boolean;
    case "object": {
      if (ctx.eq(h, ctx.null)) return null;
      // The env wrapper turns every other object into a string, bytes into an ArrayBuffer.
      const view = ctx.getArrayBuffer(h);
      try {
        return view.value.slice();
      } finally {
        view.dispose();
      }
    }
    default:
      return ctx.dump(h);
  }
}

function toGuest(ctx: QuickJSContext, v: unknown): QuickJSHandle {
  switch (typeof v) {
    case "undefined":
      return ctx.undefined;
    case "bigint":
      return ctx.newBigInt(v);
    case "number":
      return ctx.newNumber(v);
    case "string":
      return ctx.newString(wrapString(v));
    case "boolean":
      return v ? ctx.true : ctx.false;
    default:
      if (v === null) return ctx.null;
      if (v instanceof Uint8Array) {
        if (hasNullData(v)) return ctx.newString(NULL_MARK);
        const exact = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength ? v.buffer : v.slice().buffer;
        return ctx.newArrayBuffer(exact);
      }
      throw new Error(`near-callback-guards: env returned an unsupported value (${Object.prototype.toString.call(v)})`);
  }
}

function hostFunction(contract: () => QuickJSContract, ctx: QuickJSContext, name: string) {
  return (...argHandles: QuickJSHandle[]) => {
    const call = active;
    if (!call || call.contract !== contract()) {
      // The module body called env while loading: no env exists yet. Evaluate it per call instead.
      contract().touchedEnvWhileLoading = true;
      return { error: ctx.newString(`AThe module called env.${name} while loading`) };
    }
    try {
      const args = argHandles.map((h) => fromGuest(ctx, h));
      return toGuest(ctx, call.env[name](...args));
    } catch (e) {
      if (e instanceof HostAbort) {
        call.abort ??= e;
        return { error: ctx.newString(`A${e.message}`) };
      }
      if (e instanceof GuestTypeError) return { error: ctx.newString(`T${e.message}`) };
      // A bug of the host: abort the call and report it after.
      call.hostError ??= e;
      return { error: ctx.newString(`A${(e as Error)?.message ?? String(e)}`) };
    }
  };
}

function describeHandle(ctx: QuickJSContext, h: QuickJSHandle): { message: string; stack: string } {
  const dumped = ctx.dump(h) as unknown;
  if (dumped && typeof dumped === "object") {
    const d = dumped as { message?: unknown; stack?: unknown };
    return { message: String(d.message), stack: typeof d.stack === "string" ? d.stack : "" };
  }
  return { message: String(dumped), stack: "" };
}

/** The contract's error as runFunctionCall reads it: message (with a hint for missing globals) and QuickJS frames. */
function guestError(message: string, stack: string, type = ""): Error {
  const lines: string[] = [];
  for (const line of stack.split("\n")) {
    if (line.includes(ENTRY_FILE)) {
      // The entry calls the method with Function.prototype.call: that native frame is ours, not the contract's.
      if (lines.length > 0 && /^\s+at call \(native\)$/.test(lines[lines.length - 1])) lines.pop();
      break;
    }
    if (line.trim().length > 0 && !line.includes(ENV_FILE)) lines.push(line);
  }
  const frames = lines.join("\n");
  const hinted = type === "ReferenceError" || type === "" ? withMissingGlobalHint(message) : message;
  const err = new Error(hinted);
  err.stack = frames ? `${frames}\n` : "";
  return err;
}

function evaluateModule(contract: QuickJSContract): { namespace: QuickJSHandle } | { error: { message: string; stack: string } } {
  const { context: ctx, runtime } = contract;
  const result = ctx.evalCode(contract.code, contract.fileName, { type: "module", strict: true });
  if (result.error) return { error: describeHandle(ctx, result.error) };
  let value = result.value;
  const state = ctx.getPromiseState(value);
  if (state.type === "pending") {
    runtime.executePendingJobs();
  }
  const settled = ctx.getPromiseState(value);
  if (settled.type === "rejected") return { error: describeHandle(ctx, settled.error) };
  if (settled.type === "fulfilled" && !settled.notAPromise) value = settled.value;
  if (settled.type === "pending") return { error: { message: "The contract module did not finish loading (top-level await)", stack: "" } };
  return { namespace: value };
}

type FreshMode = "snapshot" | "eval";

/** `NEAR_CALLBACK_GUARDS_QUICKJS_FRESH=eval` evaluates every contract's module in every call. */
function freshMode(): FreshMode {
  return typeof process !== "undefined" && process.env.NEAR_CALLBACK_GUARDS_QUICKJS_FRESH === "eval" ? "eval" : "snapshot";
}

function load(state: EngineState, code: string, fileName: string, mode: FreshMode): QuickJSContract {
  restore(state, true);
  const runtime = state.module.newRuntime();
  const context = runtime.newContext({ intrinsics: BUILDER_INTRINSICS });
  // Handles the context creates lazily must exist before the snapshot, or they would dangle after it.
  void context.global;
  context.newBigInt(0n).dispose();
  const contract: QuickJSContract = {
    fileName,
    code,
    runtime,
    context,
    entry: null as unknown as QuickJSHandle,
    namespace: null,
    loadError: null,
    touchedEnvWhileLoading: false,
    keep: [],
  };
  runtime.setInterruptHandler(() => {
    const call = active;
    if (!call || call.contract !== contract) return false;
    if (call.abort || call.hostError !== undefined) return true;
    if (Date.now() > call.deadline) {
      call.timedOut = true;
      return true;
    }
    return false;
  });
  // Host function handles are kept for the life of the process: the contract cannot get them collected.
  const fns = state.names.map((name) => context.newFunction(name, hostFunction(() => contract, context, name)));
  contract.keep.push(...fns);
  const list = context.newArray();
  const names = context.newArray();
  fns.forEach((f, i) => {
    context.setProp(list, i, f);
    context.newString(state.names[i]).consume((name) => context.setProp(names, i, name));
  });
  const make = context.unwrapResult(context.evalCode(ENV_SOURCE, ENV_FILE, { type: "global", strict: true }));
  const env = context.unwrapResult(context.callFunction(make, context.undefined, list, names));
  context.setProp(context.global, "env", env);
  contract.entry = context.unwrapResult(context.evalCode(ENTRY_SOURCE, ENTRY_FILE, { type: "global", strict: true }));
  contract.keep.push(contract.entry);
  [make, env, list, names].forEach((h) => h.dispose());

  if (mode === "snapshot") {
    takeSnapshot(state); // before the module: the fallback when its body calls env
    const before = state.snapshot;
    const loaded = evaluateModule(contract);
    if ("namespace" in loaded) {
      contract.namespace = loaded.namespace;
      contract.keep.push(loaded.namespace);
      takeSnapshot(state);
    } else {
      // The module body called env (evaluate it in every call instead), or it cannot load (every call panics).
      if (!contract.touchedEnvWhileLoading) contract.loadError = loaded.error;
      state.snapshot = before;
      restore(state, true);
    }
  } else {
    takeSnapshot(state);
  }
  return contract;
}

function run(state: EngineState, contract: QuickJSContract, method: string, env: Env, timeoutMs: number): void {
  restore(state);
  const call: ActiveCall = { contract, env, deadline: Date.now() + timeoutMs, abort: null, hostError: undefined, timedOut: false };
  const ctx = contract.context;
  const finishAbnormal = (h: QuickJSHandle | null): never => {
    if (call.hostError !== undefined) throw call.hostError;
    if (call.abort) throw call.abort;
    if (call.timedOut) throw new ExecutionTimeout();
    const d = h ? describeHandle(ctx, h) : { message: "QuickJS call failed", stack: "" };
    throw guestError(d.message, d.stack);
  };
  active = call;
  try {
    if (contract.loadError) throw guestError(contract.loadError.message, contract.loadError.stack);
    let ns = contract.namespace;
    if (!ns) {
      const loaded = evaluateModule(contract);
      if ("error" in loaded) {
        if (call.abort || call.timedOut || call.hostError !== undefined) finishAbnormal(null);
        throw guestError(loaded.error.message, loaded.error.stack);
      }
      ns = loaded.namespace;
    }
    const result = ctx.callFunction(contract.entry, ctx.undefined, ns, ctx.newString(method));
    if (result.error) return finishAbnormal(result.error);
    const thrown = ctx.typeof(result.value) === "string" ? ctx.getString(result.value) : null;
    if (call.abort || call.timedOut || call.hostError !== undefined) finishAbnormal(null);
    if (thrown !== null) {
      const [message, stack, type] = JSON.parse(thrown) as [string, string, string];
      throw guestError(message, stack, type);
    }
    // builder.c runs js_std_loop after the method: pending promise jobs run within the call.
    const jobs = contract.runtime.executePendingJobs();
    if (jobs.error && (call.abort || call.timedOut || call.hostError !== undefined)) finishAbnormal(null);
    if (call.abort || call.hostError !== undefined) finishAbnormal(null);
  } finally {
    active = null;
  }
}

/** Compiles (once per bundle hash) and returns a runnable contract. `loadQuickJS()` must have finished. */
export function compileForQuickJS(hash: string, code: string, fileName = "contract.js"): CompiledContract {
  const mode = freshMode();
  const key = `${mode}:${hash}`;
  const existing = compiled.get(key);
  if (existing) return existing;
  const state = engine;
  if (!state) {
    throw new Error("The quickjs engine is not loaded yet: await Worker.init(...) or chain.ready() (or loadQuickJS()) before running contracts");
  }
  const contract = load(state, code, fileName, mode);
  const compiledContract: CompiledContract = {
    realm: HOST_REALM,
    run(method, env, timeoutMs) {
      run(state, contract, method, env, timeoutMs);
    },
  };
  compiled.set(key, compiledContract);
  return compiledContract;
}
