/**
 * QuickJS 2021-03-27 (as the npm package `qjsc@0.3.0` ships it in `deps/quickjs_2021_03_27`) → a source
 * tree that builds near-sdk-js's `builder.c` the way NEAR's fork (near/quickjs v0.1.3, what
 * `near-sdk-js build` downloads) does.
 *
 * The fork's changes, re-applied here as exact text edits (each must match exactly once, so a different
 * upstream fails loudly instead of drifting), plus code written for this project where the fork adds API:
 * - no Atomics (`CONFIG_ATOMICS` off: also removes 3 predefined atoms, which qjsc and the wasm must agree on);
 * - no `CONFIG_PRINTF_RNDN` and no `malloc_usable_size` on wasi;
 * - the cycle collector is never triggered by object allocation (`js_trigger_gc` call removed);
 * - `JSBigFloat`, `JS_NewBigInt`, `JS_GetBigInt` and `js_get_module_ns` exported (builder.c builds u128s
 *   with libbf directly);
 * - new API builder.c calls: `JS_NewStringLenRaw`, `JS_ToCStringLenRaw`, `JS_ToUint64Ext`,
 *   `JS_ToBigUint64` (with the fork's overflow → -1 rule);
 * - libbf's `bf_set_ui` fixed for a 64-bit value whose high word has its top bit set (shift 0, an
 *   undefined 32-bit shift in upstream);
 * - `quickjs-libc-min.c/h`: the small libc builder.c includes (module loading, job loop, error dump).
 *
 * What is intentionally the same as v0.1.3 (and differs from the research PoC): the interpreter keeps
 * computed-goto dispatch on wasm (`DIRECT_DISPATCH 1`; only Emscripten and MSVC use the switch).
 * The npm package's own differences from the 2021-03-27 release are MSVC portability edits (casts,
 * `INFINITY`, `#ifdef _MSC_VER` blocks) that compile to the same code with clang.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Raised when the QuickJS sources are not the release the edits were written for. */
export class QuickJSSourceError extends Error {
  readonly code = "ERR_WASM_QUICKJS_SOURCES";
  constructor(message: string) {
    super(message);
    this.name = "QuickJSSourceError";
  }
}

/** Files of the upstream tree the build needs (wasm: all but qjsc.c and quickjs-libc.c; native qjsc: all). */
export const QUICKJS_FILES = [
  "VERSION", "cutils.c", "cutils.h", "libbf.c", "libbf.h", "libregexp.c", "libregexp.h", "libregexp-opcode.h",
  "libunicode.c", "libunicode.h", "libunicode-table.h", "list.h", "quickjs.c", "quickjs.h", "quickjs-atom.h",
  "quickjs-opcode.h", "quickjs-libc.c", "quickjs-libc.h", "qjsc.c",
] as const;

/** Bumped whenever an edit below changes: part of every cache key built on the prepared tree. */
export const QUICKJS_FORK_EDITS_VERSION = "near-quickjs-v0.1.3-compat-1";

type Edit = readonly [from: string, to: string, why: string];

function applyEdits(dir: string, file: string, edits: readonly Edit[]): void {
  const p = path.join(dir, file);
  let text = readFileSync(p, "utf8");
  for (const [from, to, why] of edits) {
    const count = text.split(from).length - 1;
    if (count !== 1) {
      throw new QuickJSSourceError(
        `${file}: the edit "${why}" expects its anchor exactly once and found it ${count} times. ` +
          "The QuickJS sources are not the 2021-03-27 release of qjsc@0.3.0 this engine was written for.",
      );
    }
    text = text.replace(from, () => to);
  }
  writeFileSync(p, text);
}

// ------------------------------------------------------------------ the fork's extra API (own code)

const NEW_STRING_LEN_RAW = `/* NEAR: a string made of the bytes as they are (one Latin-1 code unit per byte, no UTF-8 decoding) */
JSValue JS_NewStringLenRaw(JSContext *ctx, const char *buf, size_t buf_len)
{
    return js_new_string8(ctx, (const uint8_t *)buf, buf_len);
}

`;

const TO_CSTRING_LEN_RAW = `/* NEAR: the 8-bit payload of a string, without copying (NULL, 0 for a wide string or an exception).
   The reference taken here is kept on purpose: the caller wraps the bytes without owning them. */
const char *JS_ToCStringLenRaw(JSContext *ctx, size_t *plen, JSValueConst val1)
{
    JSValue s;
    JSString *p;

    s = JS_VALUE_GET_TAG(val1) == JS_TAG_STRING ? JS_DupValue(ctx, val1) : JS_ToString(ctx, val1);
    if (!JS_IsException(s)) {
        p = JS_VALUE_GET_STRING(s);
        if (!p->is_wide_char) {
            if (plen)
                *plen = p->len;
            return (const char *)p->u.str8;
        }
    }
    if (plen)
        *plen = 0;
    return NULL;
}

`;

