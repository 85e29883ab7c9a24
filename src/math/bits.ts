/** ±1 vectors packed one bit per entry, least significant bit first (bit set ⇔ +1), as the wasm stores them. */

/** Packs x (entries ±1; > 0 counts as +1) into `bytes` at `offset`, ⌈n/8⌉ bytes, zeroing them first. */
export function packSigns(x: ArrayLike<number>, bytes: Uint8Array, offset = 0): void {
  bytes.fill(0, offset, offset + ((x.length + 7) >> 3));
  for (let i = 0; i < x.length; i++) if (x[i] > 0) bytes[offset + (i >> 3)] |= 1 << (i & 7);
}

/** Unpacks n entries from `bytes` at `offset` into a new Int8Array of ±1. */
export function unpackSigns(bytes: Uint8Array, offset: number, n: number): Int8Array {
  const x = new Int8Array(n);
  for (let i = 0; i < n; i++) x[i] = (bytes[offset + (i >> 3)] >> (i & 7)) & 1 ? 1 : -1;
  return x;
}
