/**
 * `thermolearn hopfield-recall`: store K random patterns in a Hopfield network of N spins, corrupt
 * one by flipping a fraction of its bits, and recall it; the states and the energy as JSON and SVG.
 */
import { Hopfield, type HopfieldDynamics, type StorageRule } from "../../hopfield/index.js";
import { concatSpecs, lineChartSpec, renderSvg, spinGridSpec } from "../../plot/index.js";
import { VERSION } from "../../version.js";
import { withFlags } from "./args.js";
import { flagNames, jsonFlag, parseCommand, seedFlag, storageRuleFlag, svgFlag, type CommandSpec } from "./flags.js";
import { jsonSvgOutputs, say, writeJson, writeOutput } from "./output.js";

/** `thermolearn hopfield-recall`. */
export const HOPFIELD_RECALL: CommandSpec = {
  name: "hopfield-recall",
  summary: "store patterns in a Hopfield network, corrupt one, recall it",
  flags: [
    { name: "n", kind: "number", meta: "N", help: "spins", default: 100, option: "n" },
    { name: "k", kind: "number", meta: "K", help: "stored random patterns", default: 10, option: "count" },
    storageRuleFlag(),
    {
      name: "pattern",
      kind: "number",
      meta: "MU",
      help: "the pattern to corrupt and recall",
      default: 0,
      option: "pattern",
    },
    {
      name: "flip",
      kind: "number",
      meta: "F",
      help: "fraction of its bits flipped",
      default: 0.2,
      option: "flipFraction",
    },
    {
      name: "dynamics",
      kind: "string",
      choices: ["async", "sync", "glauber"],
      help: "update dynamics",
      default: "async",
      option: "dynamics",
    },
    {
      name: "temperature",
      kind: "number",
      meta: "T",
      help: "temperature of --dynamics glauber",
      option: "temperature",
    },
    { name: "max-sweeps", kind: "number", meta: "S", help: "most sweeps", default: 100, option: "maxSweeps" },
    seedFlag(),
    jsonFlag("the states and the energy"),
    svgFlag("the states and the energy"),
  ],
};

/** The flag of each option, for error messages. */
const FLAGS = flagNames(HOPFIELD_RECALL);

export async function hopfieldRecallCommand(argv: string[]): Promise<number> {
  const { num, str } = parseCommand(HOPFIELD_RECALL, argv);
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
    say(
      `Hopfield ${c.rule}, N = ${c.n}, K = ${c.k} (K/N = ${(c.k / c.n).toFixed(3)}), pattern ${mu}, ` +
        `${result.flipped} bits flipped, ${dynamics} dynamics`,
    );
    const energy = `energy ${result.energy[0].toFixed(3)} → ${result.energy.at(-1)!.toFixed(3)}`;
    say(
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
        xLabel: "sweep (N spin updates each)",
        yLabel: "energy E (dimensionless)",
        xInteger: true,
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
