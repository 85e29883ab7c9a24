/**
 * Plain-TS (BigInt) reference of the generator in assembly/rng.ts: SplitMix64 seeding and
 * xoshiro256++ (Blackman & Vigna). Slow; used only by tests.
 */
const MASK64 = (1n << 64n) - 1n;
const GOLDEN = 0x9e3779b97f4a7c15n;

export function mix64(z: bigint): bigint {
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

export function refStreamSeed(seed: number, index: number): number {
  return Number(mix64((BigInt(seed) + GOLDEN * BigInt(index + 1)) & MASK64) & ((1n << 53n) - 1n));
}

const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (64n - k))) & MASK64;

export class RefXoshiro256pp {
  s: bigint[];
  constructor(state: bigint[]) {
    this.s = [...state];
  }
  static fromSeed(seed: number): RefXoshiro256pp {
    let x = BigInt(seed);
    const s: bigint[] = [];
    for (let k = 0; k < 4; k++) {
      x = (x + GOLDEN) & MASK64;
      s.push(mix64(x));
    }
    return new RefXoshiro256pp(s);
  }
  next(): bigint {
    const s = this.s;
    const result = (rotl((s[0] + s[3]) & MASK64, 23n) + s[0]) & MASK64;
    const t = (s[1] << 17n) & MASK64;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45n);
    return result;
  }
}
