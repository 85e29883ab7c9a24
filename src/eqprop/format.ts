/**
 * The TLEP binary format of EqProp networks: saved parameters (version 2, with a CRC-32 trailer;
 * version 1 without it is still read) and checkpoints (version 3: the parameters, the position in
 * the epoch and the persistent particles, everything training needs to continue bit for bit).
 */
import * as check from "../core/validate.js";
import { VERSION } from "../version.js";
import { MAX_LAYERS, MAX_WIDTH, resolveLayers } from "./config.js";

/** Network parameters in the canonical layout: weights[ℓ] is n_ℓ × n_{ℓ+1} row-major, biases[ℓ − 1] is b^ℓ. */
export interface EqPropParameters {
  /** Layer sizes n_0 … n_{L−1}, input first. */
  layers: number[];
  /** weights[ℓ]: W^ℓ, n_ℓ × n_{ℓ+1} row-major (L − 1 matrices). */
  weights: Float32Array[];
  /** biases[ℓ − 1]: b^ℓ of layer ℓ = 1 … L − 1 (n_ℓ values each). */
  biases: Float32Array[];
}

const MAGIC = 0x50454c54; // "TLEP" little-endian
/** Version of the binary parameter format written (2: with a CRC-32 trailer). Version 1 files are still read. */
export const EQPROP_FORMAT_VERSION = 2;
/** Version of the TLEP format a checkpoint is written in (3: parameters, epoch position and particles). */
export const EQPROP_CHECKPOINT_VERSION = 3;
/** The `format` field of a checkpoint's JSON header. */
export const EQPROP_CHECKPOINT_FORMAT = "thermolearn/eqprop";

let crcTable: Uint32Array | undefined;

/**
 * CRC-32 (IEEE 802.3, as zlib and PNG: reflected polynomial 0xEDB88320, initial and final XOR
 * 0xFFFFFFFF) of `bytes`, as an unsigned 32-bit integer. crc32("123456789") = 0xCBF43926.
 * `previous` continues a running checksum, as zlib's crc32(data, value): crc32(b, crc32(a)) = crc32(a ‖ b).
 */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const table = (crcTable ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  }));
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * The parameters checked as a file needs them: 2–64 layers of 1–2²⁰ units, Float32Arrays of the right lengths, finite.
 */
function checkSavable(p: unknown): EqPropParameters {
  if (typeof p !== "object" || p === null)
    throw new TypeError("saveParameters: parameters must be { layers, weights, biases }");
  const { layers: layersIn, weights, biases } = p as EqPropParameters;
  const layers = resolveLayers(layersIn);
  const arrays = (name: string, value: unknown, sizes: number[]): Float32Array[] => {
    if (!Array.isArray(value) || value.length !== sizes.length)
      throw new TypeError(`parameters.${name} must be an array of ${sizes.length} Float32Arrays`);
    return value.map((a, l) => {
      if (!(a instanceof Float32Array) || a.length !== sizes[l])
        throw new RangeError(`parameters.${name}[${l}] must be a Float32Array of length ${sizes[l]}`);
      for (let i = 0; i < a.length; i++)
        if (!Number.isFinite(a[i]))
          throw new RangeError(`parameters.${name}[${l}][${i}] is ${a[i]}: only finite parameters are saved`);
      return a;
    });
  };
  return {
    layers,
    weights: arrays(
      "weights",
      weights,
      layers.slice(0, -1).map((n, l) => n * layers[l + 1]),
    ),
    biases: arrays("biases", biases, layers.slice(1)),
  };
}

/** Header JSON as UTF-8; TypeError naming `what` when the value cannot be written as JSON. */
function encodeHeader(value: unknown, what: string): Uint8Array {
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`saveParameters: ${what} cannot be written as JSON (${(error as Error).message})`);
  }
  return new TextEncoder().encode(json);
}

/**
 * Writes a TLEP file: u32 magic, version, epoch, L, the L layer sizes, `extraWords` (version 3 only),
 * u32 header length, the header, zero padding to 4 bytes, the f32 `arrays` in order, the CRC-32 of
 * everything before it.
 */
