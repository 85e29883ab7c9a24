/**
 * The shared wasm instance for one-shot free functions (one per build): one scratch region, reused by
 * every call and grown (by doubling) when a call needs more. Calls are synchronous, so one region is
 * enough.
 */
import { WasmInstance } from "./instance.js";
import { currentBackend, type Backend } from "./loader.js";

/**
 * A reusable block in one instance's memory, grown when a caller needs more: to twice its size or the
 * request, whichever is larger (at least `minBytes`). The bump allocator never frees, so a grown
 * block abandons the old one; doubling keeps that waste below the block's size.
 */
export class ScratchRegion {
  #address = 0;
  #bytes = 0;
  constructor(
    readonly wasm: WasmInstance,
    readonly minBytes = 0,
  ) {}

  /** The block's address, valid for `bytes` bytes until the next call; `what` names it in an out-of-memory error. */
  take(bytes: number, what: string): number {
    if (bytes > this.#bytes) {
      // Allocate first, record after: a refused request (alloc throws) leaves the old block in force.
      // When doubling would not fit, the exact size still may.
      let size = Math.max(bytes, 2 * this.#bytes, this.minBytes);
      if (size > bytes && !this.wasm.fits(size)) size = Math.max(bytes, this.minBytes);
      this.#address = this.wasm.alloc(size, what);
      this.#bytes = size;
    }
    return this.#address;
  }
}

// Keyed by the resolved build, so "no backend asked for" and the same build asked for by name share one.
const slots: Partial<Record<Backend, ScratchRegion>> = {};

function slot(backend?: Backend): ScratchRegion {
  const key = backend ?? currentBackend();
  return (slots[key] ??= new ScratchRegion(new WasmInstance("the shared scratch instance", key)));
}

/**
 * The shared instance of a build (default: {@link currentBackend}), for calls that need its exports
 * or a cached table but no scratch block.
 */
export function scratchInstance(backend?: Backend): WasmInstance {
  return slot(backend).wasm;
}

/**
 * Returns the shared instance and `sizes.length` addresses of 16-byte-aligned blocks of the given
 * byte sizes, inside its scratch region. The blocks are valid until the next call.
 */
export function scratch(sizes: number[], what: string, backend?: Backend): { wasm: WasmInstance; addresses: number[] } {
  const s = slot(backend);
  const aligned = sizes.map((b) => Math.ceil(b / 16) * 16);
  const addresses: number[] = [];
  let at = s.take(
    aligned.reduce((a, b) => a + b, 0),
    what,
  );
  for (const b of aligned) {
    addresses.push(at);
    at += b;
  }
  return { wasm: s.wasm, addresses };
}
