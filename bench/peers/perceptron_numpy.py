#!/usr/bin/env python3
"""numpy peer benchmark for one Euler–Maruyama step of the stochastic perceptron.

Model (shared/spec/MODELS.md §1): student w ∈ Rⁿ, teacher T ∈ Rⁿ with N(0, 1) entries, B fresh inputs
ξ_b ∈ {±1}ⁿ per step, and

    A_b = w·ξ_b/√n,   σ_b = sign(T·ξ_b) (sign(0) = +1),
    𝓕_b = 1 (Hebbian) or Θ(−σ_b A_b) (perceptron, Θ(0) = 0),
    w ← w + Δt (−k w + (ν/B) Σ_b σ_b 𝓕_b ξ_b) + √(2DΔt) z,   z ~ N(0, I).

Defaults: n = 10⁴, B = 30, k = 1, ν = 3√n, D = 1, Δt = 10⁻³, float64 throughout, Hebbian rule.
Three implementations of the same step (the JSON reports each; "vectorised" is the fastest):

  obvious     what a person writes first: rng.choice for ξ, ξ @ w and ξ @ T, the force as a
              coefficient vector @ ξ, rng.standard_normal(n) for the noise (default_rng, i.e. PCG64).
  vectorised  byte histograms, the algorithm of assembly/perceptron.ts in numpy. Bits come as raw
              64-bit words; byte g of weight i carries ξ_{8g+j,i} > 0 in bit j. Then
                · the 2B dots: h_g[v] = Σ_{i: byte_gi = v} w_i (np.bincount with weights, same for T),
                  and w·ξ_{8g+j} = 2 Σ_v h_g[v] bit_j(v) − Σw (a 256×8 matmul);
                · the force: Σ_b c_b ξ_bi = Σ_g table_g[byte_gi], table_g[v] = Σ_j c_{8g+j} (±1 of bit j),
                  one np.take over all groups and G−1 adds.
              No B×n float matrix is ever built.
  blas        the textbook fast route: raw words → np.unpackbits → a preallocated float64 0/1 matrix β
              (ξ = 2β − 1, so w·ξ = 2 w·β − Σw and Σ c_b ξ_b = 2 Σ c_b β_b − Σ c_b: one cast pass),
              [w; T] @ βᵀ as one BLAS call and c @ β as another, all with out=, the batch processed in
              row chunks of about 1 MiB so β stays in cache between the two BLAS calls.

Both fast variants use np.random.Generator(SFC64): it beat PCG64 here on raw bits and on normals
(≈ 127 vs 173 µs per 10⁴ normals). Tried and dropped: rng.bytes / rng.integers(0, 256, uint8) (2–4×
slower than bit_generator.random_raw); a 256×8 float64 ±1 lookup table indexed by bytes (np.take,
≈ 3× slower than unpackbits + cast); writing only the sign byte of preset ±1.0 (no faster than the
cast); 4-bit partial-dot tables (np.bincount over B·n/4 entries costs more than the BLAS force).
float32 is excluded: the dynamics must be f64.

Usage: python3 bench/peers/perceptron_numpy.py [--n 10000] [--batch 30] [--seconds 2.0] [--json]
       python3 bench/peers/perceptron_numpy.py --check     # ε after t = 5 from equilibrium, n = 2000
"""

import argparse
import json
import math
import os
import sys

import numpy as np

from peer_common import blas_info, blas_threads, describe_blas, env_info, steps_per_second

RULES = ("hebbian", "perceptron")


def params(n, batch, rule="hebbian", k=1.0, D=1.0, dt=1e-3, nu=None):
    return dict(n=n, B=batch, rule=rule, k=k, D=D, dt=dt, nu=3 * math.sqrt(n) if nu is None else nu)


def make_obvious(p, w, T, seed):
    """Plain numpy; returns step(), which updates w in place."""
    n, B, k, D, dt, nu = p["n"], p["B"], p["k"], p["D"], p["dt"], p["nu"]
    rng = np.random.default_rng(seed)

    def step():
        xi = rng.choice([-1.0, 1.0], size=(B, n))  # fresh ±1 inputs, one row per example
        A = xi @ w / math.sqrt(n)
        sigma = np.where(xi @ T >= 0, 1.0, -1.0)
        F = np.ones(B) if p["rule"] == "hebbian" else (sigma * A < 0).astype(np.float64)
        force = -k * w + nu / B * ((sigma * F) @ xi)
        w[:] = w + dt * force + math.sqrt(2 * D * dt) * rng.standard_normal(n)

    return step


