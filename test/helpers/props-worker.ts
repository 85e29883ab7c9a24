/**
 * The worker side of test/properties.test.ts: runs one public entry point per request, in a worker
 * thread, so that a call that hangs can be stopped (the parent terminates the worker) and a crash
 * does not take the test process with it. The parent bundles this file with src/ (rolldown), so it
 * runs the current sources. One worker serves the whole file, so state shared between calls (the
 * shared scratch instance, the cached builds) carries from one call to the next as in a real
 * program: a call that poisons it shows up in the calls after it.
 *
 * Request: { id, entry, input, meta }. `input.args` are the arguments, with special values marked
 * { __special: "function" | "signal" | "abortedSignal" } (functions and AbortSignals cannot cross a
 * structured clone). Some entries build a value in the worker (a checkpoint, saved bytes) and
 * apply `input.perturb = { path, value }` to it. Reply: { id, ms, outcome: "returned", nonFinite }
 * with the paths of any NaN/±Infinity in the result, or { id, ms, outcome: "threw", name, message }.
 */
import { parentPort } from "node:worker_threads";
import * as T from "../../src/index.js";
import { erfc, logGamma } from "../../src/math/special.js";
import { loadMnist, readMnist } from "../../src/data/mnist.js";
// Not yet re-exported by src/index.ts (issue #11's helper "bound"): imported from its file.
import * as Info from "../../src/perceptron/information.js";
// Likewise the efficiency surface (helper "efficiency").
import * as Eff from "../../src/perceptron/efficiency.js";

// The scalar build is a separate module that loads only asynchronously; the valid inputs ask for it.
await T.preload("scalar");

type Input = { args: unknown[]; perturb?: { path: (string | number)[]; value: unknown }; [key: string]: unknown };
type Scenario = (input: Input) => unknown;

function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    const special = (value as { __special?: string }).__special;
    if (special === "function") return () => undefined;
    if (special === "signal") return new AbortController().signal;
    if (special === "abortedSignal") return AbortSignal.abort();
    // Protocols of issue #12's potentials (functions of t): smooth in [lo, hi], NaN, or +∞ after t = 10⁻³.
    if (special === "protocol") {
      const { lo, hi } = value as unknown as { lo: number; hi: number };
      return (t: number) => lo + (hi - lo) * (0.5 + 0.5 * Math.sin(7 * t));
    }
    if (special === "nanProtocol") return () => Number.NaN;
    if (special === "lateInfProtocol") return (t: number) => (t > 1e-3 ? Infinity : 1);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = revive(v);
    return out;
  }
  return value;
}

/** Sets `value` at `path` inside `target` (creating nothing: the path's parents must exist). */
function setAt(target: unknown, path: (string | number)[], value: unknown): void {
  let at = target as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  at[path[path.length - 1]] = value;
}

/** Paths of NaN/±Infinity numbers in `value` (numbers, typed arrays, arrays, plain objects), at most 5. */
function nonFinite(value: unknown, path = "result", out: string[] = [], seen = new Set<unknown>()): string[] {
  if (out.length >= 5) return out;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) out.push(`${path} = ${value}`);
    return out;
  }
  if (value === null || typeof value !== "object" || seen.has(value)) return out;
  seen.add(value);
  if (ArrayBuffer.isView(value)) {
    if (value instanceof DataView || value instanceof BigInt64Array || value instanceof BigUint64Array) return out;
    const a = value as unknown as ArrayLike<number>;
    for (let i = 0; i < a.length && out.length < 5; i++)
      if (!Number.isFinite(a[i])) out.push(`${path}[${i}] = ${a[i]}`);
    return out;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      nonFinite(v, `${path}[${i}]`, out, seen);
    });
    return out;
  }
  for (const [k, v] of Object.entries(value)) nonFinite(v, `${path}.${k}`, out, seen);
  return out;
}

/** Runs `body` with `obj`, disposing it afterwards whatever happens. */
function using<O extends { dispose(): void }, R>(obj: O, body: (o: O) => R): R {
  try {
    const r = body(obj);
    if (r instanceof Promise) return r.finally(() => obj.dispose()) as R;
    obj.dispose();
    return r;
  } catch (e) {
    obj.dispose();
    throw e;
  }
}

const a = (i: Input, k: number) => i.args[k] as never;

// ---- perceptron ------------------------------------------------------------------------------------

