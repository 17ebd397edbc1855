/**
 * nearcore's raw `env` imports, for contracts running as wasm (the `wasm` engine and prebuilt `.wasm` files):
 * u64 arguments as BigInt, pointers and lengths into the contract's memory, data handed back through
 * registers, u128 values through 16 little-endian bytes of memory. Each import does what nearcore's
 * `VMLogic` method of the same name does on top of this runtime's {@link VMLogic}: the memory and register
 * costs nearcore charges (`READ_MEMORY_*`, `WRITE_MEMORY_*`, `UTF8_DECODING_*`, …) are charged here, the
 * semantics (storage, promises, logs, limits) stay in VMLogic, so every check VMLogic makes applies on every
 * engine.
 *
 * A length of `u64::MAX` means "read register `ptr` instead of memory" wherever nearcore allows it (and a
 * NUL-terminated string for `log_utf8`/`panic_utf8`/`log_utf16`).
 */
import type { VMLogic } from "./vm-logic.js";
import { HostAbort } from "./errors.js";
import * as crypto from "./crypto.js";
import type { WasmMemory } from "./meter/webassembly.js";

const U64_MAX = (1n << 64n) - 1n;
const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A host function as the wasm instance calls it. */
export type RawHostFunction = (...args: bigint[]) => bigint | void;

/**
 * Builds the `env` import object for one call. `memory` is the instance's (imported) memory.
 *
 * @example
 * const env = createRawEnv(logic, memory);
 * const instance = new WebAssembly.Instance(module, { env: { ...env, memory } });
 */
