#!/usr/bin/env python3
"""scipy peer for the non-equilibrium-memory hot loops, timed as medians of repeated calls:
- circular convolution with a 1000-tap kernel (scipy.ndimage.convolve1d, mode='wrap'), N = 10⁴, 10⁵;
- the 10-state ladder master equation dp/dt = M p to 10⁴ time points over 5 time units with
  scipy.integrate.odeint (default tolerances), from the s = 0 steady state after a step to s = 200,
  γ = 0.1, F = 25 (the rates of shared/spec/MODELS.md §3, Appendix F).

Usage: python3 bench/contrastive_scipy.py [--seconds 1] [--json] [--only convolution|master]
"""
import argparse
import json
import time

import numpy as np
import scipy
from scipy.integrate import odeint
from scipy.linalg import null_space
from scipy.ndimage import convolve1d


def ladder_rates(gamma, F, s, rungs=5, KI=18.2, KA=3000.0):
    """M[i, j] = rate j → i for the 2 × rungs ladder (top rail 0…rungs−1, bottom rail below)."""
    n = 2 * rungs
    M = np.zeros((n, n))
    for m in range(rungs - 1):
        top, bot = m, m + rungs
        M[top, top + 1] = 1.0                  # top rail leftward, rate 1
        M[top + 1, top] = np.e * gamma         # top rail rightward, e·γ
        M[bot + 1, bot] = 1.0                  # bottom rail rightward, rate 1
        M[bot, bot + 1] = np.e * gamma         # bottom rail leftward, e·γ
    for m in range(rungs):
        dE = 2 * (1 - m) + np.log((1 + s / KI) / (1 + s / KA))
        up, down = (F * np.exp(-dE), F) if dE < 0 else (F, F * np.exp(dE))
        M[m, m + rungs] = up                   # bottom → top
        M[m + rungs, m] = down                 # top → bottom
    M -= np.diag(M.sum(axis=0))
    return M


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
    ap.add_argument("--only", choices=["convolution", "master"])
    a = ap.parse_args()
    rng = np.random.default_rng(1)
    kernel = rng.standard_normal(1000)
    rows = []
    if a.only != "master":
        for n in (10_000, 100_000):
            s = rng.standard_normal(n)
            rows.append({"n": n, "taps": 1000, "ms": median_ms(lambda: convolve1d(s, kernel, mode="wrap"), a.seconds)})
    ode_ms = None
    if a.only != "convolution":
        p0 = null_space(ladder_rates(0.1, 25, 0.0))[:, 0]
        p0 /= p0.sum()
        M = ladder_rates(0.1, 25, 200.0)
        t = np.linspace(0, 5, 10_001)
        ode_ms = median_ms(lambda: odeint(lambda p, _t: M @ p, p0, t), a.seconds)
    if a.json:
        print(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "convolution": rows,
                          "masterEquation": {"states": 10, "points": 10_001, "ms": ode_ms}}))
    else:
        for r in rows:
            print(f"convolve1d wrap, N = {r['n']}, {r['taps']} taps: {r['ms']:.2f} ms")
        if ode_ms is not None:
            print(f"odeint, 10-state master equation, 10⁴ points: {ode_ms:.2f} ms")


if __name__ == "__main__":
    main()
