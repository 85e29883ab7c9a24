/**
 * `npm run bench`: the benny suites (results/bench/*.json) and the side-by-side comparisons with the
 * Python peers in bench/peers/ (results/bench/compare.json, results/bench/eqprop-compare.json). One
 * file per model holds its suite and its comparison; bench/harness.ts the timers and the machine.
 * Flags: --quick (fewer rounds), --only compare|suites|eqprop|langevin|<suite> (eqprop, langevin: its
 * suite and its comparison only; <suite>: one benny suite, e.g. --only rng).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { preload } from "../src/core/loader.js";
import { contrastiveSuite, compareContrastive } from "./contrastive.bench.js";
import { compareEqProp, eqpropSuite } from "./eqprop.bench.js";
import { compareHopfield, hopfieldSuite } from "./hopfield.bench.js";
import { checkLangevin, compareLangevin, langevinSuite } from "./langevin.bench.js";
import { compareMasterEquation } from "./markov.bench.js";
import { comparePerceptron, perceptronSuite } from "./perceptron.bench.js";
import { rngSuite } from "./rng.bench.js";
import { simdSuite } from "./simd.bench.js";

const folder = "results/bench";
mkdirSync(folder, { recursive: true });
// The scalar build is a module of its own, loaded asynchronously: the suites build scalar twins synchronously.
await preload("scalar");
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;

/** The benny suites in the order they run; `--only <name>` runs one. */
const suites: Record<string, (folder: string) => Promise<void>> = {
  perceptron: perceptronSuite,
  rng: rngSuite,
  simd: simdSuite,
  hopfield: hopfieldSuite,
  contrastive: contrastiveSuite,
  eqprop: eqpropSuite,
  langevin: langevinSuite,
};

if (only !== undefined && only !== "eqprop" && only !== "langevin" && only in suites) {
  await suites[only](folder);
  process.exit(0);
}

if (only === "eqprop") {
  await eqpropSuite(folder);
  await writeEqProp();
  process.exit(0);
}

if (only === "langevin") {
  await langevinSuite(folder);
  writeLangevin();
  process.exit(0);
}

/** The Langevin comparison with numpy and its same-physics check (results/bench/langevin-compare.json). */
function writeLangevin(): void {
  const compare = compareLangevin(quick ? 1 : 3, quick ? 1 : 2);
  const check = checkLangevin();
  writeFileSync(`${folder}/langevin-compare.json`, `${JSON.stringify({ compare, check }, null, 1)}\n`);
  console.log(`wrote ${folder}/langevin-compare.json`);
}

/** The EqProp comparison (full epochs measured unless --quick). */
async function writeEqProp(): Promise<void> {
  const eqprop = await compareEqProp(quick ? 5 : 10, !quick);
  writeFileSync(`${folder}/eqprop-compare.json`, `${JSON.stringify(eqprop, null, 1)}\n`);
  console.log(`wrote ${folder}/eqprop-compare.json`);
}

if (only !== "compare") {
  for (const suite of Object.values(suites)) await suite(folder);
}
if (only !== "suites") {
  const result = comparePerceptron(quick ? 1 : 3, quick ? 1 : 2);
  const hopfield = compareHopfield(quick ? 1 : 2);
  const contrastive = compareContrastive(quick ? 0.5 : 1);
  const masterEquation = compareMasterEquation(quick ? 0.5 : 1);
  writeFileSync(
    `${folder}/compare.json`,
    `${JSON.stringify({ perceptron: result, hopfield, contrastive, masterEquation }, null, 1)}\n`,
  );
  console.log(`wrote ${folder}/compare.json`);
  writeLangevin();
  await writeEqProp();
}