def make_vectorised(p, w, T, seed):
    """Byte histograms (np.bincount) and byte tables (np.take); returns step(), which updates w in place."""
    n, B, k, D, dt, nu = p["n"], p["B"], p["k"], p["D"], p["dt"], p["nu"]
    perceptron = p["rule"] == "perceptron"
    rng = np.random.Generator(np.random.SFC64(seed))
    raw = rng.bit_generator.random_raw  # uniform 64-bit words, the cheapest bits numpy offers
    G = (B + 7) // 8  # bytes per weight; members 8G − B ≥ 0 are padding with c = 0
    bit = ((np.arange(256)[:, None] >> np.arange(8)) & 1).astype(np.float64)  # (256, 8): bit j of v
    pm = (2 * bit - 1).T.copy()  # (8, 256): ±1 of bit j of v
    live = np.arange(8 * G) < B
    offset = (256 * np.arange(G))[:, None]  # byte g of weight i → bin 256 g + byte
    idx = np.empty((G, n), np.intp)
    wt = np.empty((G, n))  # w repeated per group (the bincount weights), later the force terms
    Tt = np.tile(T, G)
    sum_T = T.sum()
    f = np.empty(n)
    z = np.empty(n)
    decay, gain, noise = 1 - k * dt, dt * nu / B, math.sqrt(2 * D * dt)
    words = (G * n + 7) // 8

    def step():
        np.add(raw(words).view(np.uint8)[: G * n].reshape(G, n), offset, out=idx)
        np.copyto(wt, w)
        hw = np.bincount(idx.reshape(-1), weights=wt.reshape(-1), minlength=256 * G).reshape(G, 256)
        hT = np.bincount(idx.reshape(-1), weights=Tt, minlength=256 * G).reshape(G, 256)
        dw = 2 * (hw @ bit).reshape(-1) - w.sum()  # w·ξ_b, b = 8g + j
        dT = 2 * (hT @ bit).reshape(-1) - sum_T  # T·ξ_b
        c = np.where(dT >= 0, 1.0, -1.0) * live  # σ_b (Hebbian: c_b = σ_b), 0 for padding
        if perceptron:
            c *= c * dw < 0  # × Θ(−σ_b A_b), A_b = w·ξ_b/√n
        table = c.reshape(G, 8) @ pm  # table_g[v] = Σ_j c_{8g+j} ξ(v)_j
        # wt[g, i] = table_g[byte_gi]; idx is always in range, and mode="wrap" skips the slower checked path
        np.take(table.reshape(-1), idx, out=wt, mode="wrap")
        np.copyto(f, wt[0])
        for g in range(1, G):
            np.add(f, wt[g], out=f)  # f = Σ_b c_b ξ_b
        # w ← (1 − kΔt) w + Δt (ν/B) f + √(2DΔt) z; ufuncs with out= update the arrays in place
        np.multiply(f, gain, out=f)
        rng.standard_normal(n, out=z)
        np.multiply(z, noise, out=z)
        np.add(f, z, out=f)
        np.multiply(w, decay, out=w)
        np.add(w, f, out=w)

    return step