function writeTlep(
  version: number,
  epoch: number,
  layers: number[],
  extraWords: number[],
  header: Uint8Array,
  arrays: Float32Array[],
): Uint8Array {
  const L = layers.length;
  const pad = (4 - (header.length % 4)) % 4;
  const floats = arrays.reduce((s, a) => s + a.length, 0);
  const bytes = new Uint8Array(4 * (4 + L + extraWords.length + 1) + header.length + pad + 4 * floats + 4);
  const view = new DataView(bytes.buffer);
  let at = 0;
  const u32 = (x: number) => {
    view.setUint32(at, x, true);
    at += 4;
  };
  u32(MAGIC);
  u32(version);
  u32(epoch);
  u32(L);
  for (const n of layers) u32(n);
  for (const w of extraWords) u32(w);
  u32(header.length);
  bytes.set(header, at);
  at += header.length + pad;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      view.setFloat32(at, a[i], true);
      at += 4;
    }
  }
  u32(crc32(bytes.subarray(0, at)));
  return bytes;
}

/**
 * Binary parameter format (version 2), little-endian: u32 magic "TLEP", u32 format version, u32
 * epoch, u32 L, L × u32 layer sizes, u32 byte length of a UTF-8 JSON header ({ version, config }),
 * the header, zero padding to 4 bytes, every W^ℓ (n_ℓ × n_{ℓ+1}, row-major) and every b^ℓ as f32,
 * then u32 CRC-32 (IEEE 802.3, `crc32`) of every byte before it. Version 1 is the same without the CRC.
 * @throws TypeError/RangeError naming the parameter or `meta.epoch` (an integer in [0, 2³² − 1]) at fault.
 * @example
 * ```ts
 * import { saveParameters } from "thermolearn";
 * const p = { layers: [2, 1], weights: [new Float32Array([0.5, -0.25])], biases: [new Float32Array([0.1])] };
 * const bytes = saveParameters(p, { epoch: 0, config: { note: "tiny" } });
 * console.log(bytes.length); // 88 bytes: the header, 2 + 1 floats and the CRC-32
 * ```
 */
export function saveParameters(p: EqPropParameters, meta: { epoch: number; config?: unknown }): Uint8Array {
  const params = checkSavable(p);
  const m = check.options("saveParameters meta", meta, ["epoch", "config"]);
  if (m.epoch === undefined) throw new TypeError("saveParameters: meta.epoch is required");
  const epoch = check.integer("meta.epoch", m.epoch, 0, check.MAX_U32);
  const header = encodeHeader({ version: VERSION, config: m.config ?? null }, "meta.config");
  return writeTlep(EQPROP_FORMAT_VERSION, epoch, params.layers, [], header, [...params.weights, ...params.biases]);
}

/** What a checkpoint holds besides the parameters (see {@link writeCheckpoint}). */
export interface CheckpointState {
  /** Epochs completed. */
  epoch: number;
  /** Mini-batches of the current epoch already trained (the next one to train is this index). */
  batch: number;
  /** The resolved configuration (restore refuses a checkpoint of another configuration). */
  config: unknown;
  /** CRC-32 of the training and held-out sets (images then labels), null for a missing set. */
  data: { train: number | null; test: number | null };
  /** Persistent particles of the training and held-out sets (count × S each; empty without the set). */
  particles: { train: Float32Array; test: Float32Array };
}

/**
 * A checkpoint (TLEP version 3): as {@link saveParameters}' version 2, with three more u32 after the
 * layer sizes (the batch position in the epoch, the training and the held-out set sizes), a header
 * { format: "thermolearn/eqprop", version, config, data }, and after the biases the particles of the
 * training set then the held-out set (count × S f32 each, S = n₁ + … + n_{L−1}), before the CRC.
 * The β signs of an epoch are a function of the seed and the epoch, so no generator state is stored.
 */
export function writeCheckpoint(p: EqPropParameters, state: CheckpointState): Uint8Array {
  const params = checkSavable(p);
  const S = params.layers.slice(1).reduce((s, n) => s + n, 0);
  const trainCount = state.particles.train.length / S,
    testCount = state.particles.test.length / S;
  const header = encodeHeader(
    { format: EQPROP_CHECKPOINT_FORMAT, version: VERSION, config: state.config, data: state.data },
    "the configuration",
  );
  const arrays = [...params.weights, ...params.biases, state.particles.train, state.particles.test];
  return writeTlep(
    EQPROP_CHECKPOINT_VERSION,
    state.epoch,
    params.layers,
    [state.batch, trainCount, testCount],
    header,
    arrays,
  );
}