const TO_UINT64_EXT = `
/* NEAR: a Number or a BigInt as an unsigned 64-bit integer */
int JS_ToUint64Ext(JSContext *ctx, uint64_t *pres, JSValueConst val)
{
    if (!JS_IsBigInt(ctx, val))
        return JS_ToInt64(ctx, (int64_t *)pres, val);
    return JS_ToBigUint64(ctx, pres, val);
}
`;

const TO_BIG_UINT64 = `
/* NEAR: a BigInt as an unsigned 64-bit integer; -1 when it is not a BigInt or does not fit */
int JS_ToBigUint64(JSContext *ctx, uint64_t *pres, JSValueConst val)
{
    bf_t a_s, *a;
    int status;

    a = JS_ToBigIntFree(ctx, &a_s, JS_DupValue(ctx, val));
    if (!a) {
        *pres = 0;
        return -1;
    }
    status = bf_get_uint64(pres, a);
    JS_FreeBigInt(ctx, a, &a_s);
    return status == BF_ST_INVALID_OP ? -1 : 0;
}
`;

const TO_BIG_UINT64_NO_BIGNUM = `
int JS_ToBigUint64(JSContext *ctx, uint64_t *pres, JSValueConst val)
{
    JS_ThrowUnsupportedBigint(ctx);
    *pres = 0;
    return -1;
}
`;

const HEADER_DECLS = `/* NEAR fork additions */
int JS_ToBigUint64(JSContext *ctx, uint64_t *pres, JSValueConst val);
int JS_ToUint64Ext(JSContext *ctx, uint64_t *pres, JSValueConst val);
JSValue JS_NewStringLenRaw(JSContext *ctx, const char *buf, size_t buf_len);
const char *JS_ToCStringLenRaw(JSContext *ctx, size_t *plen, JSValueConst val1);
`;

const HEADER_TAIL = `#ifdef __cplusplus
} /* extern "C" { */
#endif

/* NEAR fork additions: builder.c builds u128 values with libbf */
#ifdef CONFIG_BIGNUM
#include "libbf.h"
/* one structure for big integers and big floats (big integers are never infinite or NaN) */
typedef struct JSBigFloat {
    JSRefCountHeader header; /* must come first, 32-bit */
    bf_t num;
} JSBigFloat;
JSValue JS_NewBigInt(JSContext *ctx);
static inline bf_t *JS_GetBigInt(JSValueConst val)
{
    JSBigFloat *p = (JSBigFloat *)JS_VALUE_GET_PTR(val);
    return &p->num;
}
#endif
JSValue js_get_module_ns(JSContext *ctx, JSModuleDef *m);

#endif /* QUICKJS_H */`;

// ------------------------------------------------------------------ quickjs-libc-min (own code)

const LIBC_MIN_H = `#ifndef QUICKJS_LIBC_MIN_H
#define QUICKJS_LIBC_MIN_H
/* The part of quickjs-libc a near-sdk-js contract needs: load the compiled module, run promise jobs,
   report an exception. Written for near-callback-guards to behave as NEAR's quickjs-libc-min. */
#include <stdlib.h>
#include <stdio.h>
#include "quickjs.h"
#include "cutils.h"

int js_module_set_import_meta(JSContext *ctx, JSValueConst func_val, JS_BOOL use_realpath, JS_BOOL is_main);
void js_std_dump_error(JSContext *ctx);
void js_std_loop(JSContext *ctx);
JSValue js_load_module_binary(JSContext *ctx, const uint8_t *buf, size_t buf_len);

#endif
`;

