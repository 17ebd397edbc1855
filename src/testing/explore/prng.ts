/**
 * Deterministic pseudo-random numbers for the explorer's random mode: sfc32 seeded through splitmix32, so
 * the same seed draws the same schedules on every machine and Node version.
 */

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A seeded generator. */
export class Prng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number (got ${seed})`);
    const init = splitmix32(Math.trunc(seed) ^ Math.trunc(seed / 0x100000000));
    this.a = init();
    this.b = init();
    this.c = init();
    this.d = init();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** Next 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform integer in [0, n), n ≤ 2^53. */
  int(n: number): number {
    if (!(n >= 1) || !Number.isSafeInteger(n)) throw new RangeError(`int(n) needs a positive safe integer (got ${n})`);
    if (n === 1) return 0;
    if (n <= 0x100000000) {
      // Rejection sampling keeps the draw unbiased.
      const limit = Math.floor(0x100000000 / n) * n;
      for (;;) {
        const x = this.next();
        if (x < limit) return x % n;
      }
    }
    for (;;) {
      const x = this.next() * 0x200000 + (this.next() >>> 11);
      const limit = Math.floor(2 ** 53 / n) * n;
      if (x < limit) return x % n;
    }
  }
}
