// Linear-memory allocator shared by every model.
//
// thermolearn builds with `--runtime stub` and never creates managed objects, so the heap above
// `__heap_base` is ours. Each simulation owns a whole module instance, so a bump allocator is all it
// needs: memory is returned by dropping the instance (see src/core/instance.ts).

let heapTop: usize = (__heap_base + 15) & ~(<usize>15);

/**
 * Allocates `bytes` bytes of zeroed, 16-byte-aligned memory and returns its address, or 0 when the
 * memory cannot grow that far (the TS side checks sizes before calling, so 0 means a real limit).
 */
export function alloc(bytes: usize): usize {
  const ptr = heapTop;
  const end = (ptr + bytes + 15) & ~(<usize>15);
  if (end < ptr) return 0;
  const pagesNeeded = <i32>((end + 0xffff) >>> 16);
  const pagesHave = memory.size();
  if (pagesNeeded > pagesHave && memory.grow(pagesNeeded - pagesHave) < 0) return 0;
  memory.fill(ptr, 0, end - ptr);
  heapTop = end;
  return ptr;
}

/** Address one past the last allocated byte (for tests and memory accounting). */
export function heap_top(): usize {
  return heapTop;
}
