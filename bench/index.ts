/**
 * `npm run bench`: the benny suites (results/bench/*.json) and the side-by-side numpy comparison
 * (results/bench/compare.json, results/bench/eqprop-compare.json). Flags: --quick (fewer rounds),
 * --only compare|suites|eqprop (eqprop: its suite and its comparison only).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { perceptronSuite } from "./perceptron.bench.js";
import { rngSuite } from "./rng.bench.js";
import { simdSuite } from "./simd.bench.js";
import { compare, compareContrastive, compareHopfield, compareMasterEquation } from "./compare.js";
import { contrastiveSuite } from "./contrastive.bench.js";
import { hopfieldSuite } from "./hopfield.bench.js";
import { compareEqProp, eqpropSuite } from "./eqprop.bench.js";

const folder = "results/bench";
mkdirSync(folder, { recursive: true });
const args = process.argv.slice(2);
const quick = args.includes("--quick");
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;

if (only === "eqprop") {
  await eqpropSuite(folder);
  await writeEqProp();
  process.exit(0);
}

/** The EqProp comparison (full epochs measured unless --quick). */
async function writeEqProp(): Promise<void> {
  const eqprop = await compareEqProp(quick ? 5 : 10, !quick);
  writeFileSync(`${folder}/eqprop-compare.json`, JSON.stringify(eqprop, null, 1) + "\n");
  console.log(`wrote ${folder}/eqprop-compare.json`);
}

if (only !== "compare") {
  await perceptronSuite(folder);
  await rngSuite(folder);
  await simdSuite(folder);
  await hopfieldSuite(folder);
  await contrastiveSuite(folder);
  await eqpropSuite(folder);
}
if (only !== "suites") {
  const result = compare(quick ? 1 : 3, quick ? 1 : 2);
  const hopfield = compareHopfield(quick ? 1 : 2);
  const contrastive = compareContrastive(quick ? 0.5 : 1);
  const masterEquation = compareMasterEquation(quick ? 0.5 : 1);
  writeFileSync(`${folder}/compare.json`, JSON.stringify({ perceptron: result, hopfield, contrastive, masterEquation }, null, 1) + "\n");
  console.log(`wrote ${folder}/compare.json`);
  await writeEqProp();
}
