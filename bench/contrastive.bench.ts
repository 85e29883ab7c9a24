/**
 * The contrastive-memory hot loops, SIMD build, whole calls with copies in and out.
 *
 * - `contrastiveSuite`: benny, one Fig. 6B weight-update curve (a 10⁴-sample ladder kernel, τ_f = 3,
 *   τ_s = 15, dt = 10⁻⁴: N = 1.8·10⁵ samples, 100 amplitudes), thresholded trapezoids per amplitude
 *   against crossings.
 * - `compareContrastive`: circular convolution side by side with scipy.ndimage.convolve1d(mode='wrap')
 *   (bench/peers/contrastive_scipy.py): N = 10⁴ and 10⁵ samples, a 1000-tap kernel, SciPy alignment,
 *   the direct form against the FFT path; medians of whole calls, copies included, in rounds that
 *   alternate the peer and ours.
 */
import b from "benny";
import { Rng, convolveWrap, ladderKernel, weightUpdateCurve } from "../src/index.js";
import { describeBlas, describeMachine, machine, median, medianMs, type PeerBlas, runPeer } from "./harness.js";

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

export function compareContrastive(seconds = 1, rounds = 3): Record<string, unknown> {
  console.log(`\ncircular convolution vs scipy, 1000 taps, ${rounds} alternating rounds; ${describeMachine()}`);
  const rng = new Rng({ seed: 1 });
  const kernel = rng.normal(1000);
  const sizes = [10_000, 100_000];
  const signals = sizes.map((n) => rng.normal(n));
  rng.dispose();
  // Per round: the peer (both sizes), then ours (FFT and direct at both sizes), so all see the same
  // machine noise; each figure is the median over rounds of that round's median call (medianMs here,
  // peer_common.median_ms there).
  const times = sizes.map(() => ({ fft: [] as number[], direct: [] as number[], scipy: [] as number[] }));
  let out: Record<string, unknown> | null = null;
  for (let r = 0; r < rounds; r++) {
    const stdout = runPeer(
      "contrastive_scipy.py",
      ["--json", "--only", "convolution", "--seconds", String(seconds)],
      r === 0 ? "scipy peer" : null,
    );
    if (stdout !== null) {
      out = JSON.parse(stdout);
      for (const row of out!.convolution as { n: number; ms: number }[])
        times[sizes.indexOf(row.n)]?.scipy.push(row.ms);
    }
    signals.forEach((signal, i) => {
      const time = (method: "direct" | "fft") =>
        medianMs(() => convolveWrap(signal, kernel, { alignment: "scipy", method }), seconds);
      times[i].fft.push(time("fft"));
      times[i].direct.push(time("direct"));
    });
  }
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
  if (out)
    console.log(
      `  scipy ${out.scipy}, numpy ${out.numpy}, ${describeBlas(out.blas as PeerBlas[])}; ` +
        `env ${JSON.stringify(out.env)}`,
    );
  const rows: Record<string, unknown>[] = [];
  sizes.forEach((n, i) => {
    const fft = median(times[i].fft),
      direct = median(times[i].direct);
    const peer = times[i].scipy.length ? median(times[i].scipy) : undefined;
    const fmt = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(", ");
    console.log(
      `  N = ${n}: thermolearn FFT ${fft.toFixed(2)} ms, direct ${direct.toFixed(2)} ms, ` +
        `scipy ${peer?.toFixed(2) ?? "?"} ms${peer ? ` → ${(peer / fft).toFixed(1)}× scipy` : ""}` +
        ` (rounds: FFT ${fmt(times[i].fft)}; direct ${fmt(times[i].direct)}; scipy ${fmt(times[i].scipy)})`,
    );
    rows.push({
      n,
      taps: 1000,
      fftMs: fft,
      directMs: direct,
      scipyMs: peer ?? null,
      ratio: peer ? peer / fft : null,
      directRatio: peer ? peer / direct : null,
      rounds: times[i],
    });
  });
  return { machine: machine(), rows, scipyInfo };
}