/** A file read by {@link readTlep}: the parameters, and for a checkpoint the position and particles. */
interface TlepFile {
  parameters: EqPropParameters;
  epoch: number;
  header: unknown;
  formatVersion: number;
  checkpoint: { batch: number; particles: { train: Float32Array; test: Float32Array } } | null;
}

/** Reads any TLEP version (1, 2 or 3), checking the checksum, the sizes and that every value is finite. */
function readTlep(bytes: Uint8Array): TlepFile {
  if (!(bytes instanceof Uint8Array)) throw new TypeError("saved parameters must be a Uint8Array");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  const u32 = () => {
    if (at + 4 > bytes.length)
      throw new RangeError(`saved parameters are truncated: they end at byte ${bytes.length}, inside the fixed fields`);
    const x = view.getUint32(at, true);
    at += 4;
    return x;
  };
  if (u32() !== MAGIC) throw new RangeError("not a thermolearn EqProp parameter file (bad magic)");
  const version = u32();
  if (version !== 1 && version !== 2 && version !== 3) {
    throw new RangeError(
      `parameter format version ${version} is not supported (this build reads 1, ` +
        `${EQPROP_FORMAT_VERSION} and ${EQPROP_CHECKPOINT_VERSION})`,
    );
  }
  const epoch = u32(),
    L = u32();
  if (L < 2 || L > MAX_LAYERS)
    throw new RangeError(`saved parameters have ${L} layers (2 to ${MAX_LAYERS} are possible): the file is corrupt`);
  const layers = Array.from({ length: L }, u32);
  if (layers.some((n) => n < 1 || n > MAX_WIDTH))
    throw new RangeError(
      `saved parameters have a layer of ${layers.find((n) => n < 1 || n > MAX_WIDTH)} units (1 to ` +
        `${MAX_WIDTH} are possible): the file is corrupt`,
    );
  const [batch, trainCount, testCount] = version === 3 ? [u32(), u32(), u32()] : [0, 0, 0];
  const headerLength = u32();
  const headerAt = at,
    dataAt = headerAt + headerLength + ((4 - (headerLength % 4)) % 4);
  const S = layers.slice(1).reduce((s, n) => s + n, 0);
  const floats = layers.slice(0, -1).reduce((s, n, l) => s + n * layers[l + 1], 0) + S + (trainCount + testCount) * S;
  const expected = dataAt + 4 * floats + (version >= 2 ? 4 : 0);
  const sets = version === 3 ? `, ${trainCount} + ${testCount} particles` : "";
  const shape = `layers ${layers.join("-")}${sets} with a ${headerLength}-byte header`;
  if (bytes.length < expected)
    throw new RangeError(
      `saved parameters are truncated or corrupt: ${shape} need ${expected} bytes, the file has ${bytes.length}`,
    );
  if (bytes.length > expected)
    throw new RangeError(`saved parameters have ${bytes.length - expected} unexpected trailing bytes after ${shape}`);
  if (version >= 2) {
    const stored = view.getUint32(expected - 4, true),
      actual = crc32(bytes.subarray(0, expected - 4));
    if (stored !== actual) {
      throw new RangeError(
        `saved parameters are corrupt: their CRC-32 is 0x${actual.toString(16).padStart(8, "0")}, ` +
          `the file records 0x${stored.toString(16).padStart(8, "0")} (a byte changed since saving)`,
      );
    }
  }
  let header: unknown;
  try {
    header = JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(headerAt, headerAt + headerLength)),
    );
  } catch (error) {
    throw new RangeError(
      `saved parameters: the JSON header (${headerLength} bytes from byte ${headerAt}) cannot be ` +
        `read: ${(error as Error).message}`,
    );
  }
  at = dataAt;
  const read = (name: string, n: number, unit = false) => {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = view.getFloat32(at, true);
      at += 4;
      if (!Number.isFinite(a[i]))
        throw new RangeError(`saved parameters: ${name}[${i}] is ${a[i]}; refusing a file with non-finite parameters`);
      if (unit && !(a[i] >= 0 && a[i] <= 1))
        throw new RangeError(`checkpoint: ${name}[${i}] = ${a[i]} is outside [0, 1]`);
    }
    return a;
  };
  const weights = layers.slice(0, -1).map((n, l) => read(`weights[${l}]`, n * layers[l + 1]));
  const biases = layers.slice(1).map((n, l) => read(`biases[${l}]`, n));
  const checkpoint =
    version === 3
      ? {
          batch,
          particles: {
            train: read("train particles", trainCount * S, true),
            test: read("test particles", testCount * S, true),
          },
        }
      : null;
  return { parameters: { layers, weights, biases }, epoch, header, formatVersion: version, checkpoint };
}

