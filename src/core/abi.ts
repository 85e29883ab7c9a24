/**
 * The ABI of thermolearn's wasm module, in one place (assembly/index.ts is its other side).
 *
 * Only numbers cross it: `i32`/`u32` as number, `f64` as number, addresses as byte offsets into the
 * module's exported memory. State lives in that memory; `*_step(p, count)` loops inside wasm.
 * Addresses of 0 mean "out of memory". Every model's functions take the address of its state first.
 */
export interface ThermolearnExports {
  /**
   * The module's exported `WebAssembly.Memory`, as far as thermolearn reads it (its `buffer`), typed
   * structurally so that the published declarations need no DOM lib, which declares `WebAssembly`.
   */
  readonly memory: { readonly buffer: ArrayBuffer };

  // memory.ts: bump allocator (zeroed, 16-byte aligned); memory is freed by dropping the instance.
  alloc(bytes: number): number;
  heap_top(): number;

  // simd.ts
  dot_f64(a: number, b: number, n: number): number;
  dot_f32(a: number, b: number, n: number): number;
  simd_enabled(): number;

  // rng.ts: xoshiro256++ state is 32 bytes at `state`.
  rng_stream_seed(seedHi: number, seedLo: number, index: number): number;
  rng_seed(state: number, seedHi: number, seedLo: number): void;
  rng_create(seedHi: number, seedLo: number): number;
  rng_fill_u64(state: number, out: number, count: number): void;
  rng_fill_uniform(state: number, out: number, count: number): void;
  rng_fill_normal(state: number, out: number, count: number): void;

  // perceptron.ts
  perceptron_create(
    n: number,
    batch: number,
    rule: number,
    alpha: number,
    k: number,
    nu: number,
    D: number,
    dt: number,
    maxRms: number,
    sampling: number,
    seedHi: number,
    seedLo: number,
  ): number;
  perceptron_fill_gaussian(p: number, which: number, scale: number): void;
  perceptron_set_train_set(p: number, rows: number, size: number): void;
  perceptron_step(p: number, count: number): number;
  perceptron_order_params(p: number, out: number): void;
  perceptron_count_errors(p: number, rows: number, size: number): number;
  perceptron_weights(p: number): number;
  perceptron_teacher(p: number): number;
  perceptron_inputs(p: number): number;
  perceptron_noise(p: number): number;
  perceptron_rng(p: number): number;
  perceptron_heat(p: number): number;
  perceptron_status(p: number): number;
  perceptron_cursor(p: number): number;
  perceptron_heat_parts(p: number, out: number): void;
  perceptron_set_clock(p: number, heat: number, heatCompensation: number, cursor: number, status: number): void;
  perceptron_configure(p: number, inputs: number, alphaMoment: number, alphaSlope: number): void;
  perceptron_set_labels(p: number, labels: number): void;
  perceptron_averaged_force(p: number, rho: number, Q: number, out: number): void;
  perceptron_work(p: number): number;
  perceptron_excess(p: number): number;
  perceptron_sums(p: number, out: number): void;
  perceptron_set_sums(
    p: number,
    work: number,
    workCompensation: number,
    excess: number,
    excessCompensation: number,
    forceVariance: number,
  ): void;
  perceptron_predict(p: number, rows: number, size: number, out: number): void;

  // hopfield.ts: state and patterns bit-packed (u64 words, bit set ⇔ +1), dense weights f32 n × n.
  hopfield_create(n: number, k: number, dense: number, seedHi: number, seedLo: number): number;
  hopfield_unpack_state(p: number): void;
  hopfield_index_patterns(p: number): void;
  hopfield_store_hebbian(p: number): void;
  hopfield_store_storkey(p: number, scratch: number, from: number, to: number): void;
  hopfield_store_pseudoinverse(p: number, work: number, from: number, to: number): number;
  hopfield_fields(p: number): void;
  hopfield_run_sync(p: number, maxSteps: number, energies: number, budget: number, resume: number): number;
  hopfield_run_async(
    p: number,
    maxSweeps: number,
    temperature: number,
    energies: number,
    budget: number,
    resume: number,
  ): number;
  hopfield_energy(p: number): number;
  hopfield_overlaps(p: number, out: number): void;
  hopfield_count_unstable(p: number, from: number, to: number): number;
  hopfield_flip_random(p: number, fraction: number): number;
  hopfield_random_patterns(p: number, pPlus: number): void;
  hopfield_state_bits(p: number): number;
  hopfield_pattern_bits(p: number): number;
  hopfield_weights(p: number): number;
  hopfield_bias(p: number): number;
  hopfield_field(p: number): number;
  hopfield_rng(p: number): number;
  hopfield_scale(p: number): number;

  // contrastive.ts: circular convolution and the thresholded weight update.
  extend_periodic_f64(ext: number, s: number, n: number, taps: number, shift: number): void;
  conv_direct_f64(out: number, ext: number, n: number, kernel: number, taps: number, scale: number): void;
  contrastive_threshold_trapezoid(
    r: number,
    n: number,
    offset: number,
    amplitude: number,
    theta: number,
    dt: number,
  ): number;
  contrastive_threshold_curve(
    out: number,
    r: number,
    n: number,
    offset: number,
    amps: number,
    m: number,
    theta: number,
    dt: number,
    work: number,
  ): void;
  contrastive_sawtooth_response(
    out: number,
    p0: number,
    p1: number,
    taps: number,
    n: number,
    nf: number,
    shift: number,
    f0: number,
    f1: number,
    s0: number,
    s1: number,
    scale: number,
  ): void;

