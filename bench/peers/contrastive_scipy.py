#!/usr/bin/env python3
"""scipy peer for the non-equilibrium-memory hot loops, timed as medians of repeated calls:
- circular convolution with a 1000-tap kernel (scipy.ndimage.convolve1d, mode='wrap'), N = 10⁴, 10⁵;
- the 10-state ladder master equation dp/dt = M p to 10⁴ time points over 5 time units with
  scipy.integrate.odeint (default tolerances), from the s = 0 steady state after a step to s = 200,
  γ = 0.1, F = 25 (the rates of shared/spec/MODELS.md §3, Appendix F).

Usage: python3 bench/peers/contrastive_scipy.py [--seconds 1] [--json] [--only convolution|master]
"""
import argparse
import json
import os
import sys

import numpy as np
import scipy
from scipy.integrate import odeint
from scipy.linalg import null_space
from scipy.ndimage import convolve1d

from peer_common import blas_info, blas_threads, describe_blas, env_info, ladder_rates, median_ms


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
    info = blas_info()
    head = {"scipy": scipy.__version__, "numpy": np.__version__, "python": sys.version.split()[0], "blas": info,
            "threads": blas_threads(info), "cpus": os.cpu_count(), "env": env_info()}
    if a.json:
        master = {"states": 10, "points": 10_001, "ms": ode_ms}
        print(json.dumps({**head, "convolution": rows, "masterEquation": master}))
    else:
        print(f"scipy {head['scipy']}, numpy {head['numpy']}, {describe_blas(info)}, "
              f"{head['cpus']} CPUs, env {head['env']}")
        for r in rows:
            print(f"convolve1d wrap, N = {r['n']}, {r['taps']} taps: {r['ms']:.2f} ms")
        if ode_ms is not None:
            print(f"odeint, 10-state master equation, 10⁴ points: {ode_ms:.2f} ms")


if __name__ == "__main__":
    main()
