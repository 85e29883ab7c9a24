// Side-by-side timing of two builds of thermolearn in ONE Node process, through each build's public
// API (dist/thermolearn.js), rounds alternating A B / B A so both see the same machine noise.
//
//   node bench/compare-versions.mjs --before <checkout> --after <checkout> [--rounds 7] [--seconds 0.4]
//                                   [--control <copy of before>] [--only name,name] [--json out.json]
//
// <checkout> is a built clone (npm ci ran: dist/thermolearn.js exists). Each benchmark's objects are
// built once per version; each round then times every benchmark for both versions (order flips every
// round), `--seconds` per version and benchmark, and keeps that round's best rate. Reported: the
// median over rounds per version, its spread (min–max over rounds, as ± % of the median), and the
// median and range of the per-round paired ratio after/before (the paired ratio cancels slow drift
// in machine load). --control loads a second copy of the before build (another path, so its own
// module and wasm instances) and times it like a third version: its ratio to before is the A/A noise
// floor of each benchmark, measured in the same run. Names renamed by issue #10 are bridged by the
// adapter `api()`. The objects of a benchmark are built once per version and reused every round.
import os from "node:os";
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const args = process.argv.slice(2);
const arg = (name, fallback) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const before = resolve(arg("before", "/tmp/tl-old"));
const after = resolve(arg("after", "/tmp/tl-new"));
const rounds = Number(arg("rounds", "7"));
const seconds = Number(arg("seconds", "0.4"));
const only = arg("only", "")
  .split(",")
  .filter((s) => s !== "");
const jsonOut = arg("json", "");
const control = arg("control", "") === "" ? "" : resolve(arg("control", ""));

/** One version's public API, with the pre-#10 names mapped onto the post-#10 ones. */
async function api(dir) {
  const lib = await import(pathToFileURL(join(dir, "dist", "thermolearn.js")).href);
  const runPerceptronSync = lib.simulatePerceptron ?? lib.runPerceptron; // before: simulatePerceptron was the sync one
  const capacitySync = lib.hopfieldCapacity ?? lib.runHopfieldCapacity; // before: hopfieldCapacity was the sync one
  return { ...lib, runPerceptronSync, capacitySync, dir, version: lib.VERSION };
}

/** Deterministic synthetic "images": 10 sparse prototypes, each image a prototype with 5 % of pixels flipped. */
function syntheticDataset(count, seed = 7) {
  let s = seed >>> 0;
  const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const protos = Array.from({ length: 10 }, () => Float32Array.from({ length: 784 }, () => (rand() < 0.2 ? 1 : 0)));
  const images = new Float32Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % 10;
    labels[i] = c;
    for (let p = 0; p < 784; p++) {
      const v = protos[c][p];
      images[i * 784 + p] = rand() < 0.05 ? 1 - v : v;
    }
  }
  return { images, labels };
}

/**
 * Benchmarks: setup(lib) returns { run(): units done, dispose?() }; `unit` names the rate's units.
 * The same objects serve every round (state advances between rounds; cost per unit does not change).
 */