  // fft.ts: radix-2 complex FFT (complex = 16 bytes re, im; twiddles 32·(n − 1) bytes) and the
  // overlap-save circular convolution (work: 32·2^logb bytes).
  fft_twiddles_f64(tw: number, logn: number): void;
  fft_f64(z: number, logn: number, tw: number): void;
  conv_fft_f64(
    out: number,
    ext: number,
    n: number,
    kernel: number,
    taps: number,
    scale: number,
    logb: number,
    tw: number,
    work: number,
  ): void;

  // linalg.ts: dense mat-vecs (op, layout, dtype).
  matvec_colmajor_f64(out: number, At: number, x: number, n: number): void; // A column-major (At = row-major Aᵀ)
  // out = W x for a symmetric f32 W (upper triangle read) and x = ±1 (f32, only sign bits read).
  matvec_sym_sign_f32(w: number, xs: number, out: number, n: number): void;

  // markov.ts: master equation dp/dt = M p (M row-major, M[i,j] = rate j→i); exact propagator P = exp(M dt).
  markov_create(n: number): number;
  markov_rates(p: number): number;
  markov_propagator_matrix(p: number): number;
  markov_prob(p: number): number;
  markov_steps(p: number): number;
  markov_set_steps(p: number, steps: number): void;
  markov_propagator(p: number, dt: number): number;
  markov_step(p: number, count: number, mode: number, w: number, out: number): void;

  // eqprop.ts: equilibrium propagation, all f32; `net` is the descriptor written by src/eqprop/network.ts.
  eqprop_drive(net: number, x: number, drive: number, count: number): void;
  eqprop_relax(
    net: number,
    drive: number,
    states: number,
    targets: number,
    count: number,
    iterations: number,
    beta: number,
    epsilon: number,
  ): void;
  eqprop_energy(net: number, x: number, drive: number, states: number, count: number, out: number): void;
  eqprop_outer_update(
    m: number,
    rows: number,
    cols: number,
    a1: number,
    a0: number,
    aStride: number,
    c1: number,
    c0: number,
    cStride: number,
    count: number,
    coeff: number,
    acc: number,
  ): void;
  eqprop_transpose(dst: number, src: number, rows: number, cols: number): void;
  eqprop_memory_update(
    m: number,
    rows: number,
    cols: number,
    a: number,
    aK: number,
    aB: number,
    c: number,
    cK: number,
    cB: number,
    count: number,
    points: number,
    rowPtr: number,
    colIdx: number,
    vals: number,
    rowSum: number,
    trapezoid: number,
    grid: number,
    theta: number,
    coeff: number,
    lNorm: number,
    rNorm: number,
    work: number,
  ): void;

  // langevin.ts: an ensemble of n coordinates, each with its own stream; positions, initial
  // positions, work and heat are n f64 each; flags n u8 (1 = frozen); the parameter table holds
  // `rows` rows of 8 f64 (c0 … c4, 2c2, 3c3, 4c4; the ring A, f) written by TS before each step.
  langevin_create(n: number, kind: number, rows: number, seedHi: number, seedLo: number, first: number): number;
  langevin_positions(p: number): number;
  langevin_initial(p: number): number;
  langevin_work(p: number): number;
  langevin_heat(p: number): number;
  langevin_flags(p: number): number;
  langevin_rng(p: number): number;
  langevin_rng_bytes(p: number): number;
  langevin_table(p: number): number;
  langevin_frozen(p: number): number;
  langevin_set_frozen(p: number, frozen: number): void;
  langevin_sample_table(p: number, xs: number, cdf: number, m: number): void;
  langevin_step(
    p: number,
    count: number,
    dt: number,
    noise: number,
    scheme: number,
    bound: number,
    period: number,
    constant: number,
  ): number;
}

/** Run statuses of assembly/hopfield.ts (high byte of the run functions' result). */
export const HOPFIELD_STATUS = { 1: "fixed-point", 2: "cycle", 3: "max-sweeps" } as const;
/**
 * The run functions of assembly/hopfield.ts return `(status << HOPFIELD_STATUS_SHIFT) | sweeps`
 * (assembly's STATUS_SHIFT): the status in the high byte, the sweeps in the low 24 bits, so at most
 * HOPFIELD_SWEEPS_MASK = 2²⁴ − 1 sweeps fit.
 */
export const HOPFIELD_STATUS_SHIFT = 24;
export const HOPFIELD_SWEEPS_MASK = 2 ** 24 - 1;

/** Learning-rule codes of assembly/perceptron.ts. */
export const RULE_CODES = { hebbian: 0, perceptron: 1, adatron: 2, alphatron: 3 } as const;
/** Input-sampling codes of assembly/perceptron.ts. */
export const SAMPLING_CODES = { online: 0, replacement: 1, sweep: 2, batch: 2 } as const;
/** Force modes of assembly/perceptron.ts (INPUTS_*): sampled inputs, the thermodynamic-limit average, a whole set. */
export const INPUTS_CODES = { sampled: 0, averaged: 1, batch: 2 } as const;
/** Status codes of assembly/perceptron.ts. */
export const STATUS_DIVERGED = 1;
/** Potential families and schemes of assembly/langevin.ts. */
export const LANGEVIN_KIND = { polynomial: 0, ring: 1 } as const;
export const LANGEVIN_SCHEME = { euler: 0, heun: 1 } as const;
/** Recording modes of assembly/markov.ts `markov_step`. */
export const MARKOV_RECORD = { none: 0, observable: 1, states: 2 } as const;

/** Largest memory the module may grow to (asconfig.json `maximumMemory`: 32768 pages). */
export const MAX_MEMORY_BYTES = 32768 * 65536;
