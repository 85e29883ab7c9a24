"""Helpers shared by the numpy peer benchmarks (bench/*_numpy.py): timing blocks, BLAS and environment info."""

import ctypes
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


def blas_info():
    """threadpoolctl's view if installed, else ask the loaded OpenBLAS directly, else numpy's build info."""
    try:
        from threadpoolctl import threadpool_info

        return [i for i in threadpool_info() if i.get("user_api") == "blas"] or None
    except ImportError:
        pass
    try:
        with open("/proc/self/maps") as maps:
            libs = sorted({line.split()[-1] for line in maps if "openblas" in line.lower()})
        for path in libs:
            lib = ctypes.CDLL(path)
            for prefix in ("scipy_openblas", "openblas"):
                for suffix in ("64_", "_64", ""):
                    fn = lambda name: getattr(lib, f"{prefix}_{name}{suffix}")
                    if hasattr(lib, f"{prefix}_get_config{suffix}"):
                        fn("get_config").restype = fn("get_corename").restype = ctypes.c_char_p
                        return {"library": path, "config": fn("get_config")().decode(),
                                "corename": fn("get_corename")().decode(), "num_threads": fn("get_num_threads")()}
    except OSError:
        pass
    try:
        return np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    except Exception:
        return None


def env_info():
    """The environment variables that change BLAS speed or thread count (None where unset)."""
    return {v: os.environ.get(v) for v in
            ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS")}


def blas_threads(info):
    if isinstance(info, list) and info:
        return info[0].get("num_threads")
    if isinstance(info, dict):
        return info.get("num_threads")
    return None
