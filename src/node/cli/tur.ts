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
import { UsageError, nameFlag } from "./args.js";
import { flagNames, jsonFlag, parseCommand, seedFlag, type CommandSpec } from "./flags.js";
import { checkOutputs, say, writeJson } from "./output.js";

/** `thermolearn tur`. */
export const TUR: CommandSpec = {
  name: "tur",
  summary: "thermodynamic uncertainty relation: ladder across γ, tilted ring across f",
  flags: [
    {
      name: "gammas",
      kind: "list",
      help: "the ladder's non-equilibrium factors γ (1: detailed balance)",
      default: "1,0.1,0.01",
      option: "gamma",
    },
    { name: "rungs", kind: "number", meta: "M", help: "rungs of the ladder", default: 5, option: "rungs" },
    {
      name: "F",
      kind: "number",
      meta: "F",
      help: "the ladder's vertical rate factor",
      unit: "1/time",
      default: 25,
      option: "F",
    },
    {
      name: "forces",
      kind: "list",
      help: "the ring's forces f",
      unit: "k_BT/L",
      default: "0.5,2,8,12.57,20,50",
      option: "force",
    },
    {
      name: "amplitude",
      kind: "number",
      meta: "A",
      help: "the ring's potential amplitude",
      unit: "k_BT",
      default: 4,
      option: "amplitude",
    },
    { name: "D", kind: "number", meta: "D", help: "the ring's diffusion constant", default: 1, option: "D" },
    {
      name: "ensemble",
      kind: "number",
      meta: "N",
      help: "also measure the ring from N Langevin trajectories (≥ 2)",
      option: "particles",
    },
    seedFlag("seed of the --ensemble trajectories"),
    jsonFlag("the columns"),
  ],
  names: { gammas: "--gammas" },
};

/** The flag of each library option, for error messages. */
const FLAGS = flagNames(TUR);

/** 4 significant digits. */
function cell(x: number, width = 12): string {
  return (x === 0 ? "0" : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? x.toPrecision(4) : x.toExponential(3)).padEnd(
    width,
  );
}

export async function turCommand(argv: string[]): Promise<number> {
  const { num, str, list } = parseCommand(TUR, argv);
  const gammas = list.gammas ?? [1, 0.1, 0.01];
  const forces = list.forces ?? [0.5, 2, 8, 12.57, 20, 50];
  const ensemble = num.ensemble;
  if (ensemble !== undefined && !(Number.isInteger(ensemble) && ensemble >= 2)) {
    throw new UsageError(`--ensemble expects an integer ≥ 2 (trajectories), got ${ensemble}`);
  }
  const json = str.json !== undefined ? { flag: "--json", path: str.json, stdout: true } : undefined;
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
  say(`Ladder (2 × ${num.rungs ?? 5}, F = ${num.F ?? 25}): TUR ratio 2⟨J⟩²/(Var·σ) ≤ 1, exact (tilted generator)`);
  say(`${"γ".padEnd(12)}${"σ (nats/t)".padEnd(12)}${"ratio: σ".padEnd(12)}ratio: rung-0 current`);
  for (let k = 0; k < gammas.length; k++) {
    say(`${cell(gammas[k])}${cell(entropy.entropyProduction[k])}${cell(entropy.ratio[k])}${cell(rung.ratio[k])}`);
  }
  say(
    `\nTilted ring (A = ${ringParams.amplitude}, L = 1, D = ${ringParams.D}): displacement current, exact` +
      (ensemble ? ` and from ${ensemble} trajectories (± standard error)` : ""),
  );
  say(`${"f".padEnd(12)}${"v".padEnd(12)}${"D_eff".padEnd(12)}${"σ".padEnd(12)}ratio`);
  for (const { force, exact, measured } of ring) {
    const m = measured ? `   ensemble ${measured.ratio.toFixed(4)} ± ${measured.ratioError.toFixed(4)}` : "";
    const row = `${cell(force)}${cell(exact.velocity)}${cell(exact.diffusion)}${cell(exact.entropyProduction)}`;
    say(`${row}${cell(exact.ratio, 0)}${m}`);
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
  }
  return 0;
}
