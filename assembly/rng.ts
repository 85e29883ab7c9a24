// Random numbers: xoshiro256++ (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
// ACM TOMS 47, 2021), seeded through SplitMix64, with Gaussian variates from a 256-layer ziggurat
// (Marsaglia & Tsang, J. Stat. Softw. 5(8), 2000).
//
// A generator's state is four u64 words (32 bytes) at an address owned by the caller. Hot loops load
// the words into locals, step them there and store them back once (globals written every iteration
// are 2–3× slower in V8; see shared/TOOLCHAIN.md).

import { alloc } from "./memory";

export const RNG_STATE_BYTES: i32 = 32;

const GOLDEN: u64 = 0x9e3779b97f4a7c15;
const MASK53: u64 = (<u64>1 << 53) - 1;

/** SplitMix64's output mix (Steele, Lea & Flood 2014): a bijection of u64 with good avalanche. */
@inline function mix64(z: u64): u64 {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9;
  z = (z ^ (z >> 27)) * 0x94d049bb133111eb;
  return z ^ (z >> 31);
}

@inline function rotl(x: u64, k: u64): u64 {
  return (x << k) | (x >> (64 - k));
}

/**
 * Seed of stream `index` under the user's `seed` (hi·2³² + lo): a 53-bit integer, returned as f64 so
 * it crosses to JS exactly. Seeding a generator with it (`rng_seed`) gives that stream, so trajectory i
 * of a run can be replayed alone from its reported seed.
 */
export function rng_stream_seed(seedHi: u32, seedLo: u32, index: u32): f64 {
  const seed = (<u64>seedHi << 32) | <u64>seedLo;
  return <f64>(mix64(seed + GOLDEN * (<u64>index + 1)) & MASK53);
}

/** Fills the four state words from a 53-bit seed with SplitMix64 (never all zero). */
export function rng_seed(state: usize, seedHi: u32, seedLo: u32): void {
  let x = (<u64>seedHi << 32) | <u64>seedLo;
  for (let k = 0; k < 4; k++) {
    x += GOLDEN;
    store<u64>(state + (<usize>k << 3), mix64(x));
  }
}

/** One xoshiro256++ output, updating the state in memory (for the rare, non-hot paths). */
export function rng_next_u64(state: usize): u64 {
  let s0 = load<u64>(state), s1 = load<u64>(state, 8), s2 = load<u64>(state, 16), s3 = load<u64>(state, 24);
  const result = rotl(s0 + s3, 23) + s0;
  const t = s1 << 17;
  s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45);
  store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
  return result;
}

/** Uniform on [0, 1) with 53 random bits (the top bits of one output). */
export function rng_next_uniform(state: usize): f64 {
  return <f64>(rng_next_u64(state) >> 11) * 1.1102230246251565e-16;
}

/** Uniform on (0, 1]: safe inside a logarithm. */
@inline function uniformOpenZero(state: usize): f64 {
  return <f64>((rng_next_u64(state) >> 11) + 1) * 1.1102230246251565e-16;
}

/** Writes `count` raw u64 outputs to `out` (8-byte words). Used for the perceptron's input bits. */
export function rng_fill_u64(state: usize, out: usize, count: i32): void {
  let s0 = load<u64>(state), s1 = load<u64>(state, 8), s2 = load<u64>(state, 16), s3 = load<u64>(state, 24);
  for (let i = 0; i < count; i++) {
    store<u64>(out + (<usize>i << 3), rotl(s0 + s3, 23) + s0);
    const t = s1 << 17;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45);
  }
  store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
}

/** Writes `count` uniforms on [0, 1) (53-bit) to `out`. */
export function rng_fill_uniform(state: usize, out: usize, count: i32): void {
  for (let i = 0; i < count; i++) store<f64>(out + (<usize>i << 3), rng_next_uniform(state));
}

// ---------------------------------------------------------------------------------------------
// Ziggurat for the standard normal, 256 layers of equal area V under f(x) = exp(−x²/2).
// Layer edges X[0] = V/f(R) > X[1] = R > X[2] > … > X[256] = 0 with X[i+1] = f⁻¹(V/X[i] + f(X[i])).
// Layer i is the box |x| < X[i], f(X[i]) < y < f(X[i+1]); layer 0 is the base strip plus the tail.
// Constants R and V for 256 layers from Marsaglia & Tsang (2000).
// ---------------------------------------------------------------------------------------------

