/**
 * A shared wasm instance for one-shot free functions: one scratch region, reused by every call and
 * grown (by doubling) when a call needs more. Calls are synchronous, so one region is enough.
 */
import { WasmInstance } from "./instance.js";
import type { Backend } from "./loader.js";

const instances: Partial<Record<Backend | "default", { wasm: WasmInstance; address: number; bytes: number }>> = {};

/**
 * Returns the instance and `sizes.length` addresses of 16-byte-aligned blocks of the given byte sizes,
 * inside the instance's scratch region.
 */
export function scratch(sizes: number[], what: string, backend?: Backend): { wasm: WasmInstance; addresses: number[] } {
  const key = backend ?? "default";
  const slot = (instances[key] ??= { wasm: new WasmInstance("the scratch instance", backend), address: 0, bytes: 0 });
  const aligned = sizes.map((b) => Math.ceil(b / 16) * 16);
  const total = aligned.reduce((a, b) => a + b, 0);
  if (total > slot.bytes) {
    slot.bytes = Math.max(total, 2 * slot.bytes);
    slot.address = slot.wasm.alloc(slot.bytes, what);
  }
  const addresses: number[] = [];
  let at = slot.address;
  for (const b of aligned) {
    addresses.push(at);
    at += b;
  }
  return { wasm: slot.wasm, addresses };
}
