/**
 * The shared wasm instance for one-shot free functions (one per build): one scratch region, reused by
 * every call and grown (by doubling) when a call needs more. Calls are synchronous, so one region is
 * enough.
 */
import { WasmInstance } from "./instance.js";
import { currentBackend, type Backend } from "./loader.js";

interface Slot {
  wasm: WasmInstance;
  address: number;
  bytes: number;
}

// Keyed by the resolved build, so "no backend asked for" and the same build asked for by name share one.
const slots: Partial<Record<Backend, Slot>> = {};

function slot(backend?: Backend): Slot {
  const key = backend ?? currentBackend();
  return (slots[key] ??= { wasm: new WasmInstance("the shared scratch instance", key), address: 0, bytes: 0 });
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
  const total = aligned.reduce((a, b) => a + b, 0);
  if (total > s.bytes) {
    s.bytes = Math.max(total, 2 * s.bytes);
    s.address = s.wasm.alloc(s.bytes, what);
  }
  const addresses: number[] = [];
  let at = s.address;
  for (const b of aligned) {
    addresses.push(at);
    at += b;
  }
  return { wasm: s.wasm, addresses };
}
