/**
 * The 10-state ladder master equation to 10⁴ time points (5 time units, dt = 5·10⁻⁴) from the s = 0
 * steady state after a step to s = 200 (γ = 0.1, F = 25), against scipy's odeint on the same problem
 * (bench/peers/contrastive_scipy.py: LSODA at its default tolerances, ≈ 575 right-hand sides and dense
 * output, 3e-8 from the exact solution). Ours per call: reset p to the s = 0 steady state, setRates
 * (validates M and recomputes the exact propagator exp(M·dt)), then `trajectory(10⁴)`: 10⁴ mat-vecs,
 * each p recorded and returned as one new 10⁴ × 10 Float64Array (odeint returns the same shape), and
 * again into a reused array (`trajectory(10⁴, out)`), which spares the 800 kB allocation.
 * Rounds alternate odeint and thermolearn so both see the same machine noise; the ratio is of the
 * medians over rounds.
 */
import { MarkovChain, ladderRates } from "../src/index.js";
import { describeBlas, median, medianMs, type PeerBlas, runPeer } from "./harness.js";

export function compareMasterEquation(seconds = 1, rounds = 3): Record<string, unknown> {
  // The chain starts in its steady state.
  const chain = new MarkovChain({ rates: ladderRates({ gamma: 0.1, F: 25, s: 0 }), dt: 5e-4 });
  const p0 = chain.probabilities();
  const M = ladderRates({ gamma: 0.1, F: 25, s: 200 });
  const reused = new Float64Array(10 * 10_000);
  const ours: number[] = [],
    intoOut: number[] = [],
    peers: number[] = [];
  let peerInfo: { scipy: string; blas: PeerBlas[]; env: Record<string, string | null> } | null = null;
  for (let r = 0; r < rounds; r++) {
    const stdout = runPeer(
      "contrastive_scipy.py",
      ["--json", "--only", "master", "--seconds", String(seconds)],
      r === 0 ? "scipy peer" : null,
    );
    if (stdout !== null) {
      const out = JSON.parse(stdout);
      peers.push(out.masterEquation.ms);
      peerInfo = { scipy: out.scipy, blas: out.blas, env: out.env };
    }
    ours.push(
      medianMs(() => {
        chain.setProbabilities(p0);
        chain.setRates(M);
        chain.trajectory(10_000);
      }, seconds / 2),
    );
    intoOut.push(
      medianMs(() => {
        chain.setProbabilities(p0);
        chain.setRates(M);
        chain.trajectory(10_000, reused);
      }, seconds / 2),
    );
  }
  chain.dispose();
  const ms = median(ours),
    outMs = median(intoOut),
    peer = peers.length ? median(peers) : null;
  const fmt = (xs: number[]) => xs.map((x) => x.toFixed(3)).join(", ");
  console.log(
    "  master equation, 10 states, 10⁴ points (exact propagator): " +
      `thermolearn ${ms.toFixed(3)} ms (new array), ${outMs.toFixed(3)} ms (into a reused array); ` +
      `scipy odeint ${peer?.toFixed(3) ?? "?"} ms` +
      `${peer ? ` → ${(peer / ms).toFixed(1)}× odeint (${(peer / outMs).toFixed(1)}× reusing the array)` : ""}`,
  );
  console.log(`    rounds: new array ${fmt(ours)} / reused ${fmt(intoOut)} / odeint ${fmt(peers)} ms`);
  if (peerInfo)
    console.log(`    scipy ${peerInfo.scipy}, ${describeBlas(peerInfo.blas)}; env ${JSON.stringify(peerInfo.env)}`);
  return {
    ms,
    reusedArrayMs: outMs,
    odeintMs: peer,
    ratio: peer ? peer / ms : null,
    ratioReusedArray: peer ? peer / outMs : null,
    rounds: { thermolearn: ours, reusedArray: intoOut, odeint: peers },
    scipyInfo: peerInfo,
  };
}