const LIBC_MIN_C = `#include <limits.h>
#include <string.h>
#include "quickjs-libc-min.h"

static void dump_value(JSContext *ctx, JSValueConst v)
{
    const char *s = JS_ToCString(ctx, v);
    fprintf(stderr, "%s\\n", s ? s : "[exception]");
    if (s)
        JS_FreeCString(ctx, s);
}

/* Prints the pending exception (and its stack) to stderr, which is a stub in a NEAR contract. */
void js_std_dump_error(JSContext *ctx)
{
    JSValue e = JS_GetException(ctx);
    BOOL is_error = JS_IsError(ctx, e);
    dump_value(ctx, e);
    if (is_error) {
        JSValue stack = JS_GetPropertyStr(ctx, e, "stack");
        if (!JS_IsUndefined(stack))
            dump_value(ctx, stack);
        JS_FreeValue(ctx, stack);
    }
    JS_FreeValue(ctx, e);
}

/* Runs queued promise jobs until none is left: there is no event loop in a contract. */
void js_std_loop(JSContext *ctx)
{
    JSContext *job_ctx;
    int r;
    while ((r = JS_ExecutePendingJob(JS_GetRuntime(ctx), &job_ctx)) > 0)
        ;
    if (r < 0)
        js_std_dump_error(job_ctx);
}

/* import.meta.url = "file://" + module name (or the name itself when it has a scheme), import.meta.main. */
int js_module_set_import_meta(JSContext *ctx, JSValueConst func_val, JS_BOOL use_realpath, JS_BOOL is_main)
{
    JSModuleDef *m = JS_VALUE_GET_PTR(func_val);
    JSAtom name_atom = JS_GetModuleName(ctx, m);
    const char *name = JS_AtomToCString(ctx, name_atom);
    char url[PATH_MAX + 16];
    JSValue meta;

    (void)use_realpath; /* no file system in a contract */
    JS_FreeAtom(ctx, name_atom);
    if (!name)
        return -1;
    if (strchr(name, ':')) {
        pstrcpy(url, sizeof(url), name);
    } else {
        pstrcpy(url, sizeof(url), "file://");
        pstrcat(url, sizeof(url), name);
    }
    JS_FreeCString(ctx, name);
    meta = JS_GetImportMeta(ctx, m);
    if (JS_IsException(meta))
        return -1;
    JS_DefinePropertyValueStr(ctx, meta, "url", JS_NewString(ctx, url), JS_PROP_C_W_E);
    JS_DefinePropertyValueStr(ctx, meta, "main", JS_NewBool(ctx, is_main), JS_PROP_C_W_E);
    JS_FreeValue(ctx, meta);
    return 0;
}

/* Reads a module compiled by qjsc -m, evaluates it and returns its namespace. A failure while loading
   or evaluating ends the program (on NEAR: proc_exit is a stub, so the contract traps). */
JSValue js_load_module_binary(JSContext *ctx, const uint8_t *buf, size_t buf_len)
{
    JSValue mod, result;

    mod = JS_ReadObject(ctx, buf, buf_len, JS_READ_OBJ_BYTECODE);
    if (JS_IsException(mod))
        goto fail;
    if (JS_ResolveModule(ctx, mod) < 0) {
        JS_FreeValue(ctx, mod);
        goto fail;
    }
    js_module_set_import_meta(ctx, mod, FALSE, FALSE);
    result = JS_EvalFunction(ctx, mod);
    if (JS_IsException(result))
        goto fail;
    return js_get_module_ns(ctx, JS_VALUE_GET_PTR(mod));
 fail:
    js_std_dump_error(ctx);
    exit(1);
}
`;

/**
 * Copies the upstream files from `upstreamDir` into `outDir` and applies the fork's edits. Throws
 * {@link QuickJSSourceError} when the sources are not QuickJS 2021-03-27 as qjsc@0.3.0 ships it.
 *
 * @example
 * prepareQuickJSSources("node_modules/qjsc/deps/quickjs_2021_03_27", "/tmp/quickjs");
 */