function perceptronTour(sim: T.Perceptron, steps: number): unknown {
  sim.step(steps);
  if (sim.status === "diverged") return { status: sim.status, divergedAt: sim.divergedAt, steps: sim.steps };
  const withSet = sim.config.trainSize > 0;
  return {
    observation: sim.observe(),
    entropyChange: sim.entropyChange(),
    heat: sim.heat(0),
    work: sim.work(0),
    excessHeat: sim.excessHeat(0),
    weights: sim.weights(0),
    teacher: sim.teacher(0),
    labels: withSet ? sim.trainingLabels(0) : null,
    predictions: withSet ? sim.trainingPredictions(0) : null,
    checkpoint: sim.checkpoint(),
    steps: sim.steps,
    time: sim.time,
  };
}

// ---- eqprop ----------------------------------------------------------------------------------------

function eqpropTour(net: T.EqProp, images: Float32Array): unknown {
  const out: Record<string, unknown> = {};
  if (net.batchesPerEpoch > 0) out.epoch = net.trainEpoch();
  const states = net.relax(images);
  out.states = states;
  out.energy = net.energy(images, states);
  out.predict = net.predict(images);
  out.parameters = net.parameters();
  const saved = net.save();
  net.load(saved);
  out.particles = net.particles("train");
  return out;
}

