/**
 * `thermolearn hopfield-capacity`: the capacity sweep over loads K/N (unstable stored bits, retrieval
 * overlap, perfect recall), measured against the signal-to-noise predictions; a table, JSON and SVG.
 */
import {
  loadRange,
  resolveCapacityConfig,
  runHopfieldCapacityAsync,
  type CapacityProgress,
  type CapacityResult,
  type StorageRule,
} from "../../hopfield/index.js";
import { concatSpecs, lineChartSpec, renderSvg } from "../../plot/index.js";
import { UsageError, parseList, parseNumber, usageError, withFlags } from "./args.js";
import { flagNames, jsonFlag, parseCommand, seedFlag, storageRuleFlag, svgFlag, type CommandSpec } from "./flags.js";
import { jsonSvgOutputs, say, writeJson, writeOutput } from "./output.js";
import { EXIT_INTERRUPTED, interruptOnSigint, progressBar } from "./terminal.js";

/** `thermolearn hopfield-capacity`. */
export const HOPFIELD_CAPACITY: CommandSpec = {
  name: "hopfield-capacity",
  summary: "Hopfield capacity sweep over loads K/N, against the predictions",
  flags: [
    { name: "n", kind: "number", meta: "N", help: "spins", default: 1000, option: "n" },
    storageRuleFlag(),
    { name: "trials", kind: "number", meta: "T", help: "networks per load", default: 20, option: "trials" },
    {
      name: "loads",
      kind: "string",
      meta: "LIST|A:B:STEP",
      help: "loads K/N: 0.05,0.1 or an inclusive range start:stop:step",
      default: "0.01:0.2:0.01",
      option: "loads",
    },
    {
      name: "dynamics",
      kind: "string",
      choices: ["async", "sync"],
      help: "recall dynamics",
      default: "async",
      option: "dynamics",
    },
    {
      name: "max-sweeps",
      kind: "number",
      meta: "S",
      help: "most sweeps of a recall",
      default: 50,
      option: "maxSweeps",
    },
    {
      name: "recall-patterns",
      kind: "number",
      meta: "P",
      help: "patterns recalled per network",
      default: 10,
      option: "recallPatterns",
    },
    seedFlag(),
    jsonFlag(),
    svgFlag("unstable bits and the retrieval overlap"),
  ],
  notes: ['Ctrl-C keeps the loads whose trials all finished (status "aborted", exit 130).'],
};

/** The flag of each option, for error messages. */
const FLAGS = flagNames(HOPFIELD_CAPACITY);

/** A comma list "0.05,0.1" or an inclusive range "start:stop:step". */
function parseLoads(text: string): number[] {
  if (text.includes(":")) {
    const parts = text.split(":").map((p, i) => parseNumber(`loads (part ${i + 1})`, p));
    if (parts.length !== 3) throw new UsageError(`--loads range must be start:stop:step, got "${text}"`);
    try {
      return loadRange(parts[0], parts[1], parts[2]);
    } catch (error) {
      throw new UsageError(`--loads: ${(error as Error).message}`);
    }
  }
  return parseList("loads", text);
}

/** The table's header: the exact finite-N column only when the result has it. */
function tableHeader(result: CapacityResult): string {
  const exact = result.exactUnstable ? "exact (finite N)".padEnd(18) : "";
  return (
    `${"K/N".padEnd(7)}${"K".padEnd(6)}${"unstable bits".padEnd(24)}${"Φ(−√(N/K))".padEnd(12)}${exact}` +
    `${"overlap".padEnd(16)}all stable`
  );
}

/** The table's row of load i. */
function tableRow(result: CapacityResult, i: number): string {
  const unstable = `${result.unstableFraction[i].toExponential(3)} ± ${result.unstableStdError[i].toExponential(1)}`;
  const exact = result.exactUnstable ? result.exactUnstable[i].toExponential(3).padEnd(18) : "";
  const overlap = `${result.retrievalOverlap[i].toFixed(3)} ± ${result.retrievalStdError[i].toFixed(3)}`;
  return (
    `${String(result.loads[i]).padEnd(7)}${String(result.k[i]).padEnd(6)}${unstable.padEnd(24)}` +
    `${result.predictedUnstable[i].toExponential(3).padEnd(12)}${exact}${overlap.padEnd(16)}` +
    `${result.perfectRecallFraction[i].toFixed(2)}`
  );
}

