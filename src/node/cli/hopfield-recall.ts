/**
 * `thermolearn hopfield-recall`: store K random patterns in a Hopfield network of N spins, corrupt
 * one by flipping a fraction of its bits, and recall it; the states and the energy as JSON and SVG.
 */
import { Hopfield, type HopfieldDynamics, type StorageRule } from "../../hopfield/index.js";
import { concatSpecs, lineChartSpec, renderSvg, spinGridSpec } from "../../plot/index.js";
import { VERSION } from "../../version.js";
import { parseFlags, withFlags } from "./args.js";
import { jsonSvgOutputs, writeJson, writeOutput } from "./output.js";

/** The flag of each option, for error messages. */
const FLAGS = {
  n: "--n",
  count: "--k",
  rule: "--rule",
  pattern: "--pattern",
  flipFraction: "--flip",
  dynamics: "--dynamics",
  temperature: "--temperature",
  maxSweeps: "--max-sweeps",
  seed: "--seed",
};

export async function hopfieldRecallCommand(argv: string[]): Promise<number> {
  const { num, str } = parseFlags(
    argv,
    ["n", "k", "pattern", "flip", "temperature", "max-sweeps", "seed"],
    ["rule", "dynamics", "json", "svg"],
  );
  const { json, svg } = await jsonSvgOutputs(str);
  const options = {
    n: num.n ?? 100,
    count: num.k ?? 10,
    rule: (str.rule ?? "hebbian") as StorageRule,
    seed: num.seed ?? 0,
  };
  const net = withFlags(FLAGS, () => new Hopfield(options));
  try {
    const mu = num.pattern ?? 0;
    const flipFraction = num.flip ?? 0.2;
    const dynamics = (str.dynamics ?? "async") as HopfieldDynamics;
    const maxSweeps = num["max-sweeps"] ?? 100;
    const result = withFlags(FLAGS, () =>
      net.recall(mu, {
        flipFraction,
        dynamics,
        maxSweeps,
        ...(num.temperature !== undefined ? { temperature: num.temperature } : {}),
      }),
    );
    const c = net.config;
    console.log(
      `Hopfield ${c.rule}, N = ${c.n}, K = ${c.k} (K/N = ${(c.k / c.n).toFixed(3)}), pattern ${mu}, ` +
        `${result.flipped} bits flipped, ${dynamics} dynamics`,
    );
    const energy = `energy ${result.energy[0].toFixed(3)} → ${result.energy.at(-1)!.toFixed(3)}`;
    console.log(
      `overlap ${result.initialOverlap.toFixed(3)} → ${result.finalOverlap.toFixed(3)}, Hamming distance ` +
        `${result.hamming}, ${result.status} after ${result.sweeps} sweeps, ${energy}: ` +
        `${result.success ? "recalled" : "not recalled"}`,
    );
    if (json) {
      writeJson(json, {
        version: VERSION,
        config: { ...c, pattern: mu, flipFraction, dynamics, maxSweeps, temperature: num.temperature ?? null },
        status: result.status,
        sweeps: result.sweeps,
        success: result.success,
        flipped: result.flipped,
        hamming: result.hamming,
        initialOverlap: result.initialOverlap,
        finalOverlap: result.finalOverlap,
        energy: result.energy,
        pattern: net.pattern(mu),
        corrupted: result.corrupted,
        final: result.final,
      });
    }
    if (svg) {
      const grids = [
        spinGridSpec({ title: `pattern ${mu}`, spins: net.pattern(mu) }),
        spinGridSpec({ title: `corrupted (${result.flipped} flips)`, spins: result.corrupted }),
        spinGridSpec({ title: result.success ? "recalled" : "final state", spins: result.final }),
      ];
      const sweeps = Array.from(result.energy, (_, i) => i);
      const energyChart = lineChartSpec({
        title: "energy",
        xLabel: "sweep",
        yLabel: "E",
        width: 320,
        height: 180,
        series: [{ name: "E", x: sweeps, y: result.energy }],
      });
      const title = `Hopfield recall, ${c.rule}, N = ${c.n}, K = ${c.k}`;
      const spec = concatSpecs({ title, specs: [concatSpecs({ specs: grids }), energyChart], direction: "vertical" });
      writeOutput(svg, await renderSvg(spec));
    }
    return 0;
  } finally {
    net.dispose();
  }
}