export function prepareQuickJSSources(upstreamDir: string, outDir: string): void {
  mkdirSync(outDir, { recursive: true });
  for (const f of QUICKJS_FILES) {
    try {
      copyFileSync(path.join(upstreamDir, f), path.join(outDir, f));
    } catch {
      throw new QuickJSSourceError(`${path.join(upstreamDir, f)} is missing: expected the QuickJS 2021-03-27 sources of qjsc@0.3.0`);
    }
  }
  const version = readFileSync(path.join(outDir, "VERSION"), "utf8").trim();
  if (version !== "2021-03-27") throw new QuickJSSourceError(`QuickJS ${version} found; the wasm engine needs 2021-03-27 (qjsc@0.3.0)`);

  applyEdits(outDir, "quickjs.c", [
    ["#if !defined(_WIN32)\n/* define it if printf uses the RNDN rounding mode instead of RNDNA */",
      "#if !(defined(_WIN32) || defined(__wasi__))\n/* define it if printf uses the RNDN rounding mode instead of RNDNA */", "no CONFIG_PRINTF_RNDN on wasi"],
    ["#if !defined(EMSCRIPTEN)\n#define CONFIG_ATOMICS\n#endif", "/* NEAR: no Atomics (CONFIG_ATOMICS) */", "no Atomics"],
    ["/* the same structure is used for big integers and big floats. Big\n   integers are never infinite or NaNs */\ntypedef struct JSBigFloat {\n    JSRefCountHeader header; /* must come first, 32-bit */\n    bf_t num;\n} JSBigFloat;\n", "",
      "JSBigFloat moved to quickjs.h"],
    ["static JSValue JS_NewBigInt(JSContext *ctx);\nstatic inline bf_t *JS_GetBigInt(JSValueConst val)\n{\n    JSBigFloat *p = JS_VALUE_GET_PTR(val);\n    return &p->num;\n}\n", "",
      "JS_NewBigInt / JS_GetBigInt declared in quickjs.h"],
    ["static void js_trigger_gc(JSRuntime *rt, size_t size)\n", "static __maybe_unused void js_trigger_gc(JSRuntime *rt, size_t size)\n", "js_trigger_gc unused"],
    ["    js_trigger_gc(ctx->rt, sizeof(JSObject));\n", "    /* NEAR: no garbage collection triggered by object creation */\n", "no GC at object creation"],
    ["#elif defined(EMSCRIPTEN)\n    return 0;\n", "#elif defined(EMSCRIPTEN) || defined(__wasi__)\n    return 0;\n", "no malloc_usable_size on wasi"],
    ["#elif defined(EMSCRIPTEN)\n    NULL,\n", "#elif defined(EMSCRIPTEN) || defined(__wasi__)\n    NULL,\n", "no malloc_usable_size on wasi (table)"],
    ["/* create a string from a UTF-8 buffer */\nJSValue JS_NewStringLen(", `${NEW_STRING_LEN_RAW}/* create a string from a UTF-8 buffer */\nJSValue JS_NewStringLen(`, "JS_NewStringLenRaw"],
    ["/* return (NULL, 0) if exception. */", `${TO_CSTRING_LEN_RAW}/* return (NULL, 0) if exception. */`, "JS_ToCStringLenRaw"],
    ["        return JS_ToInt64(ctx, pres, val);\n}\n\n/* return (<0, 0) in case of exception */\nstatic int JS_ToInt32Free(",
      `        return JS_ToInt64(ctx, pres, val);\n}\n${TO_UINT64_EXT}\n/* return (<0, 0) in case of exception */\nstatic int JS_ToInt32Free(`, "JS_ToUint64Ext"],
    ["int JS_ToBigInt64(JSContext *ctx, int64_t *pres, JSValueConst val)\n{\n    return JS_ToBigInt64Free(ctx, pres, JS_DupValue(ctx, val));\n}\n",
      `int JS_ToBigInt64(JSContext *ctx, int64_t *pres, JSValueConst val)\n{\n    return JS_ToBigInt64Free(ctx, pres, JS_DupValue(ctx, val));\n}\n${TO_BIG_UINT64}`, "JS_ToBigUint64"],
    ["int JS_ToBigInt64(JSContext *ctx, int64_t *pres, JSValueConst val)\n{\n    JS_ThrowUnsupportedBigint(ctx);\n    *pres = 0;\n    return -1;\n}\n",
      `int JS_ToBigInt64(JSContext *ctx, int64_t *pres, JSValueConst val)\n{\n    JS_ThrowUnsupportedBigint(ctx);\n    *pres = 0;\n    return -1;\n}\n${TO_BIG_UINT64_NO_BIGNUM}`, "JS_ToBigUint64 without bignum"],
    ["static JSValue JS_NewBigInt(JSContext *ctx)\n{", "JSValue JS_NewBigInt(JSContext *ctx)\n{", "JS_NewBigInt exported"],
    ["static JSValue js_get_module_ns(JSContext *ctx, JSModuleDef *m);", "JSValue js_get_module_ns(JSContext *ctx, JSModuleDef *m);", "js_get_module_ns exported (declaration)"],
    ["static JSValue js_get_module_ns(JSContext *ctx, JSModuleDef *m)\n{", "JSValue js_get_module_ns(JSContext *ctx, JSModuleDef *m)\n{", "js_get_module_ns exported"],
  ]);
  applyEdits(outDir, "quickjs.h", [
    ["int JS_ToInt64Ext(JSContext *ctx, int64_t *pres, JSValueConst val);\n", `int JS_ToInt64Ext(JSContext *ctx, int64_t *pres, JSValueConst val);\n${HEADER_DECLS}`, "fork API declarations"],
    ["#ifdef __cplusplus\n} /* extern \"C\" { */\n#endif\n\n#endif /* QUICKJS_H */", HEADER_TAIL, "fork bignum declarations"],
  ]);
  applyEdits(outDir, "libbf.c", [
    ["        r->tab[1] = (a1 << shift) | (a0 >> (LIMB_BITS - shift));\n",
      "        /* NEAR: a shift of 0 would shift a0 by LIMB_BITS (undefined) */\n        r->tab[1] = shift == 0 ? a1 : (a1 << shift) | (a0 >> (LIMB_BITS - shift));\n", "bf_set_ui shift 0"],
  ]);
  writeFileSync(path.join(outDir, "quickjs-libc-min.h"), LIBC_MIN_H);
  writeFileSync(path.join(outDir, "quickjs-libc-min.c"), LIBC_MIN_C);
}
