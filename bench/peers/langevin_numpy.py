#!/usr/bin/env python3
"""numpy peer benchmark for overdamped Langevin dynamics with stochastic energetics (issue #12).

Model (notes of issue #12, the same as src/langevin/ensemble.ts): an ensemble of n independent
particles, mobility 1, k_BT = D,

    dx = −∂ₓV(x, λ(t)) dt + √(2D) dW,    V = E x⁴ − 2√(E·B(t)) x² − a(t) x   (the double well),

stepped by Euler–Maruyama, x_{k+1} = x_k − ∂ₓV(x_k, t_k) Δt + √(2DΔt) z_k, z_k ~ N(0, 1), with the
work and heat of stochastic energetics (Sekimoto; Seifert, Rep. Prog. Phys. 75, 126001 (2012)):

    W_k = V(x_k, t_{k+1}) − V(x_k, t_k),    Q_k = V(x_k, t_{k+1}) − V(x_{k+1}, t_{k+1})   (heat into the bath)

(no non-conservative force here, so f̄ = 0). Defaults: n = 10⁴, E = 8, B = 8, a = 0 (wells at ±1,
barrier 8 k_BT), D = 1, Δt = 10⁻³, float64 throughout.

What each side computes, the same on both (assembly/langevin.ts, stepPair, is ours):
  every step   one Gaussian per particle, the drift −∂ₓV(x_k, t_k)Δt from per-step coefficients (Δt
               folded in), x_{k+1} = x_k + √(2DΔt) z_k + drift; and, only when the protocol is not
               constant, W += W_k = Σ_m Δc_m x_k^m with Δc_m = c_m(t_{k+1}) − c_m(t_k) (for a constant
               protocol every W_k is exactly 0, and both sides know the protocol is constant);
  every call   of step(count), in chunks of at most 1024 steps: the heat settled by the first law,
               Q += (W_end − W_start) − [V(x_end, t_end) − V(x_start, t_start)], which is Σ_k Q_k (the
               per-step ΔV_k telescope). So V is evaluated twice per chunk, not per step.
Two things ours does that the peer leaves out, both in numpy's favour: the kernel checks
|x_{k+1}| ≤ bound every step (freezing a particle that leaves the explicit scheme's stability radius,
so no NaN is ever stored), and TS writes the chunk's table of parameters (one potentialAt per step)
before each wasm call; the peer builds its table once, vectorised.

Protocols (--protocol): "constant" (the set-up above) and "ramp", the tilt a(t) = t/1000 rising
linearly (knots at t = 0 and 1000), so that W_k is computed every step as a time-dependent protocol
needs (λ read per step from arrays indexed by k); --check also uses "drive": over t = 0.5 the
barrier B(t) lowered 8 → 2 and the tilt a(t) raised 0 → 2, linearly.

Two implementations of the same step (the JSON reports each; the bench compares with the faster):

  quartic      the wasm kernel's form: V = Σ_m c_m x^m with five coefficients per time from a
               table, Horner's rule for the drift and for W_k (what any polynomial potential, the
               harmonic trap among them, needs): 8 array passes a step, 17 with the ramp.
  doubleWell   specialised to the double well: drift Δt = ((−4EΔt) x² + 2b_kΔt) x + a_kΔt with
               b = 2√(E·B(t_k)) and a = a(t_k) from per-step arrays, and W_k = −Δb x² − Δa x:
               7 array passes a step, 11 with the ramp.

Both draw their Gaussians from np.random.default_rng (PCG64, numpy's default) with standard_normal
into a preallocated (batch, n) block, scaled by √(2DΔt) in one pass per block (batch = 16 steps was
fastest here: 160 000 doubles stay in L2), and do every array operation in place with out=. Tried:
SFC64 (no faster for normals here), batch 1, 8, 64 (slower than 16).

Timing: blocks of calls of step(100) (--steps-per-call), each block's rate in steps per second of
wall time and of this thread's CPU time; "steps_per_s" is the median block's wall rate.

Usage: python3 bench/peers/langevin_numpy.py [--n 10000] [--seconds 2.0] [--protocol constant|ramp]
           [--D 1] [--dt 1e-3] [--json]
       python3 bench/peers/langevin_numpy.py --check [--json]   # equilibrium statistics, see check()
"""

import argparse
import json
import math
import os
import sys
import time

import numpy as np

from peer_common import blas_info, env_info