const benches = [
  {
    name: "perceptron.step hebbian (n=1e4, B=30)",
    unit: "steps/s",
    setup: (L) => {
      const p = new L.Perceptron({ n: 10_000, batch: 30, rule: "hebbian", seed: 1 });
      return {
        run: () => {
          p.step(100);
          return 100;
        },
        dispose: () => p.dispose(),
      };
    },
  },
  {
    name: "perceptron.step perceptron (n=1e4, B=30)",
    unit: "steps/s",
    setup: (L) => {
      const p = new L.Perceptron({ n: 10_000, batch: 30, rule: "perceptron", seed: 1 });
      return {
        run: () => {
          p.step(100);
          return 100;
        },
        dispose: () => p.dispose(),
      };
    },
  },
  {
    name: "runPerceptron sync (n=1e4, 2000 steps, record/100)",
    unit: "runs/s",
    setup: (L) => ({
      run: () => {
        L.runPerceptronSync({ n: 10_000, steps: 2000, recordEvery: 100, seed: 1 });
        return 1;
      },
    }),
  },
  {
    name: "hopfield hebbian fast path n=2000 K=100: glauber sweeps",
    unit: "sweeps/s",
    setup: (L) => {
      const h = new L.Hopfield({ n: 2000, count: 100, rule: "hebbian", seed: 1 });
      return {
        run: () => h.run({ dynamics: "glauber", temperature: 0.5, maxSweeps: 10, recordEnergy: false }).sweeps,
        dispose: () => h.dispose(),
      };
    },
  },
  {
    name: "hopfield hebbian fast path n=2000 K=100: recall (async, 20 % flipped)",
    unit: "recalls/s",
    setup: (L) => {
      const h = new L.Hopfield({ n: 2000, count: 100, rule: "hebbian", seed: 1 });
      let mu = 0;
      return {
        run: () => {
          h.recall(mu++ % 100, { flipFraction: 0.2, maxSweeps: 100, recordEnergy: false });
          return 1;
        },
        dispose: () => h.dispose(),
      };
    },
  },
  {
    name: "hopfield storkey dense n=2000 K=100: glauber sweeps",
    unit: "sweeps/s",
    setup: (L) => {
      const h = new L.Hopfield({ n: 2000, count: 100, rule: "storkey", seed: 1 });
      return {
        run: () => h.run({ dynamics: "glauber", temperature: 0.5, maxSweeps: 5, recordEnergy: false }).sweeps,
        dispose: () => h.dispose(),
      };
    },
  },
  {
    name: "hopfield storkey dense n=2000 K=100: sync steps",
    unit: "steps/s",
    setup: (L) => {
      const h = new L.Hopfield({ n: 2000, count: 100, rule: "storkey", seed: 2 });
      return {
        run: () => {
          h.corrupt(0.5, { seed: 3 });
          return h.run({ dynamics: "sync", maxSweeps: 5, recordEnergy: false }).sweeps;
        },
        dispose: () => h.dispose(),
      };
    },
  },
  ...["hebbian", "storkey"].map((rule) => ({
    name: `hopfield n=1000 K=100 ${rule === "hebbian" ? "fast path" : "dense path (storkey)"}: one sync step`,
    unit: "steps/s",
    setup: (L) => {
      const h = new L.Hopfield({ n: 1000, count: 100, rule, seed: 1 });
      h.corrupt(0.5, { seed: 3 });
      return {
        run: () => h.run({ dynamics: "sync", maxSweeps: 1, recordEnergy: false }).sweeps,
        dispose: () => h.dispose(),
      };
    },
  })),
  {
    name: "hopfield storkey n=1000 K=100: construct (storage)",
    unit: "nets/s",
    setup: (L) => ({
      run: () => {
        new L.Hopfield({ n: 1000, count: 100, rule: "storkey", seed: 1 }).dispose();
        return 1;
      },
    }),
  },
  {
    name: "hopfield capacity sweep sync (n=200, 5 trials)",
    unit: "sweeps/s",
    setup: (L) => ({
      run: () => {
        L.capacitySync({ n: 200, trials: 5, seed: 1 });
        return 1;
      },
    }),
  },
  {
    name: "MarkovChain.step (n=64 random rates)",
    unit: "steps/s",
    setup: (L) => {
      let s = 12345;
      const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
      const n = 64;
      const rates = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) rates[i * n + j] = rand();
      for (let j = 0; j < n; j++) {
        let col = 0;
        for (let i = 0; i < n; i++) if (i !== j) col += rates[i * n + j];
        rates[j * n + j] = -col;
      }
      const c = new L.MarkovChain({ rates, dt: 0.01 });
      return {
        run: () => {
          c.step(2000);
          return 2000;
        },
        dispose: () => c.dispose?.(),
      };
    },
  },
  ...[false, true].map((reuse) => ({
    name:
      `master equation (npm run bench's): setRates + trajectory(1e4), 10 states, ` +
      `${reuse ? "reused array" : "new array"}`,
    unit: "calls/s",
    setup: (L) => {
      const chain = new L.MarkovChain({ rates: L.ladderRates({ gamma: 0.1, F: 25, s: 0 }), dt: 5e-4 });
      const p0 = chain.probabilities();
      const M = L.ladderRates({ gamma: 0.1, F: 25, s: 200 });
      const out = reuse ? new Float64Array(10 * 10_000) : undefined;
      return {
        run: () => {
          chain.setProbabilities(p0);
          chain.setRates(M);
          chain.trajectory(10_000, out);
          return 1;
        },
        dispose: () => chain.dispose(),
      };
    },
  })),
  {
    name: "LadderChain.step (default ladder)",
    unit: "steps/s",
    setup: (L) => {
      const c = new L.LadderChain({ gamma: 0.01, F: 30, s: 50, dt: 1e-3 });
      return {
        run: () => {
          c.step(20_000);
          return 20_000;
        },
        dispose: () => c.dispose?.(),
      };
    },
  },
  {
    name: "LadderChain.follow (2000-sample square wave)",
    unit: "samples/s",
    setup: (L) => {
      const c = new L.LadderChain({ gamma: 0.01, F: 30, s: 50, dt: 1e-3 });
      const signal = Array.from({ length: 2000 }, (_, i) => (Math.floor(i / 100) % 2 ? 100 : 20));
      return {
        run: () => {
          c.follow(signal);
          return signal.length;
        },
        dispose: () => c.dispose?.(),
      };
    },
  },
  {
    name: "ladderKernel (gamma 0.01, F 30, s1 100)",
    unit: "calls/s",
    setup: (L) => ({
      run: () => {
        L.ladderKernel({ gamma: 0.01, F: 30, s1: 100 });
        return 1;
      },
    }),
  },
  ...["direct", "crossings"].map((method) => ({
    name: `weightUpdateCurve ${method} (Fig. 6B: 1.8e5 samples, 100 amplitudes)`,
    unit: "curves/s",
    setup: (L) => {
      const ladder = L.ladderKernel({ gamma: 0.01, F: 30, s1: 100 });
      const amplitudes = Array.from({ length: 100 }, (_, i) => (50 * i) / 99);
      const o = {
        kernel: ladder.kernel,
        dt: ladder.kernel.dt,
        tauFast: 3,
        tauSlow: 15,
        mean: 10,
        theta: Math.abs(-50 / 15 + ladder.moments.area * 35),
        amplitudes,
        method,
      };
      return {
        run: () => {
          L.weightUpdateCurve(o);
          return 1;
        },
      };
    },
  })),
  ...[
    ["fft", 1 << 18, 10_000],
    ["direct", 1 << 16, 4096],
  ].map(([method, n, taps]) => ({
    name: `convolveWrap ${method} (${n} samples, ${taps} taps)`,
    unit: "calls/s",
    setup: (L) => {
      const signal = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 0.001) + 0.1 * Math.cos(i * 0.37));
      const kernel = Float64Array.from({ length: taps }, (_, i) => Math.exp(-i / 1000));
      return {
        run: () => {
          L.convolveWrap(signal, kernel, { method });
          return 1;
        },
      };
    },
  })),
  ...["plain", "memory"].map((variant) => ({
    name: `EqProp trainEpoch ${variant} (784-500-10, 500 synthetic images, batch 20)`,
    unit: "epochs/s",
    minRuns: 1,
    setup: (L) => {
      const net = new L.EqProp({ variant, seed: 1 }, { train: syntheticDataset(500) });
      return {
        run: () => {
          net.trainEpoch();
          return 1;
        },
        dispose: () => net.dispose(),
      };
    },
  })),
  {
    name: "Rng.normal(1e6)",
    unit: "M normals/s",
    setup: (L) => {
      const r = new L.Rng({ seed: 1 });
      return {
        run: () => {
          r.normal(1e6);
          return 1;
        },
        dispose: () => r.dispose(),
      };
    },
  },
];