const ZIG_R: f64 = 3.6541528853610088;
const ZIG_V: f64 = 0.00492867323399;
const zigX = memory.data(257 * 8, 16);
const zigF = memory.data(257 * 8, 16);
let zigReady = false;

function zigInit(): void {
  let x = ZIG_R;
  let f = Math.exp(-0.5 * x * x);
  store<f64>(zigX, ZIG_V / f);
  store<f64>(zigF, 0);
  store<f64>(zigX, x, 8);
  store<f64>(zigF, f, 8);
  for (let i = 2; i < 256; i++) {
    x = Math.sqrt(-2 * Math.log(ZIG_V / x + f));
    f = Math.exp(-0.5 * x * x);
    store<f64>(zigX + (<usize>i << 3), x);
    store<f64>(zigF + (<usize>i << 3), f);
  }
  store<f64>(zigX + 256 * 8, 0);
  store<f64>(zigF + 256 * 8, 1);
  zigReady = true;
}

/**
 * The ziggurat's layer edges X[0 … 256] (f64, see above), built on first use: for other modules'
 * inlined fast paths (assembly/langevin.ts), which call {@link zigSlow} for the rest.
 */
export function zigTable(): usize {
  if (!zigReady) zigInit();
  return zigX;
}

/**
 * The ziggurat's slow path for a draw that fell outside layer `layer`'s inner box: the tail beyond R
 * for layer 0 (Marsaglia's exponential rejection), the wedge test otherwise, and a fresh draw when
 * the wedge rejects. `u` in [−1, 1) is the draw's horizontal coordinate.
 */
export function zigSlow(state: usize, layer: i32, u: f64): f64 {
  while (true) {
    const off = <usize>layer << 3;
    if (layer == 0) {
      let a: f64, b: f64;
      do {
        a = -Math.log(uniformOpenZero(state)) / ZIG_R;
        b = -Math.log(uniformOpenZero(state));
      } while (b + b < a * a);
      return u < 0 ? -(ZIG_R + a) : ZIG_R + a;
    }
    const x = u * load<f64>(zigX + off);
    const f0 = load<f64>(zigF + off);
    const f1 = load<f64>(zigF + off, 8);
    if (f0 + rng_next_uniform(state) * (f1 - f0) < Math.exp(-0.5 * x * x)) return x;
    // Rejected: a whole new draw.
    const r = rng_next_u64(state);
    layer = <i32>(r & 255);
    u = <f64>(<i64>r >> 11) * 2.220446049250313e-16;
    const y = u * load<f64>(zigX + (<usize>layer << 3));
    if (Math.abs(y) < load<f64>(zigX + (<usize>layer << 3), 8)) return y;
  }
}

/**
 * Writes `count` standard normal variates to `out` (f64). One xoshiro256++ output per variate on the
 * fast path (≈ 99 % of draws): its low 8 bits pick the layer, its top 53 bits the signed coordinate.
 */
export function rng_fill_normal(state: usize, out: usize, count: i32): void {
  if (!zigReady) zigInit();
  let s0 = load<u64>(state), s1 = load<u64>(state, 8), s2 = load<u64>(state, 16), s3 = load<u64>(state, 24);
  for (let i = 0; i < count; i++) {
    const r = rotl(s0 + s3, 23) + s0;
    const t = s1 << 17;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45);
    const layer = <i32>(r & 255);
    const u = <f64>(<i64>r >> 11) * 2.220446049250313e-16;
    const off = <usize>layer << 3;
    let x = u * load<f64>(zigX + off);
    if (!(Math.abs(x) < load<f64>(zigX + off, 8))) {
      store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
      x = zigSlow(state, layer, u);
      s0 = load<u64>(state); s1 = load<u64>(state, 8); s2 = load<u64>(state, 16); s3 = load<u64>(state, 24);
    }
    store<f64>(out + (<usize>i << 3), x);
  }
  store<u64>(state, s0); store<u64>(state, s1, 8); store<u64>(state, s2, 16); store<u64>(state, s3, 24);
}

/**
 * Allocates a generator seeded with `seed` (hi·2³² + lo, see `rng_seed`); returns its state address,
 * 0 if out of memory.
 */
export function rng_create(seedHi: u32, seedLo: u32): usize {
  const state = alloc(RNG_STATE_BYTES);
  if (state != 0) rng_seed(state, seedHi, seedLo);
  return state;
}