BATCH = 16
QUENCH_STEPS = 50
CHUNK = 1024  # steps per settlement of the heat (ours: steps per wasm call)
RAMP_TIME = 1000.0  # the ramp's tilt reaches 1 at t = RAMP_TIME
# The check's driven stage: over t = 0.5 the barrier lowered 8 → 2 and the tilt raised 0 → 2.
DRIVE_BARRIER, DRIVE_TILT, DRIVE_TIME, DRIVE_STEPS = 2.0, 2.0, 0.5, 500
PROTOCOLS = ("constant", "ramp", "drive")


def params(n=10_000, E=8.0, B=8.0, a=0.0, D=1.0, dt=1e-3, protocol="constant"):
    return dict(n=n, E=E, B=B, a=a, D=D, dt=dt, protocol=protocol)


def protocol_table(p, steps):
    """The coefficients (c0 … c4) of V = Σ c_m x^m at t_k = kΔt, k = 0 … steps (potentials.ts's
    potentialAt for the double well), and whether every row is the same."""
    C = np.zeros((steps + 1, 5))
    a = np.full(steps + 1, p["a"])
    B = np.full(steps + 1, p["B"])
    t = np.arange(steps + 1) * p["dt"]
    if p["protocol"] == "ramp":
        a = a + np.minimum(t, RAMP_TIME) / RAMP_TIME
    elif p["protocol"] == "drive":
        s = np.minimum(t, DRIVE_TIME) / DRIVE_TIME
        a = a + DRIVE_TILT * s
        B = B + (DRIVE_BARRIER - p["B"]) * s
    C[:, 1] = -a
    C[:, 2] = -2 * np.sqrt(p["E"] * B)
    C[:, 4] = p["E"]
    return C, bool((C == C[0]).all())


class Quartic:
    """Euler–Maruyama with work and heat for V = Σ c_m x^m, coefficients per step from a table."""

    def __init__(self, p, x0, seed, steps=1 << 18):
        self.n, self.dt = p["n"], p["dt"]
        self.noise = math.sqrt(2 * p["D"] * p["dt"])
        self.C, self.constant = protocol_table(p, steps)
        # −∂ₓV Δt = ((−4c4Δt x − 3c3Δt) x − 2c2Δt) x − c1Δt: the drift's coefficients per step, scaled once
        self.F = -self.C[:, 1:] * (np.arange(1, 5) * self.dt)
        self.dC = np.diff(self.C, axis=0)  # Δc_m of step k → k + 1
        self.rng = np.random.default_rng(seed)
        n = self.n
        self.x = x0.copy()
        self.W, self.Q = np.zeros(n), np.zeros(n)
        self.z = np.empty((BATCH, n))
        self.t, self.u = np.empty(n), np.empty(n)
        self.Vs, self.Ws = np.empty(n), np.empty(n)  # V and W at the chunk's start
        self.k = 0  # steps taken; t = k Δt
        self.row = 0  # next row of the Gaussian block z

    @staticmethod
    def horner(x, c, out):
        np.multiply(x, c[4], out=out)
        for m in (3, 2, 1):
            np.add(out, c[m], out=out)
            np.multiply(out, x, out=out)
        np.add(out, c[0], out=out)

    def energy(self, k, out):
        """V(x, t_k) into out."""
        self.horner(self.x, self.C[k], out)

    def drift_and_work(self, k):
        """t = −∂ₓV(x, t_k) Δt; W += W_k unless the protocol is constant."""
        x, t, f = self.x, self.t, self.F[k]
        np.multiply(x, f[3], out=t)
        np.add(t, f[2], out=t)
        np.multiply(t, x, out=t)
        np.add(t, f[1], out=t)
        np.multiply(t, x, out=t)
        np.add(t, f[0], out=t)
        if not self.constant:
            self.horner(x, self.dC[k], self.u)
            np.add(self.W, self.u, out=self.W)

    def step(self, count=1):
        """count steps, the heat settled every CHUNK steps and at the end (as ours, per wasm call)."""
        while count > 0:
            chunk = min(CHUNK, count)
            if self.k + chunk >= len(self.C):
                raise RuntimeError("protocol table exhausted")
            self.energy(self.k, self.Vs)
            np.copyto(self.Ws, self.W)
            for _ in range(chunk):
                row = self.row
                self.row = (row + 1) % BATCH  # the noise block's row, independent of the protocol clock
                if row == 0:
                    self.rng.standard_normal(out=self.z)
                    np.multiply(self.z, self.noise, out=self.z)
                self.drift_and_work(self.k)  # at x_k, t_k
                np.add(self.x, self.z[row], out=self.x)  # x_{k+1} = x_k + √(2DΔt) z_k + drift
                np.add(self.x, self.t, out=self.x)
                self.k += 1
            # Q += (W − W_start) − [V(x, t_k) − V_start]
            u = self.u
            self.energy(self.k, u)
            np.subtract(u, self.Vs, out=u)
            np.subtract(self.W, self.Ws, out=self.t)
            np.subtract(self.t, u, out=self.t)
            np.add(self.Q, self.t, out=self.Q)
            count -= chunk