/** Best rate over repeated calls for about `seconds` (at least `minRuns` calls, after one warm-up). */
function bestRate(run, minRuns = 3) {
  let best = 0;
  let calls = 0;
  const t0 = performance.now();
  while (calls < minRuns || performance.now() - t0 < 1000 * seconds) {
    const t = performance.now();
    const units = run();
    const dt = (performance.now() - t) / 1000;
    best = Math.max(best, units / dt);
    calls++;
  }
  return best;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Checks that both versions give the same bits on a few deterministic calls ("no result changes"). */
function sameResults(A, B) {
  const out = [];
  const eq = (name, a, b) => {
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    const same = x.length === y.length && x.every((v, i) => v === y[i]);
    out.push(`${name}: ${same ? "same bits" : "DIFFERENT"}`);
  };
  const ra = new A.Rng({ seed: 5 }),
    rb = new B.Rng({ seed: 5 });
  eq("Rng.normal(1000)", ra.normal(1000), rb.normal(1000));
  ra.dispose();
  rb.dispose();
  const pa = new A.Perceptron({ n: 1000, seed: 3 }),
    pb = new B.Perceptron({ n: 1000, seed: 3 });
  pa.step(500);
  pb.step(500);
  eq("Perceptron weights after 500 steps", pa.weights(), pb.weights());
  pa.dispose();
  pb.dispose();
  const ha = new A.Hopfield({ n: 500, count: 30, rule: "storkey", seed: 2 }),
    hb = new B.Hopfield({ n: 500, count: 30, rule: "storkey", seed: 2 });
  eq("Hopfield storkey weights", ha.weights(), hb.weights());
  ha.dispose();
  hb.dispose();
  const ka = A.ladderKernel({ gamma: 0.01, F: 30, s1: 100 }),
    kb = B.ladderKernel({ gamma: 0.01, F: 30, s1: 100 });
  eq("ladderKernel values", ka.kernel.values, kb.kernel.values);
  return out;
}

function machineLine() {
  const cpu = os.cpus();
  return (
    `${cpu[0]?.model ?? "?"}, ${cpu.length} logical cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `Node ${process.version} (V8 ${process.versions.v8}), ${os.platform()} ${os.arch()}, load avg ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}, ${new Date().toISOString()}`
  );
}

const A = await api(before);
const B = await api(after);
const C = control === "" ? null : await api(control);
const libs = C ? [A, B, C] : [A, B];
console.log(`before:  ${before} (VERSION ${A.version})\nafter:   ${after} (VERSION ${B.version})`);
if (C) console.log(`control: ${control} (a second copy of before, loaded as its own module: the A/A noise floor)`);
console.log(`machine: ${machineLine()}`);
console.log(`backend: ${libs.map((L) => L.currentBackend?.() ?? "?").join(", ")}`);
try {
  for (const line of sameResults(A, B)) console.log(`check ${line}`);
} catch (e) {
  console.log(`check failed to run: ${e.message}`);
}

const selected = benches.filter((b) => only.length === 0 || only.some((o) => b.name.includes(o)));
const state = selected.map((b) => ({ bench: b, objs: libs.map((L) => b.setup(L)), rates: libs.map(() => []) }));
for (const s of state) for (const o of s.objs) o.run(); // warm-up
const tStart = performance.now();
for (let r = 0; r < rounds; r++) {
  // Rotate and flip the order every round: A B C, C B A, B C A, A C B, ... so no version always goes first.
  const base = libs.map((_, i) => i);
  const rot = base.map((_, i) => base[(i + Math.floor(r / 2)) % base.length]);
  const order = r % 2 === 0 ? rot : [...rot].reverse();
  for (const s of state) for (const v of order) s.rates[v].push(bestRate(s.objs[v].run, s.bench.minRuns));
  console.log(
    `round ${r + 1}/${rounds} done (${((performance.now() - tStart) / 1000).toFixed(0)} s, load ` +
      `${os.loadavg()[0].toFixed(2)}, order ${order.join("")})`,
  );
}
for (const s of state) for (const o of s.objs) o.dispose?.();

const spread = (xs, m) => [(100 * (Math.min(...xs) - m)) / m, (100 * (Math.max(...xs) - m)) / m];
const paired = (num, den) => {
  const q = num.map((x, i) => x / den[i]);
  return { median: median(q), min: Math.min(...q), max: Math.max(...q) };
};
const rows = state.map((s) => {
  const meds = s.rates.map(median);
  return {
    name: s.bench.name,
    unit: s.bench.unit,
    before: meds[0],
    after: meds[1],
    control: C ? meds[2] : null,
    ratio: meds[1] / meds[0],
    paired: paired(s.rates[1], s.rates[0]),
    controlPaired: C ? paired(s.rates[2], s.rates[0]) : null,
    spreadBefore: spread(s.rates[0], meds[0]),
    spreadAfter: spread(s.rates[1], meds[1]),
    rounds: s.rates,
  };
});
const fmt = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toPrecision(3));
const pct = ([lo, hi]) => `${lo.toFixed(0)}/+${hi.toFixed(0)} %`;
const pr = (p) => `${p.median.toFixed(3)} [${p.min.toFixed(2)}, ${p.max.toFixed(2)}]`;
console.log(
  `\n| benchmark | unit | before median | after median | after/before | paired after/before, median [min, ` +
    `max] |${C ? " control/before (A/A), median [min, max] |" : ""} spread before | spread after |`,
);
console.log(`|---|---|---:|---:|---:|---|${C ? "---|" : ""}---|---|`);
for (const r of rows)
  console.log(
    `| ${r.name} | ${r.unit} | ${fmt(r.before)} | ${fmt(r.after)} | ${r.ratio.toFixed(3)} | ${pr(r.paired)} ` +
      `|${C ? ` ${pr(r.controlPaired)} |` : ""} ${pct(r.spreadBefore)} | ${pct(r.spreadAfter)} |`,
  );
if (jsonOut !== "") {
  writeFileSync(
    jsonOut,
    `${JSON.stringify({ machine: machineLine(), before, after, control, rounds, seconds, rows }, null, 1)}\n`,
  );
  console.log(`wrote ${jsonOut}`);
}
