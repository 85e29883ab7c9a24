import { expect } from "vitest";

/**
 * |actual − expected| ≤ atol + rtol·|expected|, elementwise. Every call site states why its
 * tolerance is what it is.
 */
export function assertClose(
  actual: number | ArrayLike<number>,
  expected: number | ArrayLike<number>,
  { rtol = 0, atol = 0 }: { rtol?: number; atol?: number },
): void {
  const a = typeof actual === "number" ? [actual] : Array.from(actual);
  const e = typeof expected === "number" ? [expected] : Array.from(expected);
  expect(a.length).toBe(e.length);
  let worst = -1,
    worstExcess = 0;
  for (let i = 0; i < a.length; i++) {
    const excess = Math.abs(a[i] - e[i]) - (atol + rtol * Math.abs(e[i]));
    if (!(excess <= 0) && (worst < 0 || excess > worstExcess || Number.isNaN(excess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`element ${worst}: ${a[worst]} vs ${e[worst]} (rtol ${rtol}, atol ${atol})`);
  }
}

export const BACKENDS = ["simd", "scalar"] as const;