/** The two panels: unstable bits (measured and predicted, log scale) and the retrieval overlap. */
function capacityChart(result: CapacityResult): object {
  const c = result.config;
  // Predictions far below one unstable bit in the whole experiment cannot be compared: not drawn.
  const floor = (values: ArrayLike<number>) =>
    Array.from(values, (v, i) => (v * result.k[i] * c.n * c.trials >= 0.1 ? v : Number.NaN));
  const unstable = lineChartSpec({
    title: "unstable stored bits",
    xLabel: "load K/N (patterns per neuron)",
    yLabel: "unstable stored bits (fraction)",
    yScale: "log",
    width: 360,
    height: 260,
    series: [
      { name: "measured", x: result.loads, y: result.unstableFraction },
      { name: "Φ(−√(N/K))", x: result.loads, y: floor(result.predictedUnstable) },
      ...(result.exactUnstable ? [{ name: "exact, finite N", x: result.loads, y: floor(result.exactUnstable) }] : []),
    ],
  });
  const overlap = lineChartSpec({
    title: "retrieval overlap",
    xLabel: "load K/N (patterns per neuron)",
    yLabel: "final overlap m (1 = perfect recall)",
    width: 360,
    height: 260,
    series: [{ name: "measured", x: result.loads, y: result.retrievalOverlap }],
  });
  return concatSpecs({ title: `Hopfield capacity, ${c.rule}, N = ${c.n}`, specs: [unstable, overlap] });
}

export async function hopfieldCapacityCommand(argv: string[]): Promise<number> {
  const { num, str } = parseCommand(HOPFIELD_CAPACITY, argv);
  const loads = str.loads !== undefined ? parseLoads(str.loads) : undefined;
  const options = {
    n: num.n,
    rule: str.rule as StorageRule | undefined,
    loads,
    trials: num.trials,
    seed: num.seed,
    dynamics: str.dynamics as "sync" | "async" | undefined,
    maxSweeps: num["max-sweeps"],
    recallPatterns: num["recall-patterns"],
  };
  withFlags(FLAGS, () => resolveCapacityConfig(options));
  const { json, svg } = await jsonSvgOutputs(str);
  const bar = progressBar("hopfield-capacity");
  const sigint = interruptOnSigint();
  const onProgress = (p: CapacityProgress) => bar.update(p.fraction, `K/N = ${p.load}`);
  const result = await runHopfieldCapacityAsync({ ...options, signal: sigint.signal, onProgress })
    .catch((error) => {
      throw usageError(FLAGS, error);
    })
    .finally(() => {
      sigint.release();
      bar.done();
    });
  const c = result.config;
  say(
    `Hopfield capacity, ${c.rule}, N = ${c.n}, ${c.trials} networks per load, ${c.dynamics} recall from ` +
      `stored patterns, ${(result.elapsedMs / 1000).toFixed(1)} s`,
  );
  say(tableHeader(result));
  for (let i = 0; i < result.loads.length; i++) say(tableRow(result, i));
  say(
    `largest K with every pattern stable in ≥ half the networks: ${result.perfectRecallK ?? "none measured"} ` +
      `(prediction ${result.predictedPerfectRecallK.toFixed(1)})`,
  );
  if (json) writeJson(json, result);
  if (svg) writeOutput(svg, await renderSvg(capacityChart(result)));
  if (result.status === "aborted") {
    console.error(
      `thermolearn: interrupted; the ${result.loads.length} loads whose trials all finished were kept ` +
        `(status "aborted")`,
    );
    return EXIT_INTERRUPTED;
  }
  return 0;
}
