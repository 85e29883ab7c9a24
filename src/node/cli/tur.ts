/**
 * `thermolearn tur`: the thermodynamic uncertainty relation 2⟨J⟩²/(Var_J·σ) ≤ 1 (Barato & Seifert
 * 2015), exactly, for the 2 × M ladder of the memory paper across γ (the entropy-production current
 * and one rung's current, src/markov/tur.ts) and for the tilted ring across the force (the
 * displacement current, src/langevin/uncertainty.ts), optionally checked against ensembles of the
 * wasm Langevin model (--ensemble N). A table on stdout; --json writes the columns.
 */
import { ladderUncertaintySweep } from "../../markov/tur.js";
import {
  ringTheory,
  ringUncertaintyEnsemble,
  type RingEnsembleUncertainty,
  type RingUncertainty,
} from "../../langevin/uncertainty.js";

/** One force of the ring's table. */
interface RingRow {
  force: number;
  exact: RingUncertainty;
  measured: RingEnsembleUncertainty | null;
}
import { VERSION } from "../../version.js";
import { UsageError, nameFlag, parseFlags, parseList } from "./args.js";
import { checkOutputs, writeJson } from "./output.js";

const NUMBER_FLAGS = ["rungs", "F", "amplitude", "D", "ensemble", "seed"] as const;
const STRING_FLAGS = ["gammas", "forces", "json"] as const;
/** The flag of each library option, for error messages. */
const FLAGS: Record<string, string> = {
  rungs: "--rungs",
  F: "--F",
  amplitude: "--amplitude",
  D: "--D",
  force: "--forces",
  gamma: "--gammas",
  gammas: "--gammas",
  particles: "--ensemble",
  seed: "--seed",
};

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
  const ringParams = { amplitude: num.amplitude ?? 4, D: num.D ?? 1 };
  // Everything is computed before anything is printed, so a bad value ends the command with its flag named.
  let entropy: ReturnType<typeof ladderUncertaintySweep>, rung: typeof entropy, ring: RingRow[];
  try {
    entropy = ladderUncertaintySweep({ ...ladder, gammas, current: "entropy" });
    rung = ladderUncertaintySweep({ ...ladder, gammas, current: "rung" });
    ring = forces.map((force) => ({
      force,
      exact: ringTheory({ ...ringParams, force }),
      measured: ensemble
        ? ringUncertaintyEnsemble({ ...ringParams, force, particles: ensemble, seed: num.seed ?? 0 })
        : null,
    }));
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) throw new UsageError(nameFlag(error.message, FLAGS));
    throw error;
  }
  console.log(
    `Ladder (2 × ${num.rungs ?? 5}, F = ${num.F ?? 25}): TUR ratio 2⟨J⟩²/(Var·σ) ≤ 1, exact (tilted generator)`,
  );
  console.log(`${"γ".padEnd(12)}${"σ (nats/t)".padEnd(12)}${"ratio: σ".padEnd(12)}ratio: rung-0 current`);
  for (let k = 0; k < gammas.length; k++) {
    console.log(
      `${cell(gammas[k])}${cell(entropy.entropyProduction[k])}${cell(entropy.ratio[k])}${cell(rung.ratio[k])}`,
    );
  }
  console.log(
    `\nTilted ring (A = ${ringParams.amplitude}, L = 1, D = ${ringParams.D}): displacement current, exact` +
      (ensemble ? ` and from ${ensemble} trajectories (± standard error)` : ""),
  );
  console.log(`${"f".padEnd(12)}${"v".padEnd(12)}${"D_eff".padEnd(12)}${"σ".padEnd(12)}ratio`);
  for (const { force, exact, measured } of ring) {
    const m = measured ? `   ensemble ${measured.ratio.toFixed(4)} ± ${measured.ratioError.toFixed(4)}` : "";
    const row = `${cell(force)}${cell(exact.velocity)}${cell(exact.diffusion)}${cell(exact.entropyProduction)}`;
    console.log(`${row}${cell(exact.ratio, 0)}${m}`);
  }
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