const SCENARIOS: Record<string, Scenario> = {
  // loader
  init: (i) => T.init(a(i, 0)),
  initSync: (i) => T.initSync(a(i, 0)),
  // rng
  Rng: (i) =>
    using(new T.Rng(a(i, 0)), (r) => ({
      seed: r.seed,
      normal: r.normal(16),
      uniform: r.uniform(16),
      state: r.saveState(),
      u64: r.u64(2),
    })),
  "Rng.draw": (i) =>
    using(new T.Rng({ seed: 3 }), (r) => {
      const method = i.method as "normal" | "uniform" | "u64";
      return r[method](a(i, 0));
    }),
  "Rng.restoreState": (i) =>
    using(new T.Rng({ seed: 3 }), (r) => {
      r.restoreState(a(i, 0));
      return r.normal(4);
    }),
  streamSeed: (i) => T.streamSeed(a(i, 0), a(i, 1)),
  // perceptron
  Perceptron: (i) => using(new T.Perceptron(a(i, 0)), (sim) => perceptronTour(sim, i.steps as number)),
  "Perceptron.step": (i) =>
    using(new T.Perceptron(i.ctor as T.PerceptronOptions), (sim) => ({
      advanced: sim.step(a(i, 0)),
      tour: perceptronTour(sim, 0),
    })),
  "Perceptron.trajectory": (i) =>
    using(new T.Perceptron(i.ctor as T.PerceptronOptions), (sim) => {
      sim.step(2);
      return {
        weights: sim.weights(a(i, 0)),
        teacher: sim.teacher(a(i, 0)),
        draws: sim.lastDraws(a(i, 0)),
        heat: sim.heat(a(i, 0)),
        work: sim.work(a(i, 0)),
        excessHeat: sim.excessHeat(a(i, 0)),
        labels: sim.config.trainSize > 0 ? sim.trainingLabels(a(i, 0)) : null,
        predictions: sim.config.trainSize > 0 ? sim.trainingPredictions(a(i, 0)) : null,
      };
    }),
  "Perceptron.trainingSet": (i) =>
    using(new T.Perceptron(i.ctor as T.PerceptronOptions), (sim) => {
      sim.step(2);
      const method = i.method as "trainingLabels" | "trainingPredictions";
      return sim[method](a(i, 0));
    }),
  "Perceptron.averagedForce": (i) =>
    using(new T.Perceptron(i.ctor as T.PerceptronOptions), (sim) => sim.averagedForce(a(i, 0), a(i, 1))),
  "Perceptron.restore": (i) =>
    using(new T.Perceptron(i.ctor as T.PerceptronOptions), (sim) => {
      sim.step(i.before as number);
      const saved = sim.checkpoint() as unknown;
      if (i.perturb) setAt(saved, i.perturb.path, i.perturb.value);
      sim.restore(saved as T.PerceptronCheckpoint);
      return perceptronTour(sim, 3);
    }),
  runPerceptron: (i) => T.runPerceptron(a(i, 0)),
  runPerceptronAsync: (i) => T.runPerceptronAsync(a(i, 0)),
  perceptronRates: (i) => T.perceptronRates(T.runPerceptron(i.run as T.PerceptronRunOptions), a(i, 0)),
  averagedForce: (i) => T.averagedForce(a(i, 0), a(i, 1), a(i, 2), ...(i.args.length > 3 ? [a(i, 3)] : [])),
  perceptronTheory: (i) => T.perceptronTheory(a(i, 0)),
  perceptronSteadyState: (i) => T.perceptronSteadyState(a(i, 0)),
  maxEfficiency: (i) => T.maxEfficiency(a(i, 0)),
  resolvePerceptronTheoryConfig: (i) => T.resolvePerceptronTheoryConfig(a(i, 0)),
  runInformationBound: (i) => Info.runInformationBound(a(i, 0)),
  runInformationBoundAsync: (i) => Info.runInformationBoundAsync(a(i, 0)),
  resolveInformationBoundConfig: (i) => Info.resolveInformationBoundConfig(a(i, 0)),
  tableInformation: (i) => Info.tableInformation(a(i, 0), a(i, 1), a(i, 2), a(i, 3)),
  efficiencySurface: (i) => Eff.efficiencySurface(a(i, 0)),
  resolveEfficiencySurfaceConfig: (i) => Eff.resolveEfficiencySurfaceConfig(a(i, 0)),
  efficiencyAt: (i) => Eff.efficiencyAt(a(i, 0)),
  efficiencyTheoryAt: (i) => Eff.efficiencyTheoryAt(a(i, 0), a(i, 1)),
  efficiencySimulation: (i) => Eff.efficiencySimulation(a(i, 0)),
  combineEfficiencySimulations: (i) => Eff.combineEfficiencySimulations(a(i, 0)),
  spacingEntropy: (i) => Info.spacingEntropy(a(i, 0), ...(i.args.length > 1 ? [a(i, 1)] : [])),
  resolvePerceptronConfig: (i) => T.resolvePerceptronConfig(a(i, 0)),
  hebbianEpsilon: (i) => T.hebbianEpsilon(a(i, 0)),
  hebbianEpsilonEM: (i) => T.hebbianEpsilonEM(a(i, 0)),
  hebbianTransient: (i) => T.hebbianTransient(a(i, 0)),
  mutualInformation: (i) => T.mutualInformation(a(i, 0)),
  binaryEntropy: (i) => T.binaryEntropy(a(i, 0)),
  // hopfield
  Hopfield: (i) =>
    using(new T.Hopfield(a(i, 0)), (net) => {
      net.setPattern(0);
      const out: Record<string, unknown> = {
        fields: net.fields(),
        energy: net.energy(),
        overlaps: net.overlaps(),
        unstable: net.unstableFraction(),
      };
      out.run = net.run({
        dynamics: i.dynamics as T.HopfieldDynamics,
        maxSweeps: 5,
        ...(i.dynamics === "glauber" ? { temperature: 0.5 } : {}),
      });
      out.recall = net.recall(0, { flipFraction: 0.2, maxSweeps: 5, seed: 1 });
      out.weights = net.weights();
      out.hamming = net.hamming(0);
      out.corrupted = net.corrupt(0.1);
      out.state = net.state();
      return out;
    }),
  "Hopfield.run": (i) =>
    using(new T.Hopfield(i.ctor as T.HopfieldOptions), (net) => {
      net.setPattern(0);
      return net.run(a(i, 0));
    }),
  "Hopfield.runAsync": (i) =>
    using(new T.Hopfield(i.ctor as T.HopfieldOptions), (net) => {
      net.setPattern(0);
      return net.runAsync(a(i, 0));
    }),
  "Hopfield.recallAsync": (i) =>
    using(new T.Hopfield(i.ctor as T.HopfieldOptions), (net) => net.recallAsync(a(i, 0), a(i, 1))),
  "Hopfield.recall": (i) => using(new T.Hopfield(i.ctor as T.HopfieldOptions), (net) => net.recall(a(i, 0), a(i, 1))),
  "Hopfield.setState": (i) =>
    using(new T.Hopfield(i.ctor as T.HopfieldOptions), (net) => {
      net.setState(a(i, 0));
      return { fields: net.fields(), energy: net.energy() };
    }),
  "Hopfield.pattern": (i) =>
    using(new T.Hopfield(i.ctor as T.HopfieldOptions), (net) => {
      const method = i.method as "setPattern" | "pattern" | "hamming" | "corrupt";
      const r = (net[method] as (x: unknown) => unknown)(a(i, 0));
      return { r, state: net.state(), overlaps: net.overlaps() };
    }),
  runHopfieldCapacity: (i) => T.runHopfieldCapacity(a(i, 0)),
  runHopfieldCapacityAsync: (i) => T.runHopfieldCapacityAsync(a(i, 0)),
  resolveCapacityConfig: (i) => T.resolveCapacityConfig(a(i, 0)),
  loadRange: (i) => T.loadRange(a(i, 0), a(i, 1), a(i, 2), ...(i.args.length > 3 ? [a(i, 3)] : [])),
  predictedUnstableFraction: (i) => T.predictedUnstableFraction(a(i, 0), a(i, 1)),
  predictedUnstableFractionFiniteN: (i) => T.predictedUnstableFractionFiniteN(a(i, 0), a(i, 1)),
  exactUnstableFraction: (i) => T.exactUnstableFraction(a(i, 0), a(i, 1)),
  predictedPerfectRecall: (i) => T.predictedPerfectRecall(a(i, 0), a(i, 1)),
  erfc: (i) => erfc(a(i, 0)),
  logGamma: (i) => logGamma(a(i, 0)),
  // contrastive
  ecoliKernel: (i) => T.ecoliKernel(a(i, 0)),
  sineKernel: () => T.sineKernel(),
  exponentialKernel: (i) => T.exponentialKernel(a(i, 0)),
  feedbackKernel: (i) => T.feedbackKernel(a(i, 0)),
  normalizeKernel: (i) => T.normalizeKernel(a(i, 0)),
  kernelMoments: (i) => T.kernelMoments(a(i, 0)),
  sawtooth: (i) => T.sawtooth(a(i, 0)),
  sawtoothResponse: (i) => T.sawtoothResponse(a(i, 0)),
  convolveWrap: (i) => T.convolveWrap(a(i, 0), a(i, 1), a(i, 2)),
  weightUpdate: (i) => T.weightUpdate(a(i, 0)),
  weightUpdateCurve: (i) => T.weightUpdateCurve(a(i, 0)),
  piecewiseLinearFit3: (i) => T.piecewiseLinearFit3(a(i, 0), a(i, 1)),
  curveMetrics: (i) => T.curveMetrics(a(i, 0), a(i, 1), a(i, 2)),
  // ladder
  checkRateMatrix: (i) => T.checkRateMatrix("rates", a(i, 0)),
  ladderRates: (i) => T.ladderRates(a(i, 0)),
  ladderEnergy: (i) => T.ladderEnergy(a(i, 0), a(i, 1), ...(i.args.slice(2) as [])),
  ladderDissipation: (i) => T.ladderDissipation(a(i, 0)),
  steadyState: (i) => T.steadyState(a(i, 0)),
  probabilityCurrents: (i) => T.probabilityCurrents(a(i, 0), a(i, 1)),
  entropyProduction: (i) => T.entropyProduction(a(i, 0), a(i, 1)),
  MarkovChain: (i) =>
    using(new T.MarkovChain(a(i, 0)), (c) => {
      const n = c.n,
        w = Array.from({ length: n }, (_, k) => (k % 2 ? 1 : 0));
      return {
        propagator: c.propagator(),
        p0: c.probabilities(),
        observe: c.observe(5, w),
        trajectory: c.trajectory(3),
        step: (() => {
          c.step(4);
          return c.probabilities();
        })(),
        time: c.time,
      };
    }),
  "MarkovChain.method": (i) =>
    using(new T.MarkovChain(i.ctor as never), (c) => {
      const method = i.method as "step" | "observe" | "trajectory" | "setRates" | "setProbabilities";
      const r = (c[method] as (...x: unknown[]) => unknown)(...i.args);
      return { r, p: c.probabilities(), after: c.trajectory(2) };
    }),
  LadderChain: (i) =>
    using(new T.LadderChain(a(i, 0)), (c) => ({
      top: c.topOccupancy(),
      follow: c.follow(i.signal as number[]),
      observeTop: c.observeTop(4),
      p: c.probabilities(),
      propagator: c.propagator(),
    })),
  "LadderChain.method": (i) =>
    using(new T.LadderChain(i.ctor as never), (c) => {
      const method = i.method as "follow" | "setSignal" | "observeTop";
      const r = (c[method] as (...x: unknown[]) => unknown)(...i.args);
      return { r, p: c.probabilities(), top: c.topOccupancy() };
    }),
  ladderKernel: (i) => T.ladderKernel(a(i, 0)),
  // eqprop
  resolveEqPropConfig: (i) => T.resolveEqPropConfig(a(i, 0)),
  EqProp: (i) => using(new T.EqProp(a(i, 0), a(i, 1)), (net) => eqpropTour(net, i.images as Float32Array)),
  "EqProp.trainEpochAsync": (i) =>
    using(new T.EqProp(i.ctor as never, i.data as never), (net) => net.trainEpochAsync(a(i, 0))),
  "EqProp.relax": (i) => using(new T.EqProp(i.ctor as never), (net) => net.relax(a(i, 0), a(i, 1))),
  "EqProp.energy": (i) => using(new T.EqProp(i.ctor as never), (net) => net.energy(a(i, 0), a(i, 1))),
  "EqProp.trainBatch": (i) =>
    using(new T.EqProp(i.ctor as never, i.data as never), (net) => net.trainBatch(a(i, 0), a(i, 1))),
  "EqProp.setParameters": (i) =>
    using(new T.EqProp(i.ctor as never), (net) => {
      const p = net.parameters() as unknown;
      if (i.perturb) setAt(p, i.perturb.path, i.perturb.value);
      net.setParameters(p as T.EqPropParameters);
      return net.parameters();
    }),
  loadParameters: (i) => {
    const net = new T.EqProp(i.ctor as never);
    let bytes: unknown;
    try {
      bytes = net.save();
    } finally {
      net.dispose();
    }
    if (i.perturb) bytes = mutateBytes(bytes as Uint8Array, i.perturb.value as ByteMutation);
    return T.loadParameters(bytes as Uint8Array);
  },
  saveParameters: (i) => {
    const net = new T.EqProp(i.ctor as never);
    let p: unknown;
    try {
      p = net.parameters();
    } finally {
      net.dispose();
    }
    if (i.perturb) setAt({ p, meta: i.meta }, i.perturb.path, i.perturb.value);
    const bytes = T.saveParameters(p as T.EqPropParameters, i.meta as { epoch: number });
    return T.loadParameters(bytes);
  },
  rampSchedule: (i) => T.rampSchedule(a(i, 0)),
  memoryOperator: (i) => T.memoryOperator(a(i, 0)),
  mnistSineKernel: () => T.mnistSineKernel(),
  // mnist
  loadMnist: (i) => loadMnist(a(i, 0)),
  readMnist: () => readMnist().then((m) => ({ count: m.labels.length })),
  // issue #12: Langevin ensembles and runs (src/langevin/ensemble.ts, run.ts)
  runLangevin: (i) => T.runLangevin(a(i, 0)),
  LangevinEnsemble: (i) => using(new T.LangevinEnsemble(a(i, 0)), (e) => langevinTour(e, i.steps as number)),
  "LangevinEnsemble.step": (i) =>
    using(new T.LangevinEnsemble(i.ctor as T.LangevinOptions), (e) => ({
      advanced: e.step(a(i, 0)),
      tour: langevinTour(e, 0),
    })),
  "LangevinEnsemble.restore": (i) =>
    using(new T.LangevinEnsemble(i.ctor as T.LangevinOptions), (e) => {
      e.step(i.before as number);
      const saved = e.checkpoint() as unknown;
      if (i.perturb) setAt(saved, i.perturb.path, i.perturb.value);
      e.restore(saved as T.LangevinCheckpoint);
      return langevinTour(e, 3);
    }),
  // the Fokker–Planck side (src/langevin/fokker-planck.ts)
  solveFokkerPlanck: (i) => T.solveFokkerPlanck(a(i, 0)),
  fokkerPlanckSteadyState: (i) => T.fokkerPlanckSteadyState(a(i, 0)),
  // fluctuation theorems (src/langevin/fluctuation.ts) and histograms (src/math/histogram.ts)
  jarzynski: (i) => T.jarzynski(a(i, 0), a(i, 1)),
  bennett: (i) => T.bennett(a(i, 0), a(i, 1), a(i, 2)),
  crooks: (i) => T.crooks(a(i, 0), a(i, 1), a(i, 2)),
  integralFluctuation: (i) => T.integralFluctuation(a(i, 0)),
  detailedFluctuation: (i) => T.detailedFluctuation(a(i, 0), a(i, 1)),
  histogram: (i) => T.histogram(a(i, 0), a(i, 1)),
  // Landauer's erasure (src/langevin/landauer.ts); the protocol must also be one the potential accepts
  runErasure: (i) => T.runErasure(a(i, 0)),
  erasureFokkerPlanck: (i) => T.erasureFokkerPlanck(a(i, 0)),
  landauerFit: (i) => T.landauerFit(a(i, 0)),
  landauerBound: (i) => T.landauerBound(a(i, 0)),
  erasureProtocol: (i) => {
    const protocol = T.erasureProtocol(a(i, 0));
    T.resolvePotential(protocol);
    return protocol;
  },
  // the uncertainty relation (src/langevin/uncertainty.ts, src/markov/tur.ts)
  ringTheory: (i) => T.ringTheory(a(i, 0)),
  currentStatistics: (i) => T.currentStatistics(a(i, 0), a(i, 1)),
  uncertaintyRelation: (i) => T.uncertaintyRelation(a(i, 0), a(i, 1)),
  ladderUncertainty: (i) => T.ladderUncertainty(a(i, 0)),
  // the cost of contrastive learning and integral feedback (src/contrastive/cost.ts, feedback.ts)
  learningCost: (i) => T.learningCost(a(i, 0)),
  integralFeedback: (i) => T.integralFeedback(a(i, 0)),
  feedbackImpulseResponse: (i) => T.feedbackImpulseResponse(a(i, 0)),
};

