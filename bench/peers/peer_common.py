"""Helpers shared by the numpy/scipy peer benchmarks (bench/peers/*_numpy.py, contrastive_scipy.py):
timing, BLAS and environment info, and the ladder's rate matrix (also used by scripts/fixtures/ladder.py)."""

import ctypes
import math
import os
import time

import numpy as np


def steps_per_second(step, seconds, blocks=7):
    """Warm up, size blocks to ≈ seconds/blocks, and return (median, all) of the blocks' calls/s."""
    for _ in range(5):
        step()
    t0, m = time.perf_counter(), 0
    while time.perf_counter() - t0 < min(0.25, seconds / 4):
        step()
        m += 1
    reps = max(1, round(seconds / blocks / ((time.perf_counter() - t0) / m)))
    rates = []
    for _ in range(blocks):
        t = time.perf_counter()
        for _ in range(reps):
            step()
        rates.append(reps / (time.perf_counter() - t))
    return float(np.median(rates)), rates


def median_ms(f, seconds):
    """Median milliseconds per call of f over about `seconds` (at least 5 calls, after one warm-up)."""
    f()
    times = []
    start = time.perf_counter()
    while time.perf_counter() - start < seconds or len(times) < 5:
        t = time.perf_counter()
        f()
        times.append(1000 * (time.perf_counter() - t))
    return float(np.median(times))


def blas_info():
    """Every BLAS loaded in this process, in threadpoolctl's threadpool_info() shape (user_api, internal_api,
    prefix, filepath, version, threading_layer, architecture, num_threads), plus `source` and, when it is
    installed, `threadpoolctl` (its version). Call it after the timed code ran, so every BLAS it used is loaded.

    Debian's python3-threadpoolctl (3.1.0, the one the bench script installs: PyPI is unreachable here)
    predates the symbol-prefixed scipy-openblas that numpy ≥ 2 and scipy wheels load, and lists no BLAS for
    them; then each OpenBLAS mapped into the process (/proc/self/maps) is asked directly through ctypes for
    the same fields (`source: "ctypes"`): architecture from get_corename(), the kernel OpenBLAS picked at load
    (OPENBLAS_CORETYPE overrides that pick), version from get_config()'s second word, as threadpoolctl parses
    it. Without either: numpy's build information (no kernel, `source: "numpy build info"`)."""
    tpc = None
    try:
        import threadpoolctl

        tpc = threadpoolctl.__version__
        found = [{**i, "source": "threadpoolctl", "threadpoolctl": tpc}
                 for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
        if found:
            return found
    except ImportError:
        pass
    found = []
    try:
        with open("/proc/self/maps") as maps:
            libs = sorted({line.split()[-1] for line in maps if "openblas" in line.lower().rsplit("/", 1)[-1]})
    except OSError:
        libs = []
    layers = {0: "disabled", 1: "pthreads", 2: "openmp"}
    for path in libs:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("scipy_openblas", "openblas"):
            for suffix in ("64_", "_64", ""):
                if not hasattr(lib, f"{prefix}_get_config{suffix}"):
                    continue
                fn = lambda name: getattr(lib, f"{prefix}_{name}{suffix}")
                fn("get_config").restype = fn("get_corename").restype = ctypes.c_char_p
                config = fn("get_config")().decode()
                words = config.split()
                found.append({"user_api": "blas", "internal_api": "openblas", "prefix": os.path.basename(path),
                              "filepath": path, "version": words[1] if len(words) > 1 else None,
                              "threading_layer": layers.get(fn("get_parallel")(), "unknown"),
                              "architecture": fn("get_corename")().decode(), "num_threads": fn("get_num_threads")(),
                              "config": config, "source": "ctypes", "threadpoolctl": tpc})
                break
            else:
                continue
            break
    if found:
        return found
    try:
        return [{**np.show_config(mode="dicts")["Build Dependencies"]["blas"], "source": "numpy build info",
                 "threadpoolctl": tpc}]
    except Exception:
        return None


def describe_blas(info):
    """One line per BLAS: internal_api version, architecture (the kernel), threads, where from."""
    if not info:
        return "BLAS unknown"
    return "; ".join(f"{i.get('internal_api', i.get('name'))} {i.get('version')} {i.get('architecture', '?')} "
                     f"kernel, {i.get('num_threads', '?')} threads ({i.get('prefix', '')}, via {i.get('source')})"
                     for i in info)


def env_info():
    """The environment variables that change BLAS speed or thread count (None where unset)."""
    return {v: os.environ.get(v) for v in
            ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}


def blas_threads(info):
    """Thread count of the first BLAS in blas_info()'s list (None if unknown)."""
    if isinstance(info, list) and info:
        return info[0].get("num_threads")
    return None


def ladder_rates(gamma, F, s, rungs=5, KI=18.2, KA=3000.0):
    """The ladder's rate matrix (shared/spec/MODELS.md §3, Appendix F), M[i, j] = rate j → i: top rail
    0…rungs−1, node m + rungs below node m; horizontal rates 1 and e·γ, vertical F and F·e^{|ΔE|} with
    ΔE(m, s) = 2(1 − m) + ln[(1 + s/K_I)/(1 + s/K_A)]. Scalar math (math.exp, math.log), as the checked-in
    fixture test/fixtures/ladder.json was generated."""
    n = 2 * rungs
    M = np.zeros((n, n))
    for m in range(rungs - 1):
        top, bot = m, m + rungs
        M[top, top + 1] = 1.0                  # top rail leftward, rate 1
        M[top + 1, top] = math.e * gamma       # top rail rightward, e·γ
        M[bot + 1, bot] = 1.0                  # bottom rail rightward, rate 1
        M[bot, bot + 1] = math.e * gamma       # bottom rail leftward, e·γ
    for m in range(rungs):
        dE = 2 * (1 - m) + math.log((1 + s / KI) / (1 + s / KA))
        up, down = (F * math.exp(-dE), F) if dE < 0 else (F, F * math.exp(dE))
        M[m, m + rungs] = up                   # bottom → top
        M[m + rungs, m] = down                 # top → bottom
    M -= np.diag(M.sum(axis=0))
    return M
