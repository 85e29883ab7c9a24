/**
 * Overdamped Langevin dynamics with stochastic energetics (issue #12): an ensemble of 10⁴ particles in
 * the double well V = E x⁴ − 2√(E·B) x² − a x (E = 8, B = 8, a = 0: wells at ±1, barrier 8 k_BT),
 * D = 1, Δt = 10⁻³, Euler–Maruyama, with the work and heat of theory12.md per particle. Each op is
 * step(100) on an ensemble whose state never leaves wasm memory.
 *
 * - `langevinSuite`: benny, SIMD and scalar builds side by side.
 * - `compareLangevin`: side by side with numpy in one run against bench/peers/langevin_numpy.py, for
 *   the constant double well and for a tilt ramp (work every step). Both sides do the same per step:
 *   one Gaussian per particle, the drift from the step's coefficients, the update, and W += W_k
 *   (Σ Δc_m x_k^m) unless the protocol is constant; and per call (≤ 1024 steps) the heat settled by
 *   the first law, Q += ΔW − ΔV (the per-step Q_k telescope). The peer's docstring lists exactly what
 *   it computes and what ours does beyond it (a bound check per step, the table per call). Rounds
 *   alternate wasm SIMD, numpy and wasm scalar so all see the same machine noise; each figure is the
 *   median over rounds of that round's best block, in steps per second of wall time and of CPU time.
 *   Also times 10⁴ Gaussians alone in wasm (one stream, `rng_fill_normal`).
 * - `checkLangevin`: the two sides compute the same physics: from equilibrium, after a relaxation,
 *   ⟨Q⟩, ⟨Q²⟩, ⟨W⟩ over a stretch and ⟨x²⟩, ⟨|x|⟩ at its end, ⟨Q⟩, ⟨x²⟩ of a quench from the
 *   barrier top, and ⟨W⟩, ⟨Q⟩, ⟨x⟩ under a driving protocol, ours and numpy's, agree within their
 *   standard errors, so the speed ratio compares equal work.
 */
import b from "benny";
import type { Backend } from "../src/index.js";
import { LangevinEnsemble } from "../src/langevin/ensemble.js";
import {
  describeBlas,
  describeMachine,
  machine,
  median,
  microseconds,
  type PeerBlas,
  rawWasm,
  runPeer,
} from "./harness.js";

const STEPS_PER_OP = 100;
const N = 10_000;
const QUARTIC = 8,
  BARRIER = 8,
  D = 1,
  DT = 1e-3;
/** Steps of the check's quench from the barrier top (the peer's QUENCH_STEPS). */
const QUENCH_STEPS = 50;
const POTENTIAL = { kind: "doubleWell", quartic: QUARTIC, barrier: BARRIER, tilt: 0 } as const;
/** The check's driven stage (the peer's protocol "drive"): over t = 0.5 the barrier 8 → 2, the tilt 0 → 2. */
const DRIVE = { ...POTENTIAL, barrier: { t: [0, 0.5], value: [8, 2] }, tilt: { t: [0, 0.5], value: [0, 2] } };
const DRIVE_STEPS = 500;

function ensemble(backend: Backend, seed = 1, particles = N): LangevinEnsemble {
  return new LangevinEnsemble({ potential: POTENTIAL, D, dt: DT, particles, scheme: "euler", seed, backend });
}

/** benny: step(100) of the constant double well, SIMD and scalar builds (results in `folder`/langevin.json). */
export async function langevinSuite(folder: string): Promise<void> {
  console.log(
    `Langevin EM step with work and heat, double well E = ${QUARTIC}, B = ${BARRIER}, ${N} particles, ` +
      `${STEPS_PER_OP} steps per op; ${describeMachine()}`,
  );
  const backends: Backend[] = ["simd", "scalar"];
  const sims = backends.map((backend) => ensemble(backend));
  await b.suite(
    "langevin-step",
    ...backends.map((backend, i) =>
      b.add(`double well, ${backend} build (×${STEPS_PER_OP} steps)`, () => {
        sims[i].step(STEPS_PER_OP);
      }),
    ),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) console.log(`  ${r.name}: ${(r.ops * STEPS_PER_OP).toFixed(0)} steps/s`);
    }),
    b.save({ file: "langevin", folder, format: "json" }),
  );
  for (const sim of sims) sim.dispose();
}

