/**
 * Chain state: accounts, their storage, code and keys, with a copy-on-write overlay per receipt so that a
 * failed receipt leaves no trace (R14).
 */
import type { RuntimeConfig } from "./config.js";
import type { AccessKeyPermission } from "./types.js";

/**
 * Contract code deployed on an account. `bytes` are what the DeployContract action carried: on the `wasm`
 * engine (and for prebuilt `.wasm` files on any engine) the contract's wasm; on `vm` and `quickjs` the
 * bundle's UTF-8 bytes, which those engines run directly.
 */
export interface ContractCode {
  /** sha256 (hex) of `bytes`, also the loaders' cache key. */
  hash: string;
  /** `wasm`: run by the wasm host, metered per operator; `js`: a near-sdk-js bundle run by `vm` or `quickjs`. */
  kind: "js" | "wasm";
  /** The deployed bytes (what `viewCode` returns and `code_hash` hashes). */
  bytes: Uint8Array;
  /** The ES module near-sdk-js's rollup step produced ("" for a prebuilt wasm). */
  source: string;
  /** Bytes charged for the code in storage usage: `bytes.length`. */
  size: bigint;
  /** Methods the contract exports. */
  methods: string[];
  /** The contract's source file, when it was loaded from one. */
  sourcePath?: string;
}

export interface AccessKey {
  publicKey: Uint8Array;
  nonce: bigint;
  permission: AccessKeyPermission;
}

/** One account as stored on chain. */
export interface AccountRecord {
  amount: bigint;
  locked: bigint;
  code: ContractCode | null;
  storage: Map<string, Uint8Array>;
  keys: AccessKey[];
}

/** Encodes storage key bytes as a Map key (one char per byte). */
export function storageKey(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}

/** Decodes a Map key produced by {@link storageKey} back to bytes. */
export function storageKeyBytes(key: string): Uint8Array {
  const out = new Uint8Array(key.length);
  for (let i = 0; i < key.length; i++) out[i] = key.charCodeAt(i);
  return out;
}

/**
 * Size of an access key record's value as nearcore stores it: borsh(AccessKey) = nonce (u64) + the
 * permission enum: 1 byte for FullAccess; for FunctionCall, Option<u128> allowance (1 or 17 bytes, 0 =
 * None = unlimited), receiver id (u32 length + bytes) and method names (u32 count + u32 length + bytes each).
 */
export function accessKeyValueBytes(key: AccessKey): number {
  const p = key.permission;
  if (p.kind === "FullAccess") return 8 + 1;
  const utf8 = (s: string) => new TextEncoder().encode(s).length;
  return 8 + 1 + (p.allowance > 0n ? 17 : 1) + 4 + utf8(p.receiverId) + 4 + p.methodNames.reduce((n, m) => n + 4 + utf8(m), 0);
}

/**
 * Storage usage of an account record in bytes (R18): account + Σ(key + value + 40) over its records +
 * code. An access key is a record too: its key is the borsh public key (33 bytes for ed25519), its value
 * the borsh AccessKey (9 bytes for a full-access key), so a fresh account with one key uses 182 bytes, as
 * on chain (nearcore `action_add_key`).
 */
export function storageUsage(account: AccountRecord, config: RuntimeConfig): bigint {
  let usage = config.accountRecordBytes;
  for (const [k, v] of account.storage) usage += BigInt(k.length + v.length) + config.storageRecordOverheadBytes;
  if (account.code) usage += account.code.size;
  for (const key of account.keys) usage += BigInt(key.publicKey.length + accessKeyValueBytes(key)) + config.storageRecordOverheadBytes;
  return usage;
}

/** The balance an account must keep for its storage (0 for zero-balance accounts, R18). */
export function requiredStorageBalance(account: AccountRecord, config: RuntimeConfig): bigint {
  const usage = storageUsage(account, config);
  if (usage <= config.zeroBalanceAccountStorageLimit) return 0n;
  return usage * config.storageAmountPerByte;
}

export function cloneAccount(a: AccountRecord): AccountRecord {
  return { amount: a.amount, locked: a.locked, code: a.code, storage: new Map(a.storage), keys: a.keys.slice() };
}

/**
 * All accounts of the chain. `fork()` gives a transaction-like view: writes go to an overlay that is either
 * committed into the parent or dropped.
 */
export class StateStore {
  private readonly accounts: Map<string, AccountRecord>;
  private readonly overlay = new Map<string, AccountRecord | null>();

  constructor(private readonly parent: StateStore | null = null, accounts?: Map<string, AccountRecord>) {
    this.accounts = accounts ?? new Map();
  }

  /** A child view whose changes reach this store only on `commit()`. */
  fork(): StateStore {
    return new StateStore(this);
  }

  get(id: string): AccountRecord | undefined {
    if (this.overlay.has(id)) return this.overlay.get(id) ?? undefined;
    if (this.parent) return this.parent.get(id);
    return this.accounts.get(id);
  }

  /** The account for writing: copied into this overlay on first access. */
  getMut(id: string): AccountRecord | undefined {
    if (this.overlay.has(id)) return this.overlay.get(id) ?? undefined;
    if (!this.parent) return this.accounts.get(id);
    const base = this.parent.get(id);
    if (!base) return undefined;
    const copy = cloneAccount(base);
    this.overlay.set(id, copy);
    return copy;
  }

  set(id: string, record: AccountRecord): void {
    if (this.parent) this.overlay.set(id, record);
    else this.accounts.set(id, record);
  }

  delete(id: string): void {
    if (this.parent) this.overlay.set(id, null);
    else this.accounts.delete(id);
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Applies this overlay to the parent store. */
  commit(): void {
    if (!this.parent) return;
    for (const [id, rec] of this.overlay) {
      if (rec) this.parent.set(id, rec);
      else this.parent.delete(id);
    }
    this.overlay.clear();
  }

  /** Ids of every account, sorted. */
  ids(): string[] {
    const ids = new Set<string>(this.parent ? this.parent.ids() : this.accounts.keys());
    for (const [id, rec] of this.overlay) {
      if (rec) ids.add(id);
      else ids.delete(id);
    }
    return [...ids].sort();
  }
}
