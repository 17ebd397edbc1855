/** Deterministic ids: receipt ids, data ids and transaction hashes are sha256 of their cause, in base58. */
import { sha256 } from "@noble/hashes/sha256";
import { base58 } from "@scure/base";

const enc = new TextEncoder();

/** base58(sha256(parts joined by ':')): the same inputs always give the same id. */
export function deriveId(...parts: (string | bigint | number)[]): string {
  return base58.encode(sha256(enc.encode(parts.join(":"))));
}

/** 32 deterministic bytes for `random_seed` (R4): per block and receipt. */
export function randomSeed(blockHeight: bigint, receiptId: string): Uint8Array {
  return sha256(enc.encode(`seed:${blockHeight}:${receiptId}`));
}

/** A deterministic ed25519-shaped public key (curve byte 0 + 32 bytes) for an account's signer key. */
export function publicKeyFor(accountId: string): Uint8Array {
  const out = new Uint8Array(33);
  out.set(sha256(enc.encode(`key:${accountId}`)), 1);
  return out;
}

/** `ed25519:<base58>` form of a key from {@link publicKeyFor}. */
export function formatPublicKey(key: Uint8Array): string {
  return `ed25519:${base58.encode(key.subarray(1))}`;
}