class DoubleWell(Quartic):
    """The same step specialised to V = E x⁴ − b x² − a x, b and a per step from arrays."""

    def __init__(self, p, x0, seed, steps=1 << 18):
        super().__init__(p, x0, seed, steps)
        dt = self.dt
        self.E = p["E"]
        self.b = -self.C[:, 2].copy()  # b(t_k) = 2√(E·B(t_k))
        self.a = -self.C[:, 1].copy()  # a(t_k)
        self.fb, self.fa, self.fE = 2 * dt * self.b, dt * self.a, -4 * dt * self.E
        self.db, self.da = -np.diff(self.b), -np.diff(self.a)  # W_k = −Δb x² − Δa x
        self.x2, self.v = np.empty(self.n), np.empty(self.n)

    def energy(self, k, out):
        """V(x, t_k) = (E x² − b_k) x² − a_k x, into out (self.v is scratch)."""
        x, x2 = self.x, self.x2
        np.multiply(x, x, out=x2)
        np.multiply(x2, self.E, out=out)
        np.subtract(out, self.b[k], out=out)
        np.multiply(out, x2, out=out)
        np.multiply(x, self.a[k], out=self.v)
        np.subtract(out, self.v, out=out)

    def drift_and_work(self, k):
        x, x2, t = self.x, self.x2, self.t
        np.multiply(x, x, out=x2)
        np.multiply(x2, self.fE, out=t)
        np.add(t, self.fb[k], out=t)
        np.multiply(t, x, out=t)
        np.add(t, self.fa[k], out=t)
        if not self.constant:
            u, v = self.u, self.v
            np.multiply(x2, self.db[k], out=u)
            np.multiply(x, self.da[k], out=v)
            np.add(u, v, out=u)
            np.add(self.W, u, out=self.W)


VARIANTS = {"quartic": Quartic, "doubleWell": DoubleWell}


def rates(call, seconds, blocks=7):
    """Warm up, size blocks to ≈ seconds/blocks, and return each block's calls per second of wall
    time and per second of this thread's CPU time (the latter is blind to time the scheduler gave
    other processes, which on a shared 2-core machine is most of the noise)."""
    for _ in range(5):
        call()
    t0, m = time.perf_counter(), 0
    while time.perf_counter() - t0 < min(0.25, seconds / 4):
        call()
        m += 1
    reps = max(1, round(seconds / blocks / ((time.perf_counter() - t0) / m)))
    wall, cpu = [], []
    for _ in range(blocks):
        w, c = time.perf_counter(), time.thread_time()
        for _ in range(reps):
            call()
        wall.append(reps / (time.perf_counter() - w))
        cpu.append(reps / (time.thread_time() - c))
    return wall, cpu


def boltzmann_sample(p, n, rng, cells=1 << 16):
    """n draws from e^{−V/D} at t = 0 by inverse transform on a fine grid (linear in each cell) over
    the interval where V − min V < 40 D (the rest has weight < e^{−40})."""
    E, b, a, D = p["E"], 2 * math.sqrt(p["E"] * p["B"]), p["a"], p["D"]
    x = np.linspace(-3.0, 3.0, 1 << 14)
    V = E * x**4 - b * x**2 - a * x
    inside = x[V - V.min() < 40 * D]
    grid = np.linspace(inside[0], inside[-1], cells + 1)
    w = np.exp(-(E * grid**4 - b * grid**2 - a * grid - V.min()) / D)
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (w[1:] + w[:-1]))])
    return np.interp(rng.random(n) * cdf[-1], cdf, grid)


