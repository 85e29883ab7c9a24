/**
 * Long runs are written once, as generators that yield after each chunk of work; these two drivers
 * run them synchronously or asynchronously (yielding to the event loop about every 30 ms, so pages
 * and progress bars stay live).
 */
import * as check from "./validate.js";

export function driveSync<T>(loop: Generator<void, T>): T {
  for (;;) {
    const next = loop.next();
    if (next.done) return next.value;
  }
}

export async function driveAsync<T>(loop: Generator<void, T>): Promise<T> {
  let last = performance.now();
  for (;;) {
    const next = loop.next();
    if (next.done) return next.value;
    if (performance.now() - last > 30) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      last = performance.now();
    }
  }
}

/** Progress report passed to `onProgress` callbacks. */
export interface Progress {
  step: number;
  steps: number;
  t: number;
  fraction: number;
}

/** Checks the shared run options `onProgress` and `signal`. */
export function checkRunCallbacks(options: { onProgress?: unknown; signal?: unknown }): void {
  check.optionalFunction("onProgress", options.onProgress);
  const signal = options.signal;
  if (signal !== undefined && !(typeof signal === "object" && signal !== null && "aborted" in signal)) {
    throw new TypeError("signal must be an AbortSignal");
  }
}
