#!/usr/bin/env python3
"""numpy peer benchmark for synchronous recall in a Hebbian Hopfield network.

Model: states x ∈ {±1}ᴺ, K uniform random patterns ξ^μ ∈ {±1}ᴺ (the rows of Ξ, K × N), Hebbian storage

    W = (1/N) Σ_μ ξ^μ ξ^μᵀ with W_ii = 0,   i.e.   W = (ΞᵀΞ − K I)/N,

and the synchronous update x ← sign(W x), sign(0) = +1. One step = one update of one state vector.
The timing loop starts from stored pattern ξ¹ with 10 % of its bits flipped and just keeps iterating;
recall reaches a fixed point within a few steps, which does not matter: every step costs the same.

Variants (float32 and float64 each; x is held in the matching float dtype, all buffers preallocated):

  dense      h = W @ x (np.matmul with out=, a BLAS gemv over the N × N matrix: 4N² or 8N² bytes read
             per step), W built as ΞᵀΞ/N by one BLAS matmul. The textbook O(N²) route.
  lowrank    the Hebbian structure: h = Ξᵀ(Ξ x)/N − (K/N) x, two gemvs over the K × N pattern matrix,
             O(NK) per step and no N × N matrix at all. The fair algorithmic peer of an O(NK) fast path.
  *-batchM   M states at once (X is N × M, default M = 64): H = W @ X or Ξᵀ(Ξ X)/N − (K/N) X, a BLAS gemm,
             which reuses each loaded weight M times. Its steps_per_s counts state updates (M per call),
             so it is NOT comparable with the single-state rows: it is what numpy gets when work batches.

The sign: np.copysign(1, h + 0.0) writes ±1 straight into x (out=); adding +0.0 turns a −0.0 into +0.0,
so h = 0 gives +1 as required.

Usage: python3 bench/peers/hopfield_numpy.py [--n 1000] [--k 100] [--seconds 2] [--json]
                                       [--sizes 1000:100,10000:1000] [--batch 64]
"""

import argparse
import json
import os
import sys
import time

import numpy as np

from peer_common import blas_info, blas_threads, describe_blas, env_info, steps_per_second

DEFAULT_SIZES = "1000:100,10000:1000"


def patterns(rng, k, n, dtype):
    """K × N matrix of uniform ±1 patterns in the given float dtype."""
    return (2 * rng.integers(0, 2, size=(k, n), dtype=np.int8) - 1).astype(dtype)


def sign_into(h, x):
    """x = sign(h) with sign(0) = +1, in place: h + 0.0 maps −0.0 to +0.0, copysign(1, ·) gives ±1."""
    np.add(h, 0.0, out=h)
    np.copysign(1.0, h, out=x)


def start_state(xi, m, rng, flip=0.1):
    """Pattern ξ¹ with a fraction `flip` of bits flipped: a vector (m = 0) or N × m copies with independent flips."""
    n = xi.shape[1]
    shape = (n,) if m == 0 else (n, m)
    x = np.broadcast_to(xi[0].reshape((n,) + (1,) * (len(shape) - 1)), shape).copy()
    x[rng.random(shape) < flip] *= -1
    return x


def make_dense(xi, m, rng):
    """h = W @ x with W = (ΞᵀΞ − K I)/N built by one matmul; returns (step, bytes held)."""
    k, n = xi.shape
    W = np.matmul(xi.T, xi)  # one BLAS gemm in the dtype of Ξ
    W *= 1.0 / n
    np.fill_diagonal(W, 0)
    x = start_state(xi, m, rng)
    h = np.empty_like(x)

    def step():
        np.matmul(W, x, out=h)
        sign_into(h, x)

    return step, W.nbytes