def check(p, seed, relax=2000, steps=5000, variant="doubleWell"):
    """From the Boltzmann density at t = 0, `relax` steps (discarded: the Euler–Maruyama stationary
    density differs from e^{−V/D} by O(Δt)), then `steps` more with W and Q from zero. Reports the
    means and standard errors over particles of Q, Q² and W over the measured stretch, and of x²
    and |x| at its end (the same observables the bench's check computes with LangevinEnsemble)."""
    rng = np.random.default_rng(seed)
    x0 = boltzmann_sample(p, p["n"], rng)
    sim = VARIANTS[variant](p, x0, seed + 1, relax + steps + 1)
    sim.step(relax)
    sim.W.fill(0)
    sim.Q.fill(0)
    sim.step(steps)
    n = p["n"]

    def stat(v):
        return {"mean": float(v.mean()), "se": float(v.std(ddof=1) / math.sqrt(n))}

    # A quench: every particle from the barrier top x = 0, QUENCH_STEPS steps (t = 0.05, mid-way down:
    # ⟨x²⟩ ≈ 0.32, so it still depends on D, Δt and the force), the heat released on the way down.
    quench = VARIANTS[variant](p, np.zeros(n), seed + 2, QUENCH_STEPS + 1)
    quench.step(QUENCH_STEPS)
    # Driven: from equilibrium, the barrier lowered 8 → 2 and the tilt raised 0 → 2 over t = 0.5
    # (DRIVE_STEPS steps), so W_k is computed every step and the mean work is far from 0.
    drive = VARIANTS[variant]({**p, "protocol": "drive"}, boltzmann_sample(p, n, rng), seed + 3, DRIVE_STEPS + 1)
    drive.step(DRIVE_STEPS)
    return {"relaxSteps": relax, "steps": steps, "variant": variant, "heat": stat(sim.Q), "heat2": stat(sim.Q**2),
            "work": stat(sim.W), "x2": stat(sim.x**2), "absX": stat(np.abs(sim.x)),
            "quenchHeat": stat(quench.Q), "quenchX2": stat(quench.x**2),
            "driveWork": stat(drive.W), "driveHeat": stat(drive.Q), "driveX": stat(drive.x),
            "finite": bool(np.isfinite(sim.x).all() and np.isfinite(quench.x).all() and np.isfinite(drive.x).all())}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=10_000, help="particles")
    ap.add_argument("--seconds", type=float, default=2.0, help="timing time per variant")
    ap.add_argument("--steps-per-call", type=int, default=100, help="steps per timed call")
    ap.add_argument("--protocol", choices=PROTOCOLS, default="constant", help="the tilt's protocol")
    ap.add_argument("--D", type=float, default=1.0, help="diffusion constant (k_BT)")
    ap.add_argument("--dt", type=float, default=1e-3, help="time step")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", action="store_true", help="one JSON object on stdout")
    ap.add_argument("--check", action="store_true", help="equilibrium statistics instead of timing")
    ap.add_argument("--relax", type=int, default=2000, help="with --check: steps discarded")
    ap.add_argument("--steps", type=int, default=5000, help="with --check: steps measured")
    a = ap.parse_args()
    p = params(a.n, D=a.D, dt=a.dt, protocol=a.protocol)

    if a.check:
        res = {"params": p, **check(p, a.seed, a.relax, a.steps)}
        print(json.dumps(res) if a.json else json.dumps(res, indent=1))
        return

    x0 = boltzmann_sample(p, a.n, np.random.default_rng(a.seed))
    spc = a.steps_per_call
    variants = {}
    for i, (name, cls) in enumerate(VARIANTS.items()):
        sim = cls(p, x0, a.seed + 1 + i)

        def call(sim=sim):
            if sim.k + spc >= len(sim.C):
                sim.k = 0  # the table's end (after ≈ 4 min of steps): start the protocol's clock again
            sim.step(spc)

        wall, cpu = rates(call, a.seconds)
        variants[name] = {"steps_per_s": round(float(np.median(wall)) * spc, 1),
                          "blocks": [round(r * spc, 1) for r in wall], "cpu_blocks": [round(r * spc, 1) for r in cpu],
                          "finite": bool(np.isfinite(sim.x).all() and np.isfinite(sim.Q).all())}
    out = {"n": a.n, "params": p, "protocol": a.protocol, "steps_per_call": spc, "batch": BATCH,
           "numpy": np.__version__, "python": sys.version.split()[0], "cpus": os.cpu_count(), "env": env_info(),
           "blas": blas_info(), "variants": variants}
    if a.json:
        print(json.dumps(out))
    else:
        print(f"double-well Euler–Maruyama with W and Q, n={a.n}, E=8 B=8 a=0 D={a.D} dt={a.dt}, "
              f"protocol {a.protocol}, float64, numpy {np.__version__}, env {out['env']}")
        print(f"{'variant':<12}{'steps/s':>10}{'µs/step':>10}{'particle-steps/s':>18}   blocks, wall / CPU (steps/s)")
        for name, v in variants.items():
            r = v["steps_per_s"]
            blocks = " ".join(f"{w:.0f}/{c:.0f}" for w, c in zip(v["blocks"], v["cpu_blocks"]))
            print(f"{name:<12}{r:>10.0f}{1e6 / r:>10.1f}{r * a.n:>18.3e}   {blocks}")


if __name__ == "__main__":
    main()
