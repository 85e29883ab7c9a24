/**
 * The contrastive-memory hot loops, SIMD build, whole calls with copies in and out.
 *
 * - `contrastiveSuite`: benny, one Fig. 6B weight-update curve (a 10⁴-sample ladder kernel, τ_f = 3,
 *   τ_s = 15, dt = 10⁻⁴: N = 1.8·10⁵ samples, 100 amplitudes), thresholded trapezoids per amplitude
 *   against crossings.
 * - `compareContrastive`: circular convolution side by side with scipy.ndimage.convolve1d(mode='wrap')
 *   (bench/peers/contrastive_scipy.py): N = 10⁴ and 10⁵ samples, a 1000-tap kernel, SciPy alignment,
 *   the direct form against the FFT path; medians of whole calls, copies included.
 */
import b from "benny";
import { Rng, convolveWrap, ladderKernel, weightUpdateCurve } from "../src/index.js";
import { describeMachine, machine, medianMs, runPeer } from "./harness.js";

export async function contrastiveSuite(folder: string): Promise<void> {
  console.log(`Fig. 6B weight-update curve; ${describeMachine()}`);
  const ladder = ladderKernel({ gamma: 0.01, F: 30, s1: 100 });
  const amplitudes = Array.from({ length: 100 }, (_, i) => (50 * i) / 99);
  const curve = {
    kernel: ladder.kernel,
    dt: ladder.kernel.dt,
    tauFast: 3,
    tauSlow: 15,
    mean: 10,
    theta: Math.abs(-50 / 15 + ladder.moments.area * 35),
    amplitudes,
    backend: "simd" as const,
  };
  await b.suite(
    "contrastive-weight-update",
    b.add("Fig. 6B curve, direct (100 passes)", () => {
      weightUpdateCurve({ ...curve, method: "direct" });
    }),
    b.add("Fig. 6B curve, crossings (1 pass)", () => {
      weightUpdateCurve({ ...curve, method: "crossings" });
    }),
    b.cycle(),
    b.complete((summary) => {
      for (const r of summary.results) console.log(`  ${r.name}: ${(1000 / r.ops).toFixed(3)} ms`);
    }),
    b.save({ file: "contrastive-weight-update", folder, format: "json" }),
  );
}

export function compareContrastive(seconds = 1): Record<string, unknown> {
  console.log(`\ncircular convolution vs scipy, 1000 taps; ${describeMachine()}`);
  const stdout = runPeer(
    "contrastive_scipy.py",
    ["--json", "--only", "convolution", "--seconds", String(seconds)],
    "scipy peer",
  );
  const out = stdout === null ? null : JSON.parse(stdout);
  const scipyRows: { n: number; ms: number }[] = out?.convolution ?? [];
  // The peer's versions, BLAS, CPU count and environment (bench/peers/peer_common.py), as the numpy
  // comparisons record theirs.
  const scipyInfo = out && {
    scipy: out.scipy,
    numpy: out.numpy,
    python: out.python,
    blas: out.blas,
    threads: out.threads,
    cpus: out.cpus,
    env: out.env,
  };
  const rng = new Rng({ seed: 1 });
  const kernel = rng.normal(1000);
  const rows: Record<string, unknown>[] = [];
  for (const n of [10_000, 100_000]) {
    const signal = rng.normal(n);
    const time = (method: "direct" | "fft") =>
      medianMs(() => convolveWrap(signal, kernel, { alignment: "scipy", method }), seconds);
    const fft = time("fft"),
      direct = time("direct");
    const peer = scipyRows.find((r) => r.n === n)?.ms;
    console.log(
      `  N = ${n}: thermolearn FFT ${fft.toFixed(2)} ms, direct ${direct.toFixed(2)} ms, ` +
        `scipy ${peer?.toFixed(2) ?? "?"} ms${peer ? ` → ${(peer / fft).toFixed(1)}× scipy` : ""}`,
    );
    rows.push({ n, taps: 1000, fftMs: fft, directMs: direct, scipyMs: peer ?? null, ratio: peer ? peer / fft : null });
  }
  rng.dispose();
  return { machine: machine(), rows, scipyInfo };
}