/**
 * Runs bench/peers/langevin_numpy.py with `args` in the peers' environment (harness peerEnv: OPENBLAS_CORETYPE
 * and OPENBLAS_L2_SIZE removed; the peer uses no BLAS, but numpy then loads as it does for a user). Returns its
 * parsed JSON, or null (with a warning unless `quiet`) when python3 or numpy is missing or the peer fails.
 */
function runNumpy(args: string[], quiet = false): Record<string, unknown> | null {
  const stdout = runPeer("langevin_numpy.py", ["--json", ...args], quiet ? null : "numpy peer");
  return stdout === null ? null : JSON.parse(stdout);
}

/** The protocols timed: the constant double well, and a tilt ramp a(t) = t/1000 (work every step). */
const PROTOCOLS = {
  constant: POTENTIAL,
  ramp: { ...POTENTIAL, tilt: { t: [0, 1000], value: [0, 1] } },
} as const;
type ProtocolName = keyof typeof PROTOCOLS;

/** Steps per second of wall time and of process CPU time (best block of each). */
interface Rate {
  wall: number;
  cpu: number;
}

/**
 * Best rates over `blocks` blocks of about `seconds`/blocks each, where `chunk()` returns the steps
 * it took: per second of wall time, and per second of this process's CPU time (process.cpuUsage),
 * which does not count time the scheduler gave to other processes (most of the noise on a shared
 * 2-core machine; V8's helper threads are idle during a wasm loop).
 */
function rates(chunk: () => number, seconds: number, blocks = 5): Rate {
  let wall = 0,
    cpu = 0;
  for (let k = 0; k < blocks; k++) {
    let units = 0;
    const t0 = performance.now(),
      c0 = process.cpuUsage();
    while (performance.now() - t0 < (1000 * seconds) / blocks) units += chunk();
    const c = process.cpuUsage(c0);
    wall = Math.max(wall, units / ((performance.now() - t0) / 1000));
    cpu = Math.max(cpu, units / ((c.user + c.system) / 1e6));
  }
  return { wall, cpu };
}

function wasmRate(backend: Backend, protocol: ProtocolName, seconds: number): Rate {
  const sim = new LangevinEnsemble({ potential: PROTOCOLS[protocol], D, dt: DT, particles: N, seed: 1, backend });
  sim.step(200); // warm-up
  const rate = rates(() => sim.step(STEPS_PER_OP), seconds);
  if (sim.status !== "running") throw new Error(`langevin bench ensemble ${sim.status}`);
  sim.dispose();
  return rate;
}

interface NumpyRun {
  /** Best block's rates per variant. */
  rates: Record<string, Rate>;
  info: Record<string, unknown>;
}

function numpyRate(protocol: ProtocolName, seconds: number, quiet: boolean): NumpyRun | null {
  const out = runNumpy(["--n", String(N), "--seconds", String(seconds), "--protocol", protocol], quiet);
  if (out === null) return null;
  const result: Record<string, Rate> = {};
  for (const [name, v] of Object.entries(out.variants as Record<string, { blocks: number[]; cpu_blocks: number[] }>))
    result[name] = { wall: Math.max(...v.blocks), cpu: Math.max(...v.cpu_blocks) };
  const { variants: _v, ...info } = out;
  return { rates: result, info };
}

