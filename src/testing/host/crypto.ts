/** Hashes and curves behind `env.sha256`, `keccak*`, `ripemd160`, `ecrecover` and `alt_bn128_*`: @noble, not hand-written. */
import { sha256 as nobleSha256 } from "@noble/hashes/sha256";
import { keccak_256, keccak_512 } from "@noble/hashes/sha3";
import { ripemd160 as nobleRipemd160 } from "@noble/hashes/ripemd160";
import { secp256k1 } from "@noble/curves/secp256k1";
import { bn254 } from "@noble/curves/bn254";

export const sha256 = (data: Uint8Array): Uint8Array => nobleSha256(data);
export const keccak256 = (data: Uint8Array): Uint8Array => keccak_256(data);
export const keccak512 = (data: Uint8Array): Uint8Array => keccak_512(data);
export const ripemd160 = (data: Uint8Array): Uint8Array => nobleRipemd160(data);

const SECP_HALF_N = secp256k1.CURVE.n >> 1n;

/**
 * nearcore's `ecrecover`: 32-byte hash, 64-byte (r, s) signature, recovery id v in 0..3. Returns the
 * 64-byte uncompressed public key without its 0x04 prefix, or null when recovery fails (including a
 * high `s` when `malleabilityFlag` is set).
 */
export function ecrecover(hash: Uint8Array, sig: Uint8Array, v: number, malleabilityFlag: boolean): Uint8Array | null {
  try {
    const r = bytesToBigBE(sig.subarray(0, 32));
    const s = bytesToBigBE(sig.subarray(32, 64));
    if (r === 0n || s === 0n || r >= secp256k1.CURVE.n || s >= secp256k1.CURVE.n) return null;
    if (malleabilityFlag && s > SECP_HALF_N) return null;
    const signature = new secp256k1.Signature(r, s).addRecoveryBit(v);
    const point = signature.recoverPublicKey(hash);
    return point.toRawBytes(false).subarray(1);
  } catch {
    return null;
  }
}

function bytesToBigBE(b: Uint8Array): bigint {
  let x = 0n;
  for (const byte of b) x = (x << 8n) | BigInt(byte);
  return x;
}

function bytesToBigLE(b: Uint8Array): bigint {
  let x = 0n;
  for (let i = b.length - 1; i >= 0; i--) x = (x << 8n) | BigInt(b[i]);
  return x;
}

function bigToLE(x: bigint, len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (let i = 0; i < len; i++) {
    out[i] = Number(x & 0xffn);
    x >>= 8n;
  }
  return out;
}

type G1 = InstanceType<typeof bn254.G1.ProjectivePoint>;

/** NEAR encodes G1 points as x ‖ y, each 32 bytes little-endian; (0, 0) is the point at infinity. */
function decodeG1(b: Uint8Array): G1 {
  const x = bytesToBigLE(b.subarray(0, 32));
  const y = bytesToBigLE(b.subarray(32, 64));
  if (x === 0n && y === 0n) return bn254.G1.ProjectivePoint.ZERO;
  const p = bn254.G1.ProjectivePoint.fromAffine({ x, y });
  p.assertValidity();
  return p;
}

function encodeG1(p: G1): Uint8Array {
  const out = new Uint8Array(64);
  if (p.equals(bn254.G1.ProjectivePoint.ZERO)) return out;
  const a = p.toAffine();
  out.set(bigToLE(a.x, 32), 0);
  out.set(bigToLE(a.y, 32), 32);
  return out;
}

/** `alt_bn128_g1_multiexp`: input is a sequence of (G1 point 64 bytes, scalar 32 bytes LE). */
export function altBn128G1Multiexp(input: Uint8Array): Uint8Array {
  if (input.length % 96 !== 0) throw new Error("AltBn128InvalidInput: slice of size 96 expected");
  let acc = bn254.G1.ProjectivePoint.ZERO;
  for (let i = 0; i < input.length; i += 96) {
    const p = decodeG1(input.subarray(i, i + 64));
    const k = bytesToBigLE(input.subarray(i + 64, i + 96)) % bn254.fields.Fr.ORDER;
    if (k !== 0n && !p.equals(bn254.G1.ProjectivePoint.ZERO)) acc = acc.add(p.multiplyUnsafe(k));
  }
  return encodeG1(acc);
}

/** `alt_bn128_g1_sum`: input is a sequence of (sign byte 0/1, G1 point 64 bytes); sign 1 negates. */
export function altBn128G1Sum(input: Uint8Array): Uint8Array {
  if (input.length % 65 !== 0) throw new Error("AltBn128InvalidInput: slice of size 65 expected");
  let acc = bn254.G1.ProjectivePoint.ZERO;
  for (let i = 0; i < input.length; i += 65) {
    const sign = input[i];
    if (sign > 1) throw new Error("AltBn128InvalidInput: sign byte must be 0 or 1");
    const p = decodeG1(input.subarray(i + 1, i + 65));
    acc = sign === 1 ? acc.subtract(p) : acc.add(p);
  }
  return encodeG1(acc);
}

/**
 * `alt_bn128_pairing_check`: input is a sequence of (G1 64 bytes, G2 128 bytes); true when the product of
 * pairings is one. G2 coordinates are Fp2 elements (c0 ‖ c1), each 32 bytes LE.
 */
export function altBn128PairingCheck(input: Uint8Array): boolean {
  if (input.length % 192 !== 0) throw new Error("AltBn128InvalidInput: slice of size 192 expected");
  const Fp2 = bn254.fields.Fp2;
  const pairs: { g1: G1; g2: InstanceType<typeof bn254.G2.ProjectivePoint> }[] = [];
  for (let i = 0; i < input.length; i += 192) {
    const g1 = decodeG1(input.subarray(i, i + 64));
    const c = (o: number) => bytesToBigLE(input.subarray(i + o, i + o + 32));
    const x = Fp2.create({ c0: c(64), c1: c(96) });
    const y = Fp2.create({ c0: c(128), c1: c(160) });
    const g2 = Fp2.is0(x) && Fp2.is0(y) ? bn254.G2.ProjectivePoint.ZERO : bn254.G2.ProjectivePoint.fromAffine({ x, y });
    if (!g2.equals(bn254.G2.ProjectivePoint.ZERO)) g2.assertValidity();
    if (g1.equals(bn254.G1.ProjectivePoint.ZERO) || g2.equals(bn254.G2.ProjectivePoint.ZERO)) continue;
    pairs.push({ g1, g2 });
  }
  if (pairs.length === 0) return true;
  const res = bn254.pairingBatch(pairs.map((p) => ({ g1: p.g1, g2: p.g2 })));
  return bn254.fields.Fp12.eql(res, bn254.fields.Fp12.ONE);
}