export function createRawEnv(logic: VMLogic, memory: WasmMemory): Record<string, RawHostFunction> {
  const cost = logic.config.host;
  const ctx = logic.ctx;

  // ------------------------------------------------------------------ memory
  const range = (ptr: bigint, len: bigint): [number, number] => {
    const end = ptr + len;
    if (end > BigInt(memory.buffer.byteLength)) logic.fail("HostError", "MemoryAccessViolation");
    return [Number(ptr), Number(end)];
  };
  const readMemory = (ptr: bigint, len: bigint): Uint8Array => {
    logic.burn(cost.readMemoryBase, "READ_MEMORY_BASE");
    logic.burn(cost.readMemoryByte * len, "READ_MEMORY_BYTE");
    const [from, to] = range(ptr, len);
    return new Uint8Array(memory.buffer).slice(from, to);
  };
  const writeMemory = (ptr: bigint, data: Uint8Array): void => {
    logic.burn(cost.writeMemoryBase, "WRITE_MEMORY_BASE");
    logic.burn(cost.writeMemoryByte * BigInt(data.length), "WRITE_MEMORY_BYTE");
    const [from] = range(ptr, BigInt(data.length));
    new Uint8Array(memory.buffer).set(data, from);
  };
  const readU128 = (ptr: bigint): bigint => {
    const b = readMemory(ptr, 16n);
    const v = new DataView(b.buffer, b.byteOffset, 16);
    return v.getBigUint64(0, true) | (v.getBigUint64(8, true) << 64n);
  };
  const writeU128 = (ptr: bigint, value: bigint): void => {
    const b = new Uint8Array(16);
    const v = new DataView(b.buffer);
    v.setBigUint64(0, value & U64_MAX, true);
    v.setBigUint64(8, value >> 64n, true);
    writeMemory(ptr, b);
  };
  const register = (id: bigint): Uint8Array => {
    const data = logic.readRegister(id);
    if (data === undefined) return logic.fail("HostError", `InvalidRegisterId { register_id: ${id} }`);
    return data;
  };
  /** nearcore's `get_memory_or_register`: len = u64::MAX reads register `ptr`. */
  const memoryOrRegister = (ptr: bigint, len: bigint): Uint8Array => (len === U64_MAX ? register(ptr) : readMemory(ptr, len));
  const decodeUtf8 = (bytes: Uint8Array): string => {
    try {
      return strictUtf8.decode(bytes);
    } catch {
      return logic.fail("HostError", "BadUTF8");
    }
  };
  /** nearcore's `read_and_parse_account_id`. */
  const accountId = (ptr: bigint, len: bigint): string => {
    const buf = memoryOrRegister(ptr, len);
    logic.burn(cost.utf8DecodingBase, "UTF8_DECODING_BASE");
    logic.burn(cost.utf8DecodingByte * BigInt(buf.length), "UTF8_DECODING_BYTE");
    return decodeUtf8(buf);
  };
  /**
   * The message of a log or panic as nearcore's `get_utf8_string` / `get_utf16_string` read it: `len` bytes,
   * or up to a NUL byte (UTF-8) or NUL unit (UTF-16) when len = u64::MAX, failing with TotalLogLengthExceeded
   * as soon as it is longer than the log length left, before reading further. VMLogic pays the decoding.
   */
  const message = (len: bigint, ptr: bigint, unit: 1 | 2) => (remaining: number): Uint8Array => {
    if (len !== U64_MAX) {
      if (unit === 2 && len % 2n !== 0n) logic.fail("HostError", "BadUTF16");
      if (len > BigInt(remaining)) logic.totalLogLengthExceeded(Number(len > 1n << 52n ? 1n << 52n : len));
      return readMemory(ptr, len);
    }
    const bytes: number[] = [];
    for (let p = ptr; ; p += BigInt(unit)) {
      const b = readMemory(p, BigInt(unit));
      if (b.every((x) => x === 0)) break;
      bytes.push(...b);
      if (bytes.length > remaining) logic.totalLogLengthExceeded(bytes.length);
    }
    return Uint8Array.from(bytes);
  };

  // ------------------------------------------------------------------ wrappers
  const host =
    (name: string, fn: (...args: bigint[]) => bigint | void, prohibitedInView = false): RawHostFunction =>
    (...args: bigint[]) => {
      logic.enter(name, prohibitedInView);
      return fn(...args);
    };
  const toRegister = (reg: bigint, data: Uint8Array) => logic.writeRegister(reg, data);
  const hash = (name: string, digest: (d: Uint8Array) => Uint8Array, baseCost: [string, bigint], byteCost: (n: bigint) => [string, bigint]) =>
    host(name, (len, ptr, reg) => {
      logic.burn(baseCost[1], baseCost[0]);
      const data = memoryOrRegister(ptr, len);
      const [byteName, byteGas] = byteCost(BigInt(data.length));
      logic.burn(byteGas, byteName);
      toRegister(reg, digest(data));
    });
  const publicKey = (ptr: bigint, len: bigint) => memoryOrRegister(ptr, len);
  const methodName = (ptr: bigint, len: bigint): string => {
    const bytes = memoryOrRegister(ptr, len);
    if (bytes.length === 0) logic.fail("HostError", "EmptyMethodName");
    return decodeUtf8(bytes);
  };

  const env: Record<string, RawHostFunction> = {
    // ---------------------------------------------------------------- registers
    read_register: host("read_register", (id, ptr) => writeMemory(ptr, register(id))),
    register_len: host("register_len", (id) => logic.registerLen(id)),
    write_register: host("write_register", (id, len, ptr) => toRegister(id, readMemory(ptr, len))),

    // ---------------------------------------------------------------- context
    current_account_id: host("current_account_id", (reg) => toRegister(reg, utf8.encode(ctx.currentAccountId))),
    signer_account_id: host("signer_account_id", (reg) => toRegister(reg, utf8.encode(ctx.signerAccountId)), true),
    signer_account_pk: host("signer_account_pk", (reg) => toRegister(reg, ctx.signerAccountPk), true),
    predecessor_account_id: host("predecessor_account_id", (reg) => toRegister(reg, utf8.encode(ctx.predecessorAccountId)), true),
    input: host("input", (reg) => toRegister(reg, ctx.input)),
    block_index: host("block_index", () => ctx.blockHeight),
    block_timestamp: host("block_timestamp", () => ctx.blockTimestamp),
    epoch_height: host("epoch_height", () => ctx.epochHeight),
    storage_usage: host("storage_usage", () => logic.storageUsage),

    // ---------------------------------------------------------------- economics
    account_balance: host("account_balance", (ptr) => writeU128(ptr, logic.balance)),
    account_locked_balance: host("account_locked_balance", (ptr) => writeU128(ptr, logic.account.locked)),
    attached_deposit: host("attached_deposit", (ptr) => writeU128(ptr, ctx.attachedDeposit), true),
    prepaid_gas: host("prepaid_gas", () => ctx.prepaidGas, true),
    used_gas: host("used_gas", () => logic.usedGas, true),

    // ---------------------------------------------------------------- math
    random_seed: host("random_seed", (reg) => toRegister(reg, ctx.randomSeed)),
    sha256: hash("sha256", crypto.sha256, ["SHA256_BASE", cost.sha256Base], (n) => ["SHA256_BYTE", cost.sha256Byte * n]),
    keccak256: hash("keccak256", crypto.keccak256, ["KECCAK256_BASE", cost.keccak256Base], (n) => ["KECCAK256_BYTE", cost.keccak256Byte * n]),
    keccak512: hash("keccak512", crypto.keccak512, ["KECCAK512_BASE", cost.keccak512Base], (n) => ["KECCAK512_BYTE", cost.keccak512Byte * n]),
    ripemd160: hash("ripemd160", crypto.ripemd160, ["RIPEMD160_BASE", cost.ripemd160Base], (n) => ["RIPEMD160_BLOCK", cost.ripemd160Block * ((n + 9n + 63n) / 64n)]),
    ecrecover: host("ecrecover", (hashLen, hashPtr, sigLen, sigPtr, v, flag, reg) => {
      logic.burn(cost.ecrecoverBase, "ECRECOVER_BASE");
      const h = memoryOrRegister(hashPtr, hashLen);
      if (h.length !== 32) logic.fail("HostError", 'ECRecoverError { msg: "Invalid hash input size" }');
      const s = memoryOrRegister(sigPtr, sigLen);
      if (s.length !== 64) logic.fail("HostError", 'ECRecoverError { msg: "Invalid signature input size" }');
      if (v > 3n) logic.fail("HostError", 'ECRecoverError { msg: "V recovery byte 0 through 3 are valid but was given" }');
      if (flag > 1n) logic.fail("HostError", 'ECRecoverError { msg: "Invalid malleability flag" }');
      const key = crypto.ecrecover(h, s, Number(v), flag === 1n);
      if (!key) return 0n;
      toRegister(reg, key);
      return 1n;
    }),

    // ---------------------------------------------------------------- miscellaneous
    value_return: host("value_return", (len, ptr) => logic.valueReturn(memoryOrRegister(ptr, len))),
    panic: host("panic", () => logic.panic("explicit guest panic")),
    panic_utf8: host("panic_utf8", (len, ptr) => logic.panicUtf8(message(len, ptr, 1))),
    log_utf8: host("log_utf8", (len, ptr) => logic.logUtf8(message(len, ptr, 1))),
    log_utf16: host("log_utf16", (len, ptr) => logic.logUtf16(message(len, ptr, 2))),

    // ---------------------------------------------------------------- promises
    promise_batch_create: host("promise_batch_create", (len, ptr) => logic.promiseBatchCreate(accountId(ptr, len)), true),
    promise_batch_then: host("promise_batch_then", (index, len, ptr) => logic.promiseBatchThen(index, accountId(ptr, len)), true),
    promise_and: host(
      "promise_and",
      (ptr, count) => {
        const raw = readMemory(ptr, count * 8n);
        const view = new DataView(raw.buffer, raw.byteOffset, raw.length);
        const indices: bigint[] = [];
        for (let i = 0; i < raw.length; i += 8) indices.push(view.getBigUint64(i, true));
        return logic.promiseAnd(indices);
      },
      true,
    ),
    promise_batch_action_create_account: host("promise_batch_action_create_account", (index) => logic.promiseBatchActionCreateAccount(index), true),
    promise_batch_action_deploy_contract: host("promise_batch_action_deploy_contract", (index, len, ptr) => logic.promiseBatchActionDeployContract(index, memoryOrRegister(ptr, len)), true),
    promise_batch_action_function_call: host(
      "promise_batch_action_function_call",
      (index, nameLen, namePtr, argsLen, argsPtr, amountPtr, gas) => {
        const name = methodName(namePtr, nameLen);
        const args = memoryOrRegister(argsPtr, argsLen);
        logic.promiseBatchActionFunctionCall(index, name, args, readU128(amountPtr), gas);
      },
      true,
    ),
    promise_batch_action_function_call_weight: host(
      "promise_batch_action_function_call_weight",
      (index, nameLen, namePtr, argsLen, argsPtr, amountPtr, gas, weight) => {
        const name = methodName(namePtr, nameLen);
        const args = memoryOrRegister(argsPtr, argsLen);
        logic.promiseBatchActionFunctionCall(index, name, args, readU128(amountPtr), gas, weight);
      },
      true,
    ),
    promise_batch_action_transfer: host("promise_batch_action_transfer", (index, amountPtr) => logic.promiseBatchActionTransfer(index, readU128(amountPtr)), true),
    promise_batch_action_stake: host(
      "promise_batch_action_stake",
      (index, amountPtr, keyLen, keyPtr) => {
        const amount = readU128(amountPtr);
        logic.promiseBatchActionStake(index, amount, publicKey(keyPtr, keyLen));
      },
      true,
    ),
    promise_batch_action_add_key_with_full_access: host(
      "promise_batch_action_add_key_with_full_access",
      (index, keyLen, keyPtr, nonce) => logic.promiseBatchActionAddKeyWithFullAccess(index, publicKey(keyPtr, keyLen), nonce),
      true,
    ),
    promise_batch_action_add_key_with_function_call: host(
      "promise_batch_action_add_key_with_function_call",
      (index, keyLen, keyPtr, nonce, allowancePtr, receiverLen, receiverPtr, namesLen, namesPtr) => {
        const key = publicKey(keyPtr, keyLen);
        const allowance = readU128(allowancePtr);
        const receiverId = accountId(receiverPtr, receiverLen);
        logic.promiseBatchActionAddKeyWithFunctionCall(index, key, nonce, allowance, receiverId, memoryOrRegister(namesPtr, namesLen));
      },
      true,
    ),
    promise_batch_action_delete_key: host("promise_batch_action_delete_key", (index, keyLen, keyPtr) => logic.promiseBatchActionDeleteKey(index, publicKey(keyPtr, keyLen)), true),
    promise_batch_action_delete_account: host(
      "promise_batch_action_delete_account",
      (index, len, ptr) => logic.promiseBatchActionDeleteAccount(index, accountId(ptr, len)),
      true,
    ),
    promise_results_count: host("promise_results_count", () => logic.promiseResultsCount(), true),
    promise_result: host("promise_result", (index, reg) => logic.promiseResult(index, reg), true),
    promise_return: host("promise_return", (index) => logic.promiseReturn(index), true),

    // ---------------------------------------------------------------- storage
    storage_write: host(
      "storage_write",
      (keyLen, keyPtr, valueLen, valuePtr, reg) => {
        const key = memoryOrRegister(keyPtr, keyLen);
        const value = memoryOrRegister(valuePtr, valueLen);
        const evicted = logic.storageWrite(key, value);
        if (evicted === undefined) return 0n;
        toRegister(reg, evicted);
        return 1n;
      },
      true,
    ),
    storage_read: host("storage_read", (keyLen, keyPtr, reg) => {
      const value = logic.storageRead(memoryOrRegister(keyPtr, keyLen));
      if (value === undefined) return 0n;
      toRegister(reg, value);
      return 1n;
    }),
    storage_remove: host(
      "storage_remove",
      (keyLen, keyPtr, reg) => {
        const old = logic.storageRemove(memoryOrRegister(keyPtr, keyLen));
        if (old === undefined) return 0n;
        toRegister(reg, old);
        return 1n;
      },
      true,
    ),
    storage_has_key: host("storage_has_key", (keyLen, keyPtr) => (logic.storageHasKey(memoryOrRegister(keyPtr, keyLen)) ? 1n : 0n)),

    // ---------------------------------------------------------------- validators
    validator_stake: host("validator_stake", (len, ptr, stakePtr) => {
      const id = accountId(ptr, len);
      logic.burn(cost.validatorStakeBase, "VALIDATOR_STAKE_BASE");
      writeU128(stakePtr, logic.validators.stake(id));
    }),
    validator_total_stake: host("validator_total_stake", (stakePtr) => {
      logic.burn(cost.validatorStakeBase, "VALIDATOR_TOTAL_STAKE_BASE");
      writeU128(stakePtr, logic.validators.totalStake());
    }),

    // ---------------------------------------------------------------- alt_bn128
    alt_bn128_g1_multiexp: host("alt_bn128_g1_multiexp", (len, ptr, reg) => {
      const data = memoryOrRegister(ptr, len);
      logic.burn(cost.altBn128Base * BigInt(1 + Math.floor(data.length / 96)), "ALT_BN128_G1_MULTIEXP_BASE");
      toRegister(reg, bn(logic, () => crypto.altBn128G1Multiexp(data)));
    }),
    alt_bn128_g1_sum: host("alt_bn128_g1_sum", (len, ptr, reg) => {
      const data = memoryOrRegister(ptr, len);
      logic.burn(cost.altBn128Base, "ALT_BN128_G1_SUM_BASE");
      toRegister(reg, bn(logic, () => crypto.altBn128G1Sum(data)));
    }),
    alt_bn128_pairing_check: host("alt_bn128_pairing_check", (len, ptr) => {
      const data = memoryOrRegister(ptr, len);
      logic.burn(cost.altBn128Base * BigInt(1 + Math.floor(data.length / 192)), "ALT_BN128_PAIRING_CHECK_BASE");
      return bn(logic, () => crypto.altBn128PairingCheck(data)) ? 1n : 0n;
    }),
  };
  // nearcore implements promise_create / promise_then as two host calls each (two base costs).
  env.promise_create = (accountLen, accountPtr, nameLen, namePtr, argsLen, argsPtr, amountPtr, gas) => {
    const index = env.promise_batch_create(accountLen, accountPtr) as bigint;
    env.promise_batch_action_function_call(index, nameLen, namePtr, argsLen, argsPtr, amountPtr, gas);
    return index;
  };
  env.promise_then = (promise, accountLen, accountPtr, nameLen, namePtr, argsLen, argsPtr, amountPtr, gas) => {
    const index = env.promise_batch_then(promise, accountLen, accountPtr) as bigint;
    env.promise_batch_action_function_call(index, nameLen, namePtr, argsLen, argsPtr, amountPtr, gas);
    return index;
  };
  return env;
}

/** An alt_bn128 input the curve library rejects is a host error, as in nearcore. */
function bn<T>(logic: VMLogic, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof HostAbort) throw e;
    return logic.fail("HostError", `AltBn128InvalidInput { msg: "${(e as Error).message}" }`);
  }
}