def make_lowrank(xi, m, rng):
    """h = Ξᵀ(Ξ x)/N − (K/N) x, two matvecs (matmuls if batched) over Ξ; returns (step, bytes held)."""
    k, n = xi.shape
    x = start_state(xi, m, rng)
    overlaps = np.empty((k,) + x.shape[1:], xi.dtype)  # Ξ x: the K overlaps ξ^μ·x
    h = np.empty_like(x)
    kx = np.empty_like(x)
    xiT = xi.T  # a view, BLAS reads it transposed
    inv_n, k_over_n = xi.dtype.type(1.0 / n), xi.dtype.type(k / n)

    def step():
        np.matmul(xi, x, out=overlaps)
        np.matmul(xiT, overlaps, out=h)
        np.multiply(h, inv_n, out=h)
        np.multiply(x, k_over_n, out=kx)
        np.subtract(h, kx, out=h)  # the −(K/N) x removes the diagonal W_ii = K/N
        sign_into(h, x)

    return step, xi.nbytes


VARIANTS = {"dense": make_dense, "lowrank": make_lowrank}
DTYPES = {"f32": np.float32, "f64": np.float64}


def benchmark(n, k, batch, seconds, seed):
    """All variants at one size: single state, then (if batch > 0) M states per call."""
    rows = []
    for m in ([0, batch] if batch > 0 else [0]):
        for vname, make in VARIANTS.items():
            for dname, dtype in DTYPES.items():
                rng = np.random.default_rng(seed)
                xi = patterns(rng, k, n, dtype)
                t = time.perf_counter()
                step, held = make(xi, m, rng)
                build = time.perf_counter() - t
                rate, blocks = steps_per_second(step, seconds)
                per = max(m, 1)  # state updates per call
                rows.append({"n": n, "k": k, "variant": f"{vname}-{dname}" + (f"-batch{m}" if m else ""),
                             "batch": per, "steps_per_s": round(rate * per, 1),
                             "blocks": [round(r * per, 1) for r in blocks],
                             "build_s": round(build, 3), "matrix_mb": round(held / 2**20, 1)})
                del step  # frees W before the next variant is built
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=None, help="one size instead of --sizes (K defaults to N/10)")
    ap.add_argument("--k", type=int, default=None, help="patterns for --n")
    ap.add_argument("--sizes", default="default", help=f"N:K list, 'default' = {DEFAULT_SIZES}")
    ap.add_argument("--batch", type=int, default=64, help="states per call in the batched rows (0: none)")
    ap.add_argument("--seconds", type=float, default=2.0, help="timing time per variant")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    a = ap.parse_args()
    info = blas_info()
    head = {"numpy": np.__version__, "python": sys.version.split()[0], "blas": info,
            "threads": blas_threads(info), "cpus": os.cpu_count(), "env": env_info()}

    if a.n is not None:
        sizes = [(a.n, a.k if a.k is not None else max(1, a.n // 10))]
    else:
        spec = DEFAULT_SIZES if a.sizes == "default" else a.sizes
        sizes = [tuple(int(v) for v in s.split(":")) for s in spec.split(",")]
    results = []
    for n, k in sizes:
        results += benchmark(n, k, a.batch, a.seconds, a.seed)
    if a.json:
        print(json.dumps({**head, "results": results}))
        return
    print(f"Hopfield synchronous update x ← sign(W x), numpy {np.__version__}, {describe_blas(info)}, "
          f"cpus {head['cpus']}, env {head['env']}")
    print("steps/s = state-vector updates per second; batch rows update M states per call (not per-state latency)")
    print(f"{'N':>6}{'K':>6}  {'variant':<20}{'steps/s':>12}{'µs/step':>10}{'MB':>8}{'build s':>9}   blocks (steps/s)")
    for r in results:
        s = r["steps_per_s"]
        print(f"{r['n']:>6}{r['k']:>6}  {r['variant']:<20}{s:>12.0f}{1e6 / s:>10.2f}{r['matrix_mb']:>8.1f}"
              f"{r['build_s']:>9.2f}   {' '.join(f'{b:.0f}' for b in r['blocks'])}")


if __name__ == "__main__":
    main()
