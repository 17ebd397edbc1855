/**
 * The toolchain that turns a near-sdk-js bundle into the wasm `near-sdk-js build` makes, found and prepared
 * once per machine (cached by content hash):
 *
 * 1. near-sdk-js's own, when its postinstall downloaded it (`node_modules/near-sdk-js/lib/cli/deps`: qjsc and
 *    the near/quickjs v0.1.3 sources, wasi-sdk 11's clang, binaryen's `wasi-stub`): what a user with internet
 *    has, used as is.
 * 2. Otherwise one made from Debian packages (clang-14, lld-14, wasi-libc, libclang-rt-14-dev-wasm32, a host C
 *    compiler) and QuickJS 2021-03-27 from the npm package `qjsc@0.3.0`, turned into the NEAR fork by
 *    {@link prepareQuickJSSources}; a native `qjsc` is compiled from that same tree (the bytecode's atom
 *    numbers depend on it) and {@link stubWasiImports} replaces the `wasi-stub` tool.
 *
 * Preparing means: QuickJS sources ready, native qjsc built, and QuickJS compiled once to LTO bitcode, so a
 * contract only compiles builder.c and runs the LTO link. Nothing here falls back to another engine: when no
 * toolchain can be made, {@link WasmToolchainError} names what is missing.
 */