/** Microseconds for N standard normals from one wasm stream (the ziggurat of assembly/rng.ts). */
function normalsMicroseconds(backend: Backend): number {
  const wasm = rawWasm("bench", backend);
  const e = wasm.exports;
  const rng = e.rng_create(0, 1),
    out = wasm.alloc(8 * N, "out");
  const us = microseconds(() => e.rng_fill_normal(rng, out, N), 300);
  wasm.dispose();
  return us;
}

/** The comparison for one protocol: rounds alternate wasm SIMD, numpy, wasm scalar. */
function compareProtocol(protocol: ProtocolName, rounds: number, seconds: number): Record<string, unknown> {
  console.log(`  protocol ${protocol}${protocol === "ramp" ? " (tilt a(t) = t/1000: W_k every step)" : ""}:`);
  const runs: Record<string, Rate[]> = { "thermolearn wasm, SIMD build": [], "thermolearn wasm, scalar build": [] };
  let info: Record<string, unknown> | null = null;
  for (let r = 0; r < rounds; r++) {
    runs["thermolearn wasm, SIMD build"].push(wasmRate("simd", protocol, seconds));
    const np = numpyRate(protocol, seconds, r > 0);
    if (np) {
      info = np.info;
      for (const [name, v] of Object.entries(np.rates)) (runs[`numpy ${name}`] ??= []).push(v);
    }
    runs["thermolearn wasm, scalar build"].push(wasmRate("scalar", protocol, seconds));
  }
  const med = (name: string, key: keyof Rate) => median(runs[name].map((v) => v[key]));
  const numpyNames = Object.keys(runs).filter((name) => name.startsWith("numpy"));
  const best = (key: keyof Rate) => Math.max(0, ...numpyNames.map((name) => med(name, key)));
  const simd = { wall: med("thermolearn wasm, SIMD build", "wall"), cpu: med("thermolearn wasm, SIMD build", "cpu") };
  const rows: Record<string, Rate> = {};
  for (const name of Object.keys(runs)) {
    const v = { wall: med(name, "wall"), cpu: med(name, "cpu") };
    rows[name] = v;
    const ratio = best("wall") > 0 ? `   SIMD ${(simd.wall / v.wall).toFixed(2)}× this` : "";
    console.log(
      `    ${name.padEnd(32)} ${v.wall.toFixed(0).padStart(6)} steps/s (${(v.wall * N).toExponential(2)} ` +
        `particle-steps/s; per CPU second ${v.cpu.toFixed(0)})${ratio}`,
    );
  }
  const ratio = best("wall") > 0 ? simd.wall / best("wall") : null;
  const ratioCpu = best("cpu") > 0 ? simd.cpu / best("cpu") : null;
  const scalarRatio = best("wall") > 0 ? rows["thermolearn wasm, scalar build"].wall / best("wall") : null;
  if (ratio !== null && ratioCpu !== null && scalarRatio !== null) {
    console.log(
      `    SIMD build / fastest numpy: ${ratio.toFixed(2)}× (wall), ${ratioCpu.toFixed(2)}× (CPU time); ` +
        `scalar build ${scalarRatio.toFixed(2)}× (wall); target ≥ 5×`,
    );
  }
  if (info)
    console.log(`    numpy ${info.numpy}, ${describeBlas(info.blas as PeerBlas[])}; env ${JSON.stringify(info.env)}`);
  return {
    potential: PROTOCOLS[protocol],
    rounds: runs,
    median: rows,
    ratioSimdToFastestNumpy: ratio,
    ratioSimdToFastestNumpyCpu: ratioCpu,
    ratioScalarToFastestNumpy: scalarRatio,
    numpyInfo: info,
  };
}

/**
 * Side by side with numpy: both protocols, `rounds` rounds of `seconds` per implementation each.
 * Each figure is the median over rounds of that round's best block; the ratio is the SIMD build's
 * over the faster numpy variant's.
 */
