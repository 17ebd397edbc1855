/**
 * The `env` object near-sdk-js contracts call: every function node_modules/near-sdk-js/builder/builder.c
 * defines, with the same argument conversions (u64 from BigInt or Number, u128 from BigInt or Number,
 * bytes from 1-byte typed arrays, strings through ToString) and return types (BigInt for u64/u128,
 * Uint8Array or undefined for registers). Wrong argument types throw a catchable TypeError, as QuickJS's
 * `JS_ThrowTypeError` does; everything nearcore treats as a host error aborts the call (see errors.ts).
 */
import type { VMLogic } from "./vm-logic.js";
import { HostAbort } from "./errors.js";
import * as crypto from "./crypto.js";

/** Constructors of the contract's realm, so values handed to the contract pass its `instanceof` checks. */
export interface Realm {
  Uint8Array: Uint8ArrayConstructor;
  TypeError: TypeErrorConstructor;
}

const U64_MAX = (1n << 64n) - 1n;
const U128_LIMIT = 1n << 128n;
const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder("utf-8", { fatal: false });

export type Env = Record<string, (...args: any[]) => unknown>;

/**
 * Buffers of the arrays `latin1_string_to_uint8array` returns for a string with a character above U+00FF.
 * On chain that array wraps a NULL pointer (`JS_NewArrayBuffer(ctx, NULL, 0, …)`): it reads as empty, but
 * every host function that takes bytes refuses it as builder.c's `JS_Uint8Array_to_C` does ("Expect
 * Uint8Array for key"), so a Vector whose prefix has such a character throws at its first storage access.
 */
const NULL_DATA = new WeakSet<ArrayBufferLike>();

/** True for an array whose data pointer is NULL on chain (see NULL_DATA); engines that copy arrays keep the mark. */
export function hasNullData(a: Uint8Array): boolean {
  return NULL_DATA.has(a.buffer);
}

