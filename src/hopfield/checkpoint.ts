/**
 * The {@link Hopfield} checkpoint format ("thermolearn/hopfield", version 1): what it holds, how it is
 * written, and the strict check {@link Hopfield.restore} makes before writing anything.
 */
import * as check from "../core/validate.js";
import { packSigns, unpackSigns } from "../math/bits.js";
import type { HopfieldConfig } from "./config.js";
import type { Hopfield } from "./model.js";

/** A saved {@link Hopfield} state: JSON-serialisable; {@link Hopfield.restore} replays from it bit for bit. */
export interface HopfieldCheckpoint {
  /** Always "thermolearn/hopfield". */
  format: typeof CHECKPOINT_FORMAT;
  /** The layout's version, 1. */
  version: typeof CHECKPOINT_VERSION;
  /** The config of the network it was taken from; restore requires the same. */
  config: HopfieldConfig;
  /** FNV-1a (32 bits, hex) of the stored patterns, the bias and given weights: restore requires the same. */
  network: string;
  /** The state x, packed one bit per neuron, LSB first, bit set ⇔ +1 (⌈N/8⌉ bytes as lowercase hex). */
  state: string;
  /** The dynamics stream's xoshiro256++ state, 8 u32 words. */
  rng: number[];
}

export const CHECKPOINT_FORMAT = "thermolearn/hopfield";
export const CHECKPOINT_VERSION = 1;
const CHECKPOINT_KEYS = ["format", "version", "config", "network", "state", "rng"] as const;
/** u32 words of a generator state (xoshiro256++: four u64). */
export const RNG_WORDS = 8;

/** FNV-1a's 32-bit offset basis and prime (Fowler, Noll and Vo). */
const FNV_OFFSET_BASIS = 2166136261;
const FNV_PRIME = 16777619;

/** FNV-1a over 32-bit words, continuing from `hash`. */
function fnv1a(words: Uint32Array, from: number, count: number, hash: number): number {
  for (let i = from; i < from + count; i++) hash = Math.imul(hash ^ words[i], FNV_PRIME) >>> 0;
  return hash;
}

/** Bytes as lowercase hex, two digits each. */
function toHex(bytes: Uint8Array): string {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}

/**
 * The checkpoint's `network` fingerprint: FNV-1a over the given blocks of u32 words (`[from, count]`,
 * word offsets into `words`), in order, as 8 lowercase hex digits.
 */
export function networkFingerprint(words: Uint32Array, blocks: readonly (readonly [number, number])[]): string {
  let hash = FNV_OFFSET_BASIS;
  for (const [from, count] of blocks) hash = fnv1a(words, from, count, hash);
  return hash.toString(16).padStart(8, "0");
}

/** A checkpoint of a network with this config and fingerprint, in state x (±1) with generator words `rng`. */
export function writeCheckpoint(
  config: HopfieldConfig,
  network: string,
  state: Int8Array,
  rng: Uint32Array,
): HopfieldCheckpoint {
  const bytes = new Uint8Array((state.length + 7) >> 3);
  packSigns(state, bytes);
  return {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    config: { ...config },
    network,
    state: toHex(bytes),
    rng: Array.from(rng),
  };
}

/** What a checkpoint must match: the network's config, its neurons and (computed when first needed) its fingerprint. */
export interface CheckpointTarget {
  config: HopfieldConfig;
  n: number;
  network: () => string;
}

/**
 * Checks every field of a checkpoint against the network it is restored into; returns its state (±1)
 * and generator words.
 * @throws TypeError/RangeError naming the bad field (`checkpoint.config.seed`, `checkpoint.rng[3]`, …).
 */
export function readCheckpoint(saved: unknown, target: CheckpointTarget): { state: Int8Array; rng: Uint32Array } {
  const name = "checkpoint";
  if (typeof saved !== "object" || saved === null || Array.isArray(saved)) {
    throw new TypeError(`${name} must be an object from Hopfield.checkpoint()`);
  }
  check.knownKeys(name, saved, CHECKPOINT_KEYS);
  const s = saved as Record<string, unknown>;
  if (s.format !== CHECKPOINT_FORMAT) {
    const got = JSON.stringify(s.format) ?? typeof s.format;
    throw new RangeError(`${name}.format must be "${CHECKPOINT_FORMAT}", got ${got}`);
  }
  if (s.version !== CHECKPOINT_VERSION) {
    throw new RangeError(
      `${name}.version must be ${CHECKPOINT_VERSION} (the only version this thermolearn reads), ` +
        `got ${String(s.version)}`,
    );
  }
  const config = s.config;
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new TypeError(`${name}.config must be an object`);
  }
  check.knownKeys(`${name}.config`, config, Object.keys(target.config));
  for (const [key, value] of Object.entries(target.config)) {
    const got = (config as Record<string, unknown>)[key];
    if (!Object.is(got, value)) {
      const shown = JSON.stringify(got) ?? "missing";
      throw new RangeError(`${name}.config.${key} is ${shown}, but this network's is ${JSON.stringify(value)}`);
    }
  }
  if (typeof s.network !== "string") throw new TypeError(`${name}.network must be a string`);
  if (s.network !== target.network()) {
    throw new RangeError(
      `${name}.network is ${s.network}, but this network's is ${target.network()}: other patterns, bias or weights`,
    );
  }
  const bytes = (target.n + 7) >> 3;
  if (typeof s.state !== "string") throw new TypeError(`${name}.state must be a string of hex digits`);
  if (s.state.length !== 2 * bytes || !/^[0-9a-f]*$/.test(s.state)) {
    throw new RangeError(
      `${name}.state must be ${2 * bytes} lowercase hex digits (⌈n/8⌉ = ${bytes} bytes), ` +
        `got ${s.state.length} characters`,
    );
  }
  const hex = s.state;
  const packed = Uint8Array.from({ length: bytes }, (_, i) => Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16));
  if (target.n % 8 !== 0 && packed[bytes - 1] >> (target.n % 8) !== 0) {
    throw new RangeError(`${name}.state has bits set past neuron n − 1 = ${target.n - 1}`);
  }
  if (!Array.isArray(s.rng)) throw new TypeError(`${name}.rng must be an array of ${RNG_WORDS} u32 words`);
  if (s.rng.length !== RNG_WORDS) {
    throw new RangeError(`${name}.rng must hold ${RNG_WORDS} words, got ${s.rng.length}`);
  }
  const rng = Uint32Array.from(s.rng, (w, i) => check.integer(`${name}.rng[${i}]`, w, 0, check.MAX_U32));
  if (rng.every((w) => w === 0)) {
    throw new RangeError(`${name}.rng must not be all zero (the generator's fixed point)`);
  }
  return { state: unpackSigns(packed, 0, target.n), rng };
}