export function compareLangevin(rounds = 3, seconds = 2): Record<string, unknown> {
  console.log(
    `\nLangevin EM step with W and Q vs numpy: ${N} particles, double well E = ${QUARTIC}, B = ${BARRIER}, ` +
      `D = ${D}, dt = ${DT}, f64, ${STEPS_PER_OP} steps per call; ${rounds} rounds of ${seconds} s each`,
  );
  console.log(describeMachine());
  const constant = compareProtocol("constant", rounds, seconds);
  const ramp = compareProtocol("ramp", rounds, seconds);
  const normals = { simd: normalsMicroseconds("simd"), scalar: normalsMicroseconds("scalar") };
  const simdWall = (constant.median as Record<string, Rate>)["thermolearn wasm, SIMD build"].wall;
  const stepUs = 1e6 / simdWall;
  console.log(
    `  one SIMD step (constant protocol): ${stepUs.toFixed(1)} µs; ${N} Gaussians alone from one wasm stream: ` +
      `${normals.simd.toFixed(1)} µs (SIMD build), ${normals.scalar.toFixed(1)} µs (scalar)`,
  );
  return {
    machine: machine(),
    particles: N,
    D,
    dt: DT,
    stepsPerCall: STEPS_PER_OP,
    seconds,
    constant,
    ramp,
    normalsMicroseconds: normals,
  };
}

/** Mean and standard error of the mean. */
function meanSe(v: ArrayLike<number>): { mean: number; se: number } {
  const n = v.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += v[i];
  const mean = s / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (v[i] - mean) ** 2;
  return { mean, se: Math.sqrt(ss / (n - 1) / n) };
}

/** ⟨x²⟩ and ⟨|x|⟩ of the Boltzmann density e^{−V/D} by the trapezoid rule on a fine grid (reference). */
function boltzmannMoments(): { x2: number; absX: number } {
  const b2 = 2 * Math.sqrt(QUARTIC * BARRIER);
  const vmin = -(b2 * b2) / (4 * QUARTIC);
  let z = 0,
    m2 = 0,
    m1 = 0;
  const cells = 200_000,
    lo = -3,
    h = 6 / cells;
  for (let i = 0; i <= cells; i++) {
    const x = lo + i * h;
    const w = (i === 0 || i === cells ? 0.5 : 1) * Math.exp(-(QUARTIC * x ** 4 - b2 * x * x - vmin) / D);
    z += w;
    m2 += w * x * x;
    m1 += w * Math.abs(x);
  }
  return { x2: m2 / z, absX: m1 / z };
}

/**
 * Same physics on both sides: 10⁴ particles from the Boltzmann density, `relax` steps discarded (the
 * Euler–Maruyama stationary density differs from e^{−V/D} by O(Δt); both sides share that bias, the
 * exact Boltzmann values are printed beside), then `steps` steps over which the heat and work are
 * measured, and x², |x| at the end. Each observable's two means must differ by less than
 * `zLimit` combined standard errors: the ensembles are independent, so the difference is normal with
 * that standard deviation (10⁴ particles: the central limit theorem holds to far better than the
 * limit's width) and 4 standard deviations are exceeded with probability 6·10⁻⁵ per observable.
 * W is exactly 0 on both sides for the constant protocol (neither computes it; the standard error is
 * 0, so the means must be equal). Then a
 * quench: all particles from the barrier top x = 0 for 50 steps (t = 0.05, mid-way down: ⟨Q⟩ ≈ 3.6,
 * ⟨x²⟩ ≈ 0.32); both still depend on D, Δt and the force, so they catch a mismatch that the
 * equilibrium means cannot (there ⟨Q⟩ ≈ 0 whatever the dynamics). Seen here: numpy with Δt 5 %
 * larger gives |z| ≈ 9 on the quench's ⟨x²⟩, with D 10 % larger |z| ≈ 7 on ⟨Q²⟩. Last a driven
 * stretch: from equilibrium, over t = 0.5 the barrier lowered 8 → 2 and the tilt raised 0 → 2, so
 * W_k is computed every step on both sides (the time-dependent path of the kernel) and ⟨W⟩, ⟨Q⟩, ⟨x⟩
 * are far from 0.
 * `peerArgs` go to the peer after the defaults (e.g. ["--D", "1.1"]: the check must then fail).
 */
