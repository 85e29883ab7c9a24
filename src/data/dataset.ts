/**
 * A labelled image set, the input of EqProp (any `{ images, labels }`: the MNIST loader in
 * src/data/mnist.ts is one source of them), and its checks. Browser-safe: no Node import.
 */

/** Images (count × n₀ pixels in [0, 1], row-major) and their labels (0 … n_out − 1). */
export interface Dataset {
  /** count × n₀ pixel values in [0, 1], row-major (MNIST: n₀ = 784). */
  images: Float32Array;
  /** count class labels, integers 0 … n_out − 1. */
  labels: ArrayLike<number>;
}

/** A data set as checked: the images, the labels as Int32Array, and the image count. */
export interface CheckedDataset {
  images: Float32Array;
  labels: Int32Array;
  count: number;
}

/** The number of images in `images` (count × n₀ pixels); TypeError/RangeError naming `${name}.images` otherwise. */
export function imageCount(name: string, images: unknown, n0: number): number {
  if (!(images instanceof Float32Array))
    throw new TypeError(`${name}.images must be a Float32Array (count × ${n0} pixels)`);
  if (images.length % n0 !== 0 || images.length === 0) {
    throw new RangeError(
      `${name}.images has ${images.length} values, not a positive multiple of the input size ${n0} (layers[0])`,
    );
  }
  return images.length / n0;
}

/**
 * The images, labels and count of a data set. Images that hold one whole row per label, but rows of
 * another width than layers[0], are a layers error, not a labels one (e.g. layers [700, 10] on
 * 784-pixel digits).
 */
export function checkDataset(name: string, data: unknown, n0: number, nOut: number): CheckedDataset {
  if (typeof data !== "object" || data === null) throw new TypeError(`${name} must be { images, labels }`);
  const { images, labels } = data as Dataset;
  if (!(images instanceof Float32Array))
    throw new TypeError(`${name}.images must be a Float32Array (count × ${n0} pixels)`);
  if (labels === null || typeof labels !== "object" || typeof (labels as ArrayLike<number>).length !== "number") {
    throw new TypeError(`${name}.labels must be an array of class indices`);
  }
  const width = labels.length > 0 ? images.length / labels.length : Number.NaN;
  if (Number.isInteger(width) && width > 0 && width !== n0) {
    const orLabels =
      images.length % n0 === 0
        ? ` (or, if the images are ${n0} pixels wide, ${name}.labels has ${labels.length} entries ` +
          `for ${images.length / n0} images)`
        : "";
    throw new RangeError(
      `layers[0] = ${n0} does not match the data: ${name}.images hold ${labels.length} images of ` +
        `${width} pixels (one per label), so the input layer must have ${width} units${orLabels}`,
    );
  }
  const count = imageCount(name, images, n0);
  for (let i = 0; i < images.length; i++) {
    const x = images[i];
    if (!(x >= 0 && x <= 1)) throw new RangeError(`${name}.images[${i}] = ${x}: pixels must lie in [0, 1]`);
  }
  if (labels.length !== count) throw new RangeError(`${name}.labels has ${labels.length} entries for ${count} images`);
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const y = labels[i];
    if (!(Number.isInteger(y) && y >= 0 && y < nOut))
      throw new RangeError(`${name}.labels[${i}] = ${y} is outside 0–${nOut - 1}`);
    out[i] = y;
  }
  return { images, labels: out, count };
}
