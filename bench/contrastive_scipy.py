#!/usr/bin/env python3
"""scipy peer for the non-equilibrium-memory hot loops: circular convolution with a 1000-tap kernel
(scipy.ndimage.convolve1d, mode='wrap') at N = 10⁴ and 10⁵, timed as the median of repeated calls.

Usage: python3 bench/contrastive_scipy.py [--seconds 1] [--json]
"""
import argparse
import json
import time

import numpy as np
import scipy
from scipy.ndimage import convolve1d


def median_ms(f, seconds):
    f()
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(times) < 5:
        t = time.perf_counter()
        f()
        times.append(1000 * (time.perf_counter() - t))
    return float(np.median(times))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=1.0)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    rng = np.random.default_rng(1)
    kernel = rng.standard_normal(1000)
    rows = []
    for n in (10_000, 100_000):
        s = rng.standard_normal(n)
        rows.append({"n": n, "taps": 1000, "ms": median_ms(lambda: convolve1d(s, kernel, mode="wrap"), a.seconds)})
    if a.json:
        print(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "convolution": rows}))
    else:
        for r in rows:
            print(f"convolve1d wrap, N = {r['n']}, {r['taps']} taps: {r['ms']:.2f} ms")


if __name__ == "__main__":
    main()
