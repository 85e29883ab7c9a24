/**
 * `thermolearn tur`: the thermodynamic uncertainty relation 2⟨J⟩²/(Var_J·σ) ≤ 1 (Barato & Seifert
 * 2015), exactly, for the 2 × M ladder of the memory paper across γ (the entropy-production current
 * and one rung's current, src/markov/tur.ts) and for the tilted ring across the force (the
 * displacement current, src/langevin/uncertainty.ts), optionally checked against ensembles of the
 * wasm Langevin model (--ensemble N). A table on stdout; --json writes the columns.
 */
import { ladderUncertaintySweep } from "../../markov/tur.js";
import { ringTheory, ringUncertaintyEnsemble } from "../../langevin/uncertainty.js";
import { VERSION } from "../../version.js";
import { UsageError, parseFlags, parseList } from "./args.js";
import { checkOutputs, writeJson } from "./output.js";

const NUMBER_FLAGS = ["rungs", "F", "amplitude", "D", "ensemble", "seed"] as const;
const STRING_FLAGS = ["gammas", "forces", "json"] as const;

/** 4 significant digits. */
function cell(x: number, width = 12): string {
  return (x === 0 ? "0" : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? x.toPrecision(4) : x.toExponential(3)).padEnd(
    width,
  );
}

export async function turCommand(argv: string[]): Promise<number> {
  const { num, str } = parseFlags(argv, NUMBER_FLAGS, STRING_FLAGS);
  const gammas = parseList("gammas", str.gammas) ?? [1, 0.1, 0.01];
  const forces = parseList("forces", str.forces) ?? [0.5, 2, 8, 12.57, 20, 50];
  const ensemble = num.ensemble;
  if (ensemble !== undefined && !(Number.isInteger(ensemble) && ensemble >= 2)) {
    throw new UsageError(`--ensemble expects an integer ≥ 2 (trajectories), got ${ensemble}`);
  }
  const json = str.json !== undefined ? { flag: "--json", path: str.json } : undefined;
  checkOutputs([json]);
  const ladder = { rungs: num.rungs, F: num.F };
  const entropy = ladderUncertaintySweep({ ...ladder, gammas, current: "entropy" });
  const rung = ladderUncertaintySweep({ ...ladder, gammas, current: "rung" });
  console.log(
    `Ladder (2 × ${num.rungs ?? 5}, F = ${num.F ?? 25}): TUR ratio 2⟨J⟩²/(Var·σ) ≤ 1, exact (tilted generator)`,
  );
  console.log(`${"γ".padEnd(12)}${"σ (nats/t)".padEnd(12)}${"ratio: σ".padEnd(12)}ratio: rung-0 current`);
  for (let k = 0; k < gammas.length; k++) {
    console.log(
      `${cell(gammas[k])}${cell(entropy.entropyProduction[k])}${cell(entropy.ratio[k])}${cell(rung.ratio[k])}`,
    );
  }
  const ringParams = { amplitude: num.amplitude ?? 4, D: num.D ?? 1 };
  console.log(
    `\nTilted ring (A = ${ringParams.amplitude}, L = 1, D = ${ringParams.D}): displacement current, exact` +
      (ensemble ? ` and from ${ensemble} trajectories (± standard error)` : ""),
  );
  console.log(`${"f".padEnd(12)}${"v".padEnd(12)}${"D_eff".padEnd(12)}${"σ".padEnd(12)}ratio`);
  const ring = forces.map((force) => {
    const exact = ringTheory({ ...ringParams, force });
    const measured = ensemble
      ? ringUncertaintyEnsemble({ ...ringParams, force, particles: ensemble, seed: num.seed ?? 0 })
      : undefined;
    const m = measured ? `   ensemble ${measured.ratio.toFixed(4)} ± ${measured.ratioError.toFixed(4)}` : "";
    console.log(
      `${cell(force)}${cell(exact.velocity)}${cell(exact.diffusion)}${cell(exact.entropyProduction)}${cell(exact.ratio, 0)}${m}`,
    );
    return { force, exact, measured: measured ?? null };
  });
  if (json) {
    const columns = (c: Record<string, Float64Array>) =>
      Object.fromEntries(Object.entries(c).map(([k, v]) => [k, [...v]]));
    writeJson(json, {
      version: VERSION,
      config: { ...ladder, gammas, forces, ...ringParams, ensemble: ensemble ?? null, seed: num.seed ?? 0 },
      ladder: { entropy: columns({ ...entropy }), rung: columns({ ...rung }) },
      ring,
    });
    console.log(`wrote ${json.path}`);
  }
  return 0;
}
