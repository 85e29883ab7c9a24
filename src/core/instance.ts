/**
 * A wasm instance owned by one object: typed-array views that survive memory growth, checked
 * allocation, and an idempotent dispose.
 */
import { instantiate, type Backend } from "./loader.js";
import { MAX_MEMORY_BYTES, type ThermolearnExports } from "./abi.js";

/**
 * Thrown when an object is used after `dispose()`.
 * @example
 * ```ts
 * import { DisposedError, Rng } from "thermolearn";
 * const rng = new Rng();
 * rng.dispose();
 * try {
 *   rng.uniform(1);
 * } catch (error) {
 *   console.log(error instanceof DisposedError, (error as Error).message);
 * }
 * ```
 */
export class DisposedError extends Error {
  constructor(what: string) {
    super(`${what} was disposed; create a new one`);
    this.name = "DisposedError";
  }
}

export class WasmInstance {
  readonly backend: Backend;
  #exports: ThermolearnExports | undefined;
  #buffer: ArrayBuffer | undefined;
  #f64 = new Float64Array(0);
  #u8 = new Uint8Array(0);
  #u32 = new Uint32Array(0);
  #f32 = new Float32Array(0);
  #i32 = new Int32Array(0);

  constructor(
    private readonly owner: string,
    backend?: Backend,
  ) {
    const made = instantiate(backend);
    this.#exports = made.exports;
    this.backend = made.backend;
  }

  /** The raw exports; throws {@link DisposedError} after dispose. */
  get exports(): ThermolearnExports {
    if (!this.#exports) throw new DisposedError(this.owner);
    return this.#exports;
  }

  get disposed(): boolean {
    return this.#exports === undefined;
  }

  /** Re-creates the views when memory grew (growth detaches the old buffer). */
  #refresh(): void {
    const buffer = this.exports.memory.buffer;
    if (buffer !== this.#buffer) {
      this.#buffer = buffer;
      this.#f64 = new Float64Array(buffer);
      this.#u8 = new Uint8Array(buffer);
      this.#u32 = new Uint32Array(buffer);
      this.#f32 = new Float32Array(buffer);
      this.#i32 = new Int32Array(buffer);
    }
  }

  /** Whole-memory views, current after any growth. Index with `address >> 3` (f64) or `>> 2` (u32). */
  get f64(): Float64Array {
    this.#refresh();
    return this.#f64;
  }
  get u8(): Uint8Array {
    this.#refresh();
    return this.#u8;
  }
  get u32(): Uint32Array {
    this.#refresh();
    return this.#u32;
  }
  /** Whole-memory f32 and i32 views; index with `address >> 2`. */
  get f32(): Float32Array {
    this.#refresh();
    return this.#f32;
  }
  get i32(): Int32Array {
    this.#refresh();
    return this.#i32;
  }

  /** A zero-copy Float64Array over `length` values at `address` (invalid after memory grows). */
  f64View(address: number, length: number): Float64Array {
    return new Float64Array(this.exports.memory.buffer, address, length);
  }

  /** A copy of `length` f64 values at `address`. */
  f64Copy(address: number, length: number): Float64Array {
    return this.f64.slice(address >> 3, (address >> 3) + length);
  }

  /** Whether `bytes` more bytes would fit under the module's maximum memory. */
  fits(bytes: number): boolean {
    return this.exports.heap_top() + bytes <= MAX_MEMORY_BYTES;
  }

  /**
   * Allocates zeroed memory. Sizes are checked against the module's maximum first, since a failed
   * grow inside wasm would only say "unreachable".
   * @throws RangeError naming `what` when the memory cannot hold it.
   */
  alloc(bytes: number, what: string): number {
    const top = this.exports.heap_top();
    if (!(top + bytes <= MAX_MEMORY_BYTES)) {
      // also refuses NaN
      throw new RangeError(
        `${what} needs ${formatBytes(bytes)} of wasm memory; at most ${formatBytes(MAX_MEMORY_BYTES - top)} is left`,
      );
    }
    const address = this.exports.alloc(bytes);
    if (address === 0) throw new RangeError(`${what}: the engine refused to grow wasm memory by ${formatBytes(bytes)}`);
    return address;
  }

  /** Drops the instance and its memory. Idempotent. */
  dispose(): void {
    this.#exports = undefined;
    this.#buffer = undefined;
    this.#f64 = new Float64Array(0);
    this.#u8 = new Uint8Array(0);
    this.#u32 = new Uint32Array(0);
    this.#f32 = new Float32Array(0);
    this.#i32 = new Int32Array(0);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  return `${bytes} bytes`;
}