import { createHash } from "node:crypto";
import { accessSync, constants, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { hashParts, readIfExists, wasmCacheRoot, withFileLock, writeFileAtomic } from "./cache.js";
import { WasmBuildError, WasmToolchainError } from "./errors.js";
import { prepareQuickJSSources, QUICKJS_FORK_EDITS_VERSION } from "./quickjs-fork.js";
import { runTool } from "./run-tool.js";

/** Where near-sdk-js's build expects QuickJS, relative to the build's working directory (builder.c includes it). */
export const NEAR_SDK_QUICKJS_DIR = "node_modules/near-sdk-js/lib/cli/deps/quickjs";
/** QuickJS sources compiled into every contract, in near-sdk-js's link order (after build/builder.c). */
export const QUICKJS_WASM_SOURCES = ["quickjs.c", "libregexp.c", "libunicode.c", "cutils.c", "quickjs-libc-min.c", "libbf.c"] as const;
/** near-sdk-js 2.0.0's compiler flags (lib/cli/cli.js createWasmContract). */
export const NEAR_SDK_CFLAGS = ["--target=wasm32-wasi", "-nostartfiles", "-Oz", "-flto", "-D_GNU_SOURCE", '-DCONFIG_VERSION="2021-03-27"', "-DCONFIG_BIGNUM"] as const;
/** near-sdk-js 2.0.0's link flags. */
export const NEAR_SDK_LDFLAGS = ["-lm", "-Wl,--no-entry", "-Wl,--allow-undefined", `-Wl,-z,stack-size=${256 * 1024}`, "-Wl,--lto-O3"] as const;

/** The npm package whose `deps/quickjs_2021_03_27` holds pristine QuickJS 2021-03-27, and its registry integrity. */
export const QJSC_PACKAGE = { name: "qjsc", version: "0.3.0", integrity: "sha512-a7+cU6/IVcZbIejffdt/wZVMX6LL2MDL3HQ9Zb5Gm23G9DvBMS/z9GHFxz39bAvp2PvMOM+ypSOAyokt2DdZ2w==", sources: "deps/quickjs_2021_03_27" } as const;

const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

/** A toolchain ready to build contracts. */
export interface WasmToolchain {
  /** `near-sdk-js`: its downloaded deps; `debian`: Debian's clang-14 + QuickJS from npm with the fork's edits. */
  kind: "near-sdk-js" | "debian";
  /** Identity (sha256 hex) of everything that shapes the output: part of every contract's cache key. */
  id: string;
  /** Human-readable summary, e.g. `Debian clang version 14.0.6 + QuickJS 2021-03-27 (qjsc@0.3.0, NEAR fork edits)`. */
  description: string;
  /** The wasm C compiler and the arguments it always needs (wasi-sdk's `--sysroot`). */
  cc: string[];
  /** Flags added to near-sdk-js's (Debian: `-mcpu=mvp`, and `--strip-debug` because its libc.a carries DWARF). */
  extraFlags: string[];
  /** Native qjsc built from the same QuickJS tree as the wasm. */
  qjsc: string;
  /** The (fork) QuickJS source directory. */
  quickjsDir: string;
  /** near-sdk-js's builder.c. */
  builderC: string;
  /** How the WASI imports are stubbed: near-sdk-js's `wasi-stub` script, or this package's rewrite. */
  stub: { kind: "script"; path: string } | { kind: "builtin" };
  /** LTO bitcode of the QuickJS sources, in link order. */
  objects: string[];
  /** This toolchain's cache directory (objects, built contracts). */
  dir: string;
}

interface ToolchainPlan {
  kind: WasmToolchain["kind"];
  cc: string[];
  extraFlags: string[];
  builderC: string;
  /** Identity parts known before preparing. */
  idParts: (string | Uint8Array)[];
  description: string;
  nearSdkDeps?: string;
  hostCc?: string;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function which(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fileHash(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** near-sdk-js's package directory, from the project (cwd) first, then this package. */
export function nearSdkJsDir(): string | undefined {
  for (const base of [path.join(process.cwd(), "package.json"), path.join(PACKAGE_ROOT, "package.json")]) {
    try {
      return path.dirname(createRequire(base).resolve("near-sdk-js/package.json"));
    } catch {
      /* next */
    }
  }
  return undefined;
}

function planToolchain(): ToolchainPlan {
  const sdk = nearSdkJsDir();
  if (!sdk) throw new WasmToolchainError(["near-sdk-js is not installed (npm i -D near-sdk-js --ignore-scripts)"]);
  const builderC = path.join(sdk, "builder", "builder.c");
  if (!existsSync(builderC)) throw new WasmToolchainError([`${builderC} is missing (near-sdk-js ≥ 2 ships it)`]);

  const deps = path.join(sdk, "lib", "cli", "deps");
  const depClang = path.join(deps, "wasi-sdk", "bin", "clang");
  const depQjsc = path.join(deps, "qjsc");
  const depStub = path.join(deps, "binaryen", "wasi-stub", "run.sh");
  if (isExecutable(depClang) && isExecutable(depQjsc) && existsSync(path.join(deps, "quickjs", "quickjs.c")) && existsSync(depStub)) {
    return {
      kind: "near-sdk-js",
      cc: [depClang, `--sysroot=${path.join(deps, "wasi-sdk", "share", "wasi-sysroot")}`],
      extraFlags: [],
      builderC,
      nearSdkDeps: deps,
      description: `near-sdk-js toolchain (${deps})`,
      idParts: ["near-sdk-js", fileHash(depQjsc), fileHash(path.join(deps, "quickjs", "quickjs.c")), fileHash(depClang), readFileSync(depStub)],
    };
  }

  const missing: string[] = [];
  const clang = which("clang-14") ?? (isExecutable("/usr/lib/llvm-14/bin/clang") ? "/usr/lib/llvm-14/bin/clang" : undefined);
  if (!clang) missing.push("clang-14 (package clang-14)");
  if (!which("wasm-ld-14") && !isExecutable("/usr/lib/llvm-14/bin/wasm-ld")) missing.push("wasm-ld (package lld-14)");
  if (!existsSync("/usr/lib/wasm32-wasi/libc.a")) missing.push("/usr/lib/wasm32-wasi/libc.a (package wasi-libc)");
  const rtDir = "/usr/lib/llvm-14/lib/clang";
  const builtins = existsSync(rtDir)
    ? readdirSync(rtDir).map((v) => path.join(rtDir, v, "lib", "wasi", "libclang_rt.builtins-wasm32.a")).find((f) => existsSync(f))
    : undefined;
  if (!builtins) missing.push("libclang_rt.builtins-wasm32.a (package libclang-rt-14-dev-wasm32)");
  const hostCc = which("cc") ?? which("gcc");
  if (!hostCc) missing.push("a host C compiler for qjsc (package build-essential)");
  if (missing.length > 0) {
    throw new WasmToolchainError([`near-sdk-js's toolchain is absent (${deps}: its postinstall needs network access)`, ...missing]);
  }
  return {
    kind: "debian",
    cc: [clang!],
    extraFlags: ["-mcpu=mvp", "-Wl,--strip-debug"],
    builderC,
    hostCc,
    description: `Debian clang-14 + wasi-libc + QuickJS 2021-03-27 (qjsc@0.3.0, NEAR fork edits)`,
    idParts: ["debian", QUICKJS_FORK_EDITS_VERSION, QJSC_PACKAGE.integrity, fileHash(clang!), fileHash("/usr/lib/wasm32-wasi/libc.a"), fileHash(builtins!), hostCc!],
  };
}

/** QuickJS 2021-03-27 sources from qjsc@0.3.0: the installed package, or `npm pack` into the cache (integrity checked). */
async function qjscUpstreamSources(root: string): Promise<string> {
  for (const base of [path.join(process.cwd(), "package.json"), path.join(PACKAGE_ROOT, "package.json")]) {
    try {
      const pkgJson = createRequire(base).resolve(`${QJSC_PACKAGE.name}/package.json`);
      const pkg = JSON.parse(readFileSync(pkgJson, "utf8")) as { version: string };
      if (pkg.version === QJSC_PACKAGE.version) return path.join(path.dirname(pkgJson), QJSC_PACKAGE.sources);
    } catch {
      /* not installed there */
    }
  }
  const dir = path.join(root, "downloads", `${QJSC_PACKAGE.name}-${QJSC_PACKAGE.version}`);
  const sources = path.join(dir, "package", QJSC_PACKAGE.sources);
  if (existsSync(path.join(sources, "quickjs.c"))) return sources;
  mkdirSync(dir, { recursive: true });
  const tgz = path.join(dir, `${QJSC_PACKAGE.name}-${QJSC_PACKAGE.version}.tgz`);
  try {
    await runTool(process.platform === "win32" ? "npm.cmd" : "npm", ["pack", `${QJSC_PACKAGE.name}@${QJSC_PACKAGE.version}`, "--silent", "--pack-destination", dir], { what: "npm pack qjsc@0.3.0" });
  } catch (e) {
    throw new WasmToolchainError([`QuickJS sources: npm pack ${QJSC_PACKAGE.name}@${QJSC_PACKAGE.version} failed (${(e as Error).message.split("\n")[0]}); install it with npm i -D ${QJSC_PACKAGE.name}@${QJSC_PACKAGE.version} --ignore-scripts`]);
  }
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tgz)).digest("base64")}`;
  if (integrity !== QJSC_PACKAGE.integrity) {
    rmSync(tgz, { force: true });
    throw new WasmBuildError(`${tgz} does not have the registry integrity of ${QJSC_PACKAGE.name}@${QJSC_PACKAGE.version} (${integrity})`);
  }
  await runTool("tar", ["xzf", tgz, "-C", dir, `package/${QJSC_PACKAGE.sources}`], { what: "extracting qjsc@0.3.0" });
  return sources;
}

/** Creates `<dir>/node_modules/near-sdk-js/lib/cli/deps/quickjs` → `quickjsDir`: the layout builder.c's #include expects. */
export function linkNearSdkLayout(dir: string, quickjsDir: string): void {
  const link = path.join(dir, NEAR_SDK_QUICKJS_DIR);
  mkdirSync(path.dirname(link), { recursive: true });
  rmSync(link, { force: true, recursive: true });
  symlinkSync(quickjsDir, link, "dir");
}

async function buildNativeQjsc(quickjsDir: string, hostCc: string, out: string): Promise<void> {
  const sources = ["qjsc.c", "quickjs.c", "libregexp.c", "libunicode.c", "cutils.c", "quickjs-libc.c", "libbf.c"];
  const flags = ["-O2", "-D_GNU_SOURCE", '-DCONFIG_VERSION="2021-03-27"', "-DCONFIG_BIGNUM", "-w"];
  const objDir = path.join(path.dirname(out), "qjsc-obj");
  mkdirSync(objDir, { recursive: true });
  // Two compilers at a time: the machine is shared; quickjs.c alone takes most of the time.
  const queue = [...sources];
  const worker = async () => {
    for (let f = queue.shift(); f; f = queue.shift()) {
      await runTool(hostCc, [...flags, "-c", path.join(quickjsDir, f), "-o", path.join(objDir, f.replace(/\.c$/, ".o"))], { what: `compiling ${f} for the native qjsc` });
    }
  };
  await Promise.all([worker(), worker()]);
  await runTool(hostCc, ["-o", out, ...sources.map((f) => path.join(objDir, f.replace(/\.c$/, ".o"))), "-lm", "-ldl", "-lpthread"], { what: "linking the native qjsc" });
  rmSync(objDir, { recursive: true, force: true });
}

async function compileBitcode(plan: ToolchainPlan, quickjsDir: string, dir: string): Promise<string[]> {
  const layout = path.join(dir, "layout");
  linkNearSdkLayout(layout, quickjsDir);
  const objects: string[] = [];
  for (const f of QUICKJS_WASM_SOURCES) {
    const obj = path.join(dir, "lto", f.replace(/\.c$/, ".o"));
    mkdirSync(path.dirname(obj), { recursive: true });
    // Same relative source path as near-sdk-js's command line, so __FILE__ strings (asserts) are identical.
    await runTool(
      plan.cc[0],
      [...plan.cc.slice(1), ...NEAR_SDK_CFLAGS, ...plan.extraFlags.filter((x) => !x.startsWith("-Wl,")), `-I${NEAR_SDK_QUICKJS_DIR}`, "-I.", "-Wno-everything", "-c", `${NEAR_SDK_QUICKJS_DIR}/${f}`, "-o", obj],
      { cwd: layout, what: `compiling ${f} to LTO bitcode`, hideWasmOpt: true },
    );
    objects.push(obj);
  }
  return objects;
}

let loading: Promise<WasmToolchain> | null = null;

/**
 * Finds the toolchain and prepares it once (shared by every process through the disk cache).
 * Throws {@link WasmToolchainError} when none is available.
 *
 * @example
 * const tc = await loadWasmToolchain();
 * console.log(tc.kind, tc.description);
 */
export function loadWasmToolchain(): Promise<WasmToolchain> {
  if (!loading) {
    loading = prepare().catch((e) => {
      loading = null;
      throw e;
    });
  }
  return loading;
}

/** Checks, without building anything, that a toolchain exists; returns why not otherwise. */
export function wasmToolchainProblem(): string | null {
  try {
    planToolchain();
    return null;
  } catch (e) {
    return (e as Error).message;
  }
}

async function prepare(): Promise<WasmToolchain> {
  const plan = planToolchain();
  const root = wasmCacheRoot();
  const id = hashParts(...plan.idParts);
  const dir = path.join(root, `toolchain-${plan.kind}-${id.slice(0, 16)}`);
  const manifestPath = path.join(dir, "toolchain.json");
  const fromManifest = (): WasmToolchain | undefined => {
    const raw = readIfExists(manifestPath);
    if (!raw) return undefined;
    try {
      const tc = JSON.parse(raw.toString("utf8")) as WasmToolchain;
      if (tc.id === id && tc.objects.every((o) => existsSync(o)) && existsSync(tc.qjsc)) return tc;
    } catch {
      /* rebuild */
    }
    return undefined;
  };
  const ready = fromManifest();
  if (ready) return ready;
  return withFileLock(dir, async () => {
    const again = fromManifest();
    if (again) return again;
    let quickjsDir: string;
    let qjsc: string;
    if (plan.kind === "near-sdk-js") {
      quickjsDir = path.join(plan.nearSdkDeps!, "quickjs");
      qjsc = path.join(plan.nearSdkDeps!, "qjsc");
    } else {
      const upstream = await qjscUpstreamSources(root);
      quickjsDir = path.join(dir, "quickjs");
      rmSync(quickjsDir, { recursive: true, force: true });
      prepareQuickJSSources(upstream, quickjsDir);
      qjsc = path.join(dir, "bin", "qjsc");
      mkdirSync(path.dirname(qjsc), { recursive: true });
      await buildNativeQjsc(quickjsDir, plan.hostCc!, qjsc);
    }
    const objects = await compileBitcode(plan, quickjsDir, dir);
    const ccVersion = (await runTool(plan.cc[0], ["--version"], { what: "clang --version" })).split("\n")[0];
    const tc: WasmToolchain = {
      kind: plan.kind,
      id,
      description: plan.kind === "debian" ? `${ccVersion} + wasi-libc + QuickJS 2021-03-27 (qjsc@0.3.0, NEAR fork edits)` : `near-sdk-js's toolchain: ${ccVersion}`,
      cc: plan.cc,
      extraFlags: plan.extraFlags,
      qjsc,
      quickjsDir,
      builderC: plan.builderC,
      stub: plan.kind === "near-sdk-js" ? { kind: "script", path: path.join(plan.nearSdkDeps!, "binaryen", "wasi-stub", "run.sh") } : { kind: "builtin" },
      objects,
      dir,
    };
    writeFileAtomic(manifestPath, JSON.stringify(tc, null, 1));
    return tc;
  });
}