export function checkLangevin(
  relax = 2000,
  steps = 5000,
  zLimit = 4,
  peerArgs: string[] = [],
): Record<string, unknown> {
  console.log(
    `\nLangevin same-physics check: ${N} particles from equilibrium, ${relax} steps relaxed, ${steps} measured`,
  );
  const sim = ensemble("simd", 7);
  sim.step(relax);
  const q0 = sim.heat(),
    w0 = sim.work();
  sim.step(steps);
  const q = sim.heat(),
    w = sim.work(),
    x = sim.positions();
  for (let i = 0; i < N; i++) {
    q[i] -= q0[i];
    w[i] -= w0[i];
  }
  const ours: Record<string, { mean: number; se: number }> = {
    heat: meanSe(q),
    heat2: meanSe(q.map((v) => v * v)),
    work: meanSe(w),
    x2: meanSe(x.map((v) => v * v)),
    absX: meanSe(x.map(Math.abs)),
  };
  let status = sim.status;
  sim.dispose();
  // The quench: every particle from the barrier top x = 0 for QUENCH_STEPS steps (t = 0.05).
  const quench = new LangevinEnsemble({
    potential: POTENTIAL,
    D,
    dt: DT,
    particles: N,
    initial: new Float64Array(N),
    seed: 8,
    backend: "simd",
  });
  quench.step(QUENCH_STEPS);
  ours.quenchHeat = meanSe(quench.heat());
  ours.quenchX2 = meanSe(quench.positions().map((v) => v * v));
  if (quench.status !== "running") status = quench.status;
  quench.dispose();
  // Driven: from equilibrium, the barrier lowered and the tilt raised over t = 0.5 (the peer's "drive").
  const drive = new LangevinEnsemble({ potential: DRIVE, D, dt: DT, particles: N, seed: 9, backend: "simd" });
  drive.step(DRIVE_STEPS);
  ours.driveWork = meanSe(drive.work());
  ours.driveHeat = meanSe(drive.heat());
  ours.driveX = meanSe(drive.positions());
  if (drive.status !== "running") status = drive.status;
  drive.dispose();
  const peer = runNumpy(["--check", "--n", String(N), "--relax", String(relax), "--steps", String(steps), ...peerArgs]);
  const exact = boltzmannMoments();
  const rows: Record<string, unknown> = {};
  let agree = status === "running";
  for (const key of Object.keys(ours)) {
    const a = ours[key],
      p = peer ? (peer[key] as { mean: number; se: number }) : null;
    const se = p ? Math.hypot(a.se, p.se) : Number.NaN;
    const z = p ? (se > 0 ? Math.abs(a.mean - p.mean) / se : a.mean === p.mean ? 0 : Infinity) : Number.NaN;
    const ok = p !== null && z < zLimit;
    agree &&= ok;
    const ref = key in exact ? `  (Boltzmann ${exact[key as keyof typeof exact].toFixed(4)})` : "";
    console.log(
      `  ${key.padEnd(10)} thermolearn ${a.mean.toFixed(4)} ± ${a.se.toFixed(4)}   numpy ` +
        `${p ? `${p.mean.toFixed(4)} ± ${p.se.toFixed(4)}` : "unavailable"}   |z| ${z.toFixed(2)}${ref}`,
    );
    rows[key] = { thermolearn: a, numpy: p, z };
  }
  const verdict = peer === null ? "NOT CHECKED (numpy unavailable)" : agree ? "agree" : "DISAGREE";
  console.log(`  ${verdict} (|z| < ${zLimit} for every observable; ensembles ${status})`);
  return { relax, steps, particles: N, zLimit, observables: rows, boltzmann: exact, agree, status };
}