def make_blas(p, w, T, seed, chunk_bytes=1 << 20):
    """unpackbits + float64 BLAS, preallocated; returns step(), which updates w in place."""
    n, B, k, D, dt, nu = p["n"], p["B"], p["k"], p["D"], p["dt"], p["nu"]
    perceptron = p["rule"] == "perceptron"
    rng = np.random.Generator(np.random.SFC64(seed))
    raw = rng.bit_generator.random_raw  # uniform 64-bit words, the cheapest bits numpy offers
    chunks = max(1, math.ceil(B * n * 8 / chunk_bytes))
    rows = math.ceil(B / chunks)  # examples per chunk; the last chunk may be shorter
    WT = np.empty((2, n))  # row 0 holds w (copied in each step), row 1 the teacher
    WT[1] = T
    sum_T = T.sum()
    beta = np.empty((rows, n))  # input bits β ∈ {0, 1} as float64, reused by every chunk
    dots = np.empty((2, rows))  # [w; T] @ βᵀ
    f = np.empty(n)  # Σ_b c_b β_b over the whole batch
    fc = np.empty(n)  # the same for one chunk
    z = np.empty(n)
    decay, gain, noise = 1 - k * dt, dt * nu / B, math.sqrt(2 * D * dt)

    def step():
        WT[0] = w
        sum_w = w.sum()
        f.fill(0)
        sum_c = 0.0
        for start in range(0, B, rows):
            r = min(rows, B - start)
            bits = r * n
            words = raw((bits + 63) // 64).view(np.uint8)
            b = beta[:r]
            np.copyto(b.reshape(-1), np.unpackbits(words, count=bits), casting="unsafe")
            d = dots[:, :r]
            np.matmul(WT, b.T, out=d)  # d[0] = w·β_b, d[1] = T·β_b
            c = np.where(2 * d[1] >= sum_T, 1.0, -1.0)  # σ_b = sign(T·ξ_b) = sign(2 T·β_b − ΣT)
            if perceptron:
                c *= c * (2 * d[0] - sum_w) < 0  # × Θ(−σ_b A_b), A_b ∝ 2 w·β_b − Σw
            np.matmul(c, b, out=fc)
            np.add(f, fc, out=f)
            sum_c += c.sum()
        # w ← (1 − kΔt) w + Δt (ν/B) (2 f − Σc) + √(2DΔt) z; ufuncs with out= update the arrays in place
        np.multiply(f, 2 * gain, out=f)
        np.subtract(f, gain * sum_c, out=f)
        rng.standard_normal(n, out=z)
        np.multiply(z, noise, out=z)
        np.add(f, z, out=f)
        np.multiply(w, decay, out=w)
        np.add(w, f, out=w)

    return step


VARIANTS = {"obvious": make_obvious, "vectorised": make_vectorised, "blas": make_blas}


def analytic_epsilon(p):
    """ε of the Euler–Maruyama stationary state: w ~ N((ν/k)√(2/π) T̂, σ_w² I) (MODELS.md §1)."""
    k, D, dt, nu, B = p["k"], p["D"], p["dt"], p["nu"], p["B"]
    var = (2 * D * dt + dt * dt * nu * nu / B) / (2 * k * dt - k * k * dt * dt)
    nut = nu / math.sqrt(p["n"])
    cos = nut * math.sqrt(2 / math.pi) / math.sqrt(2 * nut * nut / math.pi + k * k * var)
    return math.acos(cos) / math.pi


def epsilon(w, T):
    return math.acos(max(-1.0, min(1.0, w @ T / (np.linalg.norm(w) * np.linalg.norm(T))))) / math.pi


def check(p, seed, t_end=5.0):
    """Both variants from the same equilibrium start w ~ N(0, D/k) to t_end; ε at the end."""
    rng = np.random.default_rng(seed)
    T = rng.standard_normal(p["n"])
    w0 = rng.standard_normal(p["n"]) * math.sqrt(p["D"] / p["k"])
    steps = round(t_end / p["dt"])
    out = {}
    for i, (name, make) in enumerate(VARIANTS.items()):
        w = w0.copy()
        step = make(p, w, T, seed + 1 + i)
        for _ in range(steps):
            step()
        out[name] = epsilon(w, T)
    return {"steps": steps, "epsilon": out, "analytic_hebbian": analytic_epsilon(p)}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=None, help="dimension (10000; 2000 with --check)")
    ap.add_argument("--batch", type=int, default=30)
    ap.add_argument("--seconds", type=float, default=2.0, help="timing time per variant")
    ap.add_argument("--rule", choices=RULES, default="hebbian")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    ap.add_argument("--check", action="store_true", help="ε after t = 5 from equilibrium, both variants")
    a = ap.parse_args()
    n = a.n if a.n is not None else (2000 if a.check else 10000)
    p = params(n, a.batch, a.rule)

    if a.check:
        res = check(p, a.seed)
        if a.json:
            print(json.dumps({"n": n, "batch": a.batch, "rule": a.rule, "nu": p["nu"], **res}))
        else:
            print(f"n={n} B={a.batch} nu={p['nu']:.2f} k=1 D=1 dt=1e-3 rule={a.rule}: "
                  f"eps after t=5 ({res['steps']} steps) from w ~ N(0, D/k)")
            for name, eps in res["epsilon"].items():
                print(f"  {name:<11} eps = {eps:.4f}")
            print(f"  {'analytic':<11} eps = {res['analytic_hebbian']:.4f}  (Hebbian rule, Euler–Maruyama stationary "
                  "state, σ_w² = (2DΔt + Δt²ν²/B)/(2kΔt − k²Δt²); ε fluctuates by ≈ 0.0025 at n = 2000)")
        return

    rng = np.random.default_rng(a.seed)
    T = rng.standard_normal(n)
    w0 = rng.standard_normal(n)
    variants = {}
    for i, (name, make) in enumerate(VARIANTS.items()):
        rate, blocks = steps_per_second(make(p, w0.copy(), T, a.seed + 1 + i), a.seconds)
        variants[name] = {"steps_per_s": round(rate, 1), "blocks": [round(r, 1) for r in blocks]}
    info = blas_info()
    env = env_info()
    if a.json:
        print(json.dumps({"n": n, "batch": a.batch, "rule": a.rule, "numpy": np.__version__,
                          "python": sys.version.split()[0], "blas": info, "threads": blas_threads(info),
                          "cpus": os.cpu_count(), "env": env, "variants": variants}))
    else:
        print(f"perceptron Euler–Maruyama step, n={n} B={a.batch} rule={a.rule}, float64, "
              f"numpy {np.__version__}, {describe_blas(info)}, env {env}")
        print(f"{'variant':<12}{'steps/s':>10}{'µs/step':>10}   blocks (steps/s)")
        for name, v in variants.items():
            r = v["steps_per_s"]
            print(f"{name:<12}{r:>10.0f}{1e6 / r:>10.1f}   {' '.join(f'{x:.0f}' for x in v['blocks'])}")


if __name__ == "__main__":
    main()