/**
 * Reads the format written by {@link saveParameters}, version 2 (checked against its CRC-32) or 1
 * (which has no checksum, so a changed byte in it cannot be detected), or the parameters and epoch
 * of a checkpoint (version 3, see `readCheckpoint`).
 * @throws TypeError for anything but bytes; RangeError for a wrong magic, an unknown version, a
 *   truncated or corrupt file (checksum mismatch), a header that is not JSON, or a parameter that
 *   is not finite.
 * @example
 * ```ts
 * import { loadParameters, saveParameters } from "thermolearn";
 * const p = { layers: [2, 1], weights: [new Float32Array([0.5, -0.25])], biases: [new Float32Array([0.1])] };
 * const bytes = saveParameters(p, { epoch: 3 });
 * const back = loadParameters(bytes);
 * console.log(back.epoch, back.formatVersion, back.parameters.weights[0]); // 3, 2, [0.5, −0.25]
 * ```
 */
export function loadParameters(bytes: Uint8Array): {
  /** The network's layer sizes, weights and biases. */
  parameters: EqPropParameters;
  /** The epoch stored with them. */
  epoch: number;
  /** The parsed JSON header ({ version, config } as written by {@link saveParameters}). */
  header: unknown;
  /** The file's format version: 1, 2 or 3 (a checkpoint). */
  formatVersion: number;
} {
  const { parameters, epoch, header, formatVersion } = readTlep(bytes);
  return { parameters, epoch, header, formatVersion };
}

/**
 * Reads a checkpoint written by {@link writeCheckpoint}.
 * @throws as {@link loadParameters}; RangeError when the file is not a checkpoint (version 3 with a
 *   "thermolearn/eqprop" header) or a particle lies outside [0, 1].
 */
export function readCheckpoint(bytes: Uint8Array): { parameters: EqPropParameters; state: CheckpointState } {
  const file = readTlep(bytes);
  if (file.checkpoint === null) {
    throw new RangeError(
      `not an EqProp checkpoint: TLEP version ${file.formatVersion} holds parameters only (load ` +
        `them with load(), or write a checkpoint with checkpoint())`,
    );
  }
  const header = file.header as {
    format?: unknown;
    config?: unknown;
    data?: { train?: unknown; test?: unknown };
  } | null;
  if (typeof header !== "object" || header === null || header.format !== EQPROP_CHECKPOINT_FORMAT) {
    throw new RangeError(`checkpoint: the header's format must be "${EQPROP_CHECKPOINT_FORMAT}"`);
  }
  const crc = (name: string, x: unknown): number | null => {
    if (x === null) return null;
    if (!(Number.isInteger(x) && (x as number) >= 0 && (x as number) <= check.MAX_U32))
      throw new RangeError(`checkpoint: data.${name} must be a CRC-32 or null`);
    return x as number;
  };
  if (typeof header.data !== "object" || header.data === null)
    throw new RangeError("checkpoint: the header has no data fingerprints");
  const data = { train: crc("train", header.data.train), test: crc("test", header.data.test) };
  return {
    parameters: file.parameters,
    state: {
      epoch: file.epoch,
      batch: file.checkpoint.batch,
      config: header.config,
      data,
      particles: file.checkpoint.particles,
    },
  };
}