// ---- langevin ------------------------------------------------------------------------------------

/** Steps the ensemble, then reads everything it reports (a diverged run still reports finite numbers). */
function langevinTour(e: T.LangevinEnsemble, steps: number): unknown {
  e.step(steps);
  return {
    steps: e.steps,
    time: e.time,
    diverged: e.diverged,
    status: e.status,
    positions: e.positions(),
    initial: e.initialPositions(),
    work: e.work(),
    heat: e.heat(),
    energyChange: e.energyChange(),
    checkpoint: e.checkpoint(),
  };
}

/** A change to saved bytes, described by the parent: the worker does not know the file's layout. */
export type ByteMutation =
  | { kind: "truncate"; keep: number } // keep this fraction (0 … 1) of the bytes
  | { kind: "flip"; at: number; bit: number } // flip one bit at this fraction of the length
  | { kind: "set"; at: number; byte: number }
  | { kind: "header"; text: string } // replace the JSON header by this text (same length, padded)
  | { kind: "append"; bytes: number[] }
  | { kind: "replace"; value: unknown }; // not bytes at all

function mutateBytes(bytes: Uint8Array, m: ByteMutation): unknown {
  const out = Uint8Array.from(bytes);
  switch (m.kind) {
    case "truncate":
      return out.subarray(0, Math.floor(m.keep * out.length));
    case "flip": {
      const k = Math.min(out.length - 1, Math.floor(m.at * out.length));
      out[k] ^= 1 << m.bit;
      return out;
    }
    case "set": {
      const k = Math.min(out.length - 1, Math.floor(m.at * out.length));
      out[k] = m.byte;
      return out;
    }
    case "header": {
      // The header's length is the u32 after the layer sizes; overwrite its bytes in place.
      const view = new DataView(out.buffer);
      const L = view.getUint32(12, true),
        at = 16 + 4 * L,
        length = view.getUint32(at, true);
      const text = new TextEncoder().encode(m.text.padEnd(length, " ").slice(0, length));
      out.set(text.subarray(0, length), at + 4);
      return out;
    }
    case "append": {
      const r = new Uint8Array(out.length + m.bytes.length);
      r.set(out);
      r.set(m.bytes, out.length);
      return r;
    }
    case "replace":
      return m.value;
  }
}

async function handle(message: { id: number; entry: string; input: Input }): Promise<void> {
  const scenario = SCENARIOS[message.entry];
  const started = performance.now();
  try {
    if (!scenario) throw new Error(`no scenario ${message.entry}`);
    const result = await scenario(revive(message.input) as Input);
    parentPort!.postMessage({
      id: message.id,
      ms: performance.now() - started,
      outcome: "returned",
      nonFinite: nonFinite(result),
    });
  } catch (e) {
    const err = e as { name?: unknown; message?: unknown; constructor?: { name?: string } };
    const isError = e instanceof Error;
    parentPort!.postMessage({
      id: message.id,
      ms: performance.now() - started,
      outcome: "threw",
      name: isError ? String(err.name) : `non-Error ${typeof e}`,
      constructorName: isError ? String(err.constructor?.name) : "",
      wasmRuntime: typeof WebAssembly !== "undefined" && e instanceof WebAssembly.RuntimeError,
      message: isError ? String(err.message) : String(e),
    });
  }
}

parentPort!.on("message", (m) => {
  void handle(m);
});
parentPort!.postMessage({ ready: true, entries: Object.keys(SCENARIOS) });