/** Builds a fresh `env` for one function call. */
export function createEnv(logic: VMLogic, realm: Realm): Env {
  const typeError = (message: string): never => {
    throw new realm.TypeError(message);
  };
  const u64 = (v: unknown, what: string): bigint => {
    if (typeof v === "bigint") {
      if (v < 0n || v > U64_MAX) typeError(`Expect Uint64 for ${what}`);
      return v;
    }
    if (typeof v === "number" && Number.isFinite(v)) {
      if (v < 0) typeError(`Expect Uint64 for ${what}`);
      return BigInt(Math.trunc(v));
    }
    if (typeof v === "boolean") return v ? 1n : 0n;
    if (v === undefined || v === null) return 0n;
    return typeError(`Expect Uint64 for ${what}`);
  };
  const u128 = (v: unknown, what: string): bigint => {
    if (typeof v === "bigint") {
      if (v < 0n || v >= U128_LIMIT) typeError(`Expect Uint128 for ${what}`);
      return v;
    }
    return u64(v, what);
  };
  const bytes = (v: unknown, what: string): Uint8Array => {
    if (ArrayBuffer.isView(v) && (v as Uint8Array).BYTES_PER_ELEMENT === 1 && !NULL_DATA.has((v as Uint8Array).buffer)) {
      const view = v as Uint8Array;
      return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    }
    return typeError(`Expect Uint8Array for ${what}`);
  };
  const cstr = (v: unknown): string => String(v);
  const latin1Bytes = (s: string): Uint8Array => {
    const out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
    return out;
  };
  /**
   * builder.c's `JS_ToCStringLenRaw` (near/quickjs v0.1.3): the bytes of a one-byte (Latin-1) string, and
   * nothing at all (NULL, length 0) for a string with any character above U+00FF, which QuickJS stores as a
   * wide string. So `bytes("\u00ffl")` is FF 6C on chain, and `bytes("\u01ffl")` is empty, never the low bytes.
   */
  const rawStringBytes = (text: string): Uint8Array => (/[^\u0000-\u00ff]/.test(text) ? new Uint8Array(0) : latin1Bytes(text));
  const out = (data: Uint8Array): Uint8Array => new realm.Uint8Array(data);
  const str = (v: unknown) => utf8.encode(cstr(v));

  /** Wraps a host function: abort check, base cost, view restriction. */
  const host =
    <A extends unknown[], R>(name: string, fn: (...args: A) => R, prohibitedInView = false) =>
    (...args: A): R => {
      logic.enter(name, prohibitedInView);
      return fn(...args);
    };

  const ctx = logic.ctx;
  const cost = logic.config.host;

  /** A hash host function: (data, register) → digest in the register, priced by the data's length. */
  const hashFn = (name: string, digest: (data: Uint8Array) => Uint8Array, price: (length: bigint) => bigint) =>
    host(name, (value: unknown, reg: unknown) => {
      const data = bytes(value, "data");
      const r = u64(reg, "register_id");
      logic.burn(price(BigInt(data.length)));
      logic.writeRegister(r, digest(data));
    });

  const env: Env = {
    // ------------------------------------------------------------ registers
    read_register: host("read_register", (id: unknown) => {
      const data = logic.readRegister(u64(id, "register_id"));
      return data === undefined ? undefined : out(data);
    }),
    register_len: host("register_len", (id: unknown) => logic.registerLen(u64(id, "register_id"))),
    write_register: host("write_register", (id: unknown, data: unknown) => {
      const reg = u64(id, "register_id");
      logic.writeRegister(reg, bytes(data, "data"));
    }),

    // ------------------------------------------------------------ context
    current_account_id: host("current_account_id", (reg: unknown) => logic.writeRegister(u64(reg, "register_id"), utf8.encode(ctx.currentAccountId))),
    signer_account_id: host("signer_account_id", (reg: unknown) => logic.writeRegister(u64(reg, "register_id"), utf8.encode(ctx.signerAccountId)), true),
    signer_account_pk: host("signer_account_pk", (reg: unknown) => logic.writeRegister(u64(reg, "register_id"), ctx.signerAccountPk), true),
    predecessor_account_id: host("predecessor_account_id", (reg: unknown) => logic.writeRegister(u64(reg, "register_id"), utf8.encode(ctx.predecessorAccountId)), true),
    input: host("input", (reg: unknown) => logic.writeRegister(u64(reg, "register_id"), ctx.input)),
    block_index: host("block_index", () => ctx.blockHeight),
    block_timestamp: host("block_timestamp", () => ctx.blockTimestamp),
    epoch_height: host("epoch_height", () => ctx.epochHeight),
    storage_usage: host("storage_usage", () => logic.storageUsage),

    // ------------------------------------------------------------ economics
    account_balance: host("account_balance", () => logic.balance),
    account_locked_balance: host("account_locked_balance", () => logic.account.locked),
    attached_deposit: host("attached_deposit", () => ctx.attachedDeposit, true),
    prepaid_gas: host("prepaid_gas", () => ctx.prepaidGas, true),
    used_gas: host("used_gas", () => logic.usedGas, true),

    // ------------------------------------------------------------ math
    random_seed: host("random_seed", (reg: unknown) => logic.writeRegister(u64(reg, "register_id"), ctx.randomSeed)),
    sha256: hashFn("sha256", crypto.sha256, (n) => cost.sha256Base + cost.sha256Byte * n),
    keccak256: hashFn("keccak256", crypto.keccak256, (n) => cost.keccak256Base + cost.keccak256Byte * n),
    keccak512: hashFn("keccak512", crypto.keccak512, (n) => cost.keccak512Base + cost.keccak512Byte * n),
    ripemd160: hashFn("ripemd160", crypto.ripemd160, (n) => cost.ripemd160Base + cost.ripemd160Block * ((n + 9n + 63n) / 64n)),
    // builder.c passes (hash, sig, arg2, arg3, register) to nearcore as (..., v = arg2, malleability_flag = arg3, register).
    ecrecover: host("ecrecover", (hash: unknown, sig: unknown, v: unknown, flag: unknown, reg: unknown) => {
      const h = bytes(hash, "hash");
      const s = bytes(sig, "sig");
      const vv = u64(v, "v");
      const mf = u64(flag, "malleability_flag");
      const r = u64(reg, "register_id");
      logic.burn(cost.ecrecoverBase);
      if (h.length !== 32) logic.fail("HostError", "ECRecoverError { msg: \"Invalid hash input size\" }");
      if (s.length !== 64) logic.fail("HostError", "ECRecoverError { msg: \"Invalid signature input size\" }");
      if (vv > 3n) logic.fail("HostError", "ECRecoverError { msg: \"V recovery byte 0 through 3 are valid but was given\" }");
      if (mf > 1n) logic.fail("HostError", "ECRecoverError { msg: \"Invalid malleability flag\" }");
      const key = crypto.ecrecover(h, s, Number(vv), mf === 1n);
      if (!key) return 0n;
      logic.writeRegister(r, key);
      return 1n;
    }),

    // ------------------------------------------------------------ miscellaneous
    value_return: host("value_return", (value: unknown) => logic.valueReturn(bytes(value, "value"))),
    // builder.c's `panic(msg)` calls nearcore's panic_utf8 with the message's UTF-8 bytes, and `panic()` panic.
    panic: host("panic", (...args: unknown[]) => {
      if (args.length >= 1) logic.panicUtf8(str(args[0]));
      logic.panic("explicit guest panic");
    }),
    panic_utf8: host("panic_utf8", (message: unknown) => logic.panicUtf8(bytes(message, "message"))),
    log: host("log", (message: unknown) => logic.logUtf8(str(message))),
    log_utf8: host("log_utf8", (message: unknown) => logic.logUtf8(bytes(message, "message"))),
    log_utf16: host("log_utf16", (message: unknown) => logic.logUtf16(bytes(message, "message"))),

    // ------------------------------------------------------------ promises
    promise_create: host(
      "promise_create",
      (account: unknown, method: unknown, args: unknown, amount: unknown, gas: unknown) => {
        const a = cstr(account);
        const m = cstr(method);
        const b = bytes(args, "arguments");
        const am = u128(amount, "amount");
        const g = u64(gas, "gas");
        const p = logic.promiseBatchCreate(a);
        logic.promiseBatchActionFunctionCall(p, m, b, am, g);
        return p;
      },
      true,
    ),
    promise_then: host(
      "promise_then",
      (index: unknown, account: unknown, method: unknown, args: unknown, amount: unknown, gas: unknown) => {
        const i = u64(index, "promise_index");
        const a = cstr(account);
        const m = cstr(method);
        const b = bytes(args, "arguments");
        const am = u128(amount, "amount");
        const g = u64(gas, "gas");
        const p = logic.promiseBatchThen(i, a);
        logic.promiseBatchActionFunctionCall(p, m, b, am, g);
        return p;
      },
      true,
    ),
    promise_and: host("promise_and", (...indices: unknown[]) => logic.promiseAnd(indices.map((i) => u64(i, "promise_id"))), true),
    promise_batch_create: host("promise_batch_create", (account: unknown) => logic.promiseBatchCreate(cstr(account)), true),
    promise_batch_then: host("promise_batch_then", (index: unknown, account: unknown) => logic.promiseBatchThen(u64(index, "promise_index"), cstr(account)), true),
    promise_batch_action_create_account: host("promise_batch_action_create_account", (index: unknown) => logic.promiseBatchActionCreateAccount(u64(index, "promise_index")), true),
    promise_batch_action_deploy_contract: host(
      "promise_batch_action_deploy_contract",
      (index: unknown, code: unknown) => logic.promiseBatchActionDeployContract(u64(index, "promise_index"), bytes(code, "code")),
      true,
    ),
    promise_batch_action_function_call: host(
      "promise_batch_action_function_call",
      (index: unknown, method: unknown, args: unknown, amount: unknown, gas: unknown) => {
        const i = u64(index, "promise_index");
        const m = cstr(method);
        const b = bytes(args, "arguments");
        logic.promiseBatchActionFunctionCall(i, m, b, u128(amount, "amount"), u64(gas, "gas"));
      },
      true,
    ),
    promise_batch_action_function_call_weight: host(
      "promise_batch_action_function_call_weight",
      (index: unknown, method: unknown, args: unknown, amount: unknown, gas: unknown, weight: unknown) => {
        const i = u64(index, "promise_index");
        const m = cstr(method);
        // builder.c reads these arguments with JS_ToCStringLenRaw: the bytes of the value converted to a string
        // when it is a one-byte (Latin-1) string, nothing when it has wider characters. near-sdk-js 2.0's
        // functionCallWeight hands it a Uint8Array, which becomes "123,34,…" on chain, and here too.
        const b = rawStringBytes(cstr(args));
        logic.promiseBatchActionFunctionCall(i, m, b, u128(amount, "amount"), u64(gas, "gas"), u64(weight, "weight"));
      },
      true,
    ),
    promise_batch_action_transfer: host(
      "promise_batch_action_transfer",
      (index: unknown, amount: unknown) => logic.promiseBatchActionTransfer(u64(index, "promise_index"), u128(amount, "amount")),
      true,
    ),
    promise_batch_action_stake: host(
      "promise_batch_action_stake",
      (index: unknown, amount: unknown, key: unknown) => logic.promiseBatchActionStake(u64(index, "promise_index"), u128(amount, "amount"), bytes(key, "public key")),
      true,
    ),
    promise_batch_action_add_key_with_full_access: host(
      "promise_batch_action_add_key_with_full_access",
      (index: unknown, key: unknown, nonce: unknown) => logic.promiseBatchActionAddKeyWithFullAccess(u64(index, "promise_index"), bytes(key, "public key"), u64(nonce, "nonce")),
      true,
    ),
    promise_batch_action_add_key_with_function_call: host(
      "promise_batch_action_add_key_with_function_call",
      (index: unknown, key: unknown, nonce: unknown, allowance: unknown, receiver: unknown, methods: unknown) =>
        logic.promiseBatchActionAddKeyWithFunctionCall(
          u64(index, "promise_index"),
          bytes(key, "public key"),
          u64(nonce, "nonce"),
          u128(allowance, "allowance"),
          cstr(receiver),
          str(methods),
        ),
      true,
    ),
    promise_batch_action_delete_key: host(
      "promise_batch_action_delete_key",
      (index: unknown, key: unknown) => logic.promiseBatchActionDeleteKey(u64(index, "promise_index"), bytes(key, "public key")),
      true,
    ),
    promise_batch_action_delete_account: host(
      "promise_batch_action_delete_account",
      (index: unknown, beneficiary: unknown) => logic.promiseBatchActionDeleteAccount(u64(index, "promise_index"), cstr(beneficiary)),
      true,
    ),
    promise_results_count: host("promise_results_count", () => logic.promiseResultsCount(), true),
    promise_result: host("promise_result", (index: unknown, reg: unknown) => logic.promiseResult(u64(index, "result_idx"), u64(reg, "register_id")), true),
    promise_return: host("promise_return", (index: unknown) => logic.promiseReturn(u64(index, "promise_idx")), true),

    // ------------------------------------------------------------ storage
    storage_write: host(
      "storage_write",
      (key: unknown, value: unknown, reg: unknown) => {
        const k = bytes(key, "key");
        const v = bytes(value, "value");
        const r = u64(reg, "register_id");
        const evicted = logic.storageWrite(k, v);
        if (evicted === undefined) return 0n;
        logic.writeRegister(r, evicted);
        return 1n;
      },
      true,
    ),
    storage_read: host("storage_read", (key: unknown, reg: unknown) => {
      const k = bytes(key, "key");
      const r = u64(reg, "register_id");
      const value = logic.storageRead(k);
      if (value === undefined) return 0n;
      logic.writeRegister(r, value);
      return 1n;
    }),
    storage_remove: host(
      "storage_remove",
      (key: unknown, reg: unknown) => {
        const k = bytes(key, "key");
        const r = u64(reg, "register_id");
        const old = logic.storageRemove(k);
        if (old === undefined) return 0n;
        logic.writeRegister(r, old);
        return 1n;
      },
      true,
    ),
    storage_has_key: host("storage_has_key", (key: unknown) => (logic.storageHasKey(bytes(key, "key")) ? 1n : 0n)),

    // ------------------------------------------------------------ validators
    validator_stake: host("validator_stake", (account: unknown) => {
      logic.burn(cost.validatorStakeBase);
      return logic.validators.stake(cstr(account));
    }),
    validator_total_stake: host("validator_total_stake", () => {
      logic.burn(cost.validatorStakeBase);
      return logic.validators.totalStake();
    }),

    // ------------------------------------------------------------ alt_bn128
    alt_bn128_g1_multiexp: host("alt_bn128_g1_multiexp", (value: unknown, reg: unknown) => {
      const data = bytes(value, "data");
      const r = u64(reg, "register_id");
      logic.burn(cost.altBn128Base * BigInt(1 + Math.floor(data.length / 96)));
      logic.writeRegister(r, hostCall(logic, () => crypto.altBn128G1Multiexp(data)));
    }),
    alt_bn128_g1_sum: host("alt_bn128_g1_sum", (value: unknown, reg: unknown) => {
      const data = bytes(value, "data");
      const r = u64(reg, "register_id");
      logic.burn(cost.altBn128Base);
      logic.writeRegister(r, hostCall(logic, () => crypto.altBn128G1Sum(data)));
    }),
    alt_bn128_pairing_check: host("alt_bn128_pairing_check", (value: unknown) => {
      const data = bytes(value, "data");
      logic.burn(cost.altBn128Base * BigInt(1 + Math.floor(data.length / 192)));
      return hostCall(logic, () => crypto.altBn128PairingCheck(data)) ? 1n : 0n;
    }),

    // ------------------------------------------------------------ string helpers (no host call, no gas)
    latin1_string_to_uint8array: (s: unknown) => {
      const text = cstr(s);
      const array = out(rawStringBytes(text));
      if (array.length === 0 && text.length > 0) NULL_DATA.add(array.buffer);
      return array;
    },
    utf8_string_to_uint8array: (s: unknown) => out(str(s)),
    uint8array_to_latin1_string: (a: unknown) => {
      const b = bytes(a, "");
      let s = "";
      for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
      return s;
    },
    uint8array_to_utf8_string: (a: unknown) => utf8Decoder.decode(bytes(a, "")),
  };
  return env;
}

/** Runs a host computation that may reject its input: a rejection is a host error, not a JS exception. */
function hostCall<T>(logic: VMLogic, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof HostAbort) throw e;
    return logic.fail("HostError", `AltBn128InvalidInput { msg: "${(e as Error).message}" }`);
  }
}
