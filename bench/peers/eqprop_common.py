"""Equilibrium propagation with non-equilibrium memory (Falk et al.; shared/spec/MODELS.md §4, seed 002
Appendix B, notes/eqprop-algorithm.md): the constants and the linear pieces of the memory update, as the
authors wrote them, shared by the numpy peer (bench/peers/eqprop_numpy.py, 784-500-10, float32) and the
fixture generator (scripts/fixtures/eqprop.py, 7-5-3, float64). The network sizes, batch and relaxation
code stay in each script.

The ramp: 2R + 1 = 17 points k = 0..16, beta_k = beta_signed k/R on the way up (t_k = tau_f k/R) and
beta_signed (2R - k)/R on the way down (t_k = tau_f + tau_s (k - R)/R), so t_16 = tau_f + tau_s = T.
The currents at those times are interpolated linearly onto the grid t_m = m T/G (m = 0..G-1),
convolved circularly with the kernel (scipy.ndimage.convolve1d, mode='wrap') and scaled by 1/100.
"""
import numpy as np
from scipy.interpolate import interp1d
from scipy.ndimage import convolve1d

trapz = getattr(np, "trapz", None) or np.trapezoid  # np.trapz was removed in numpy 2.4

EPS, FREE_IT, CLAMP_IT = 0.5, 20, 4    # relaxation step, free and clamped iterations
BETA = 0.5                             # |beta_signed|; its sign is drawn per mini-batch
ALPHA = [0.1, 0.05]                    # alpha_l for W^l and b^{l+1}
UPDATE_FACTOR = 0.5e4                  # theta -= alpha_l UPDATE_FACTOR v / beta_signed
R, TAU_F, TAU_S, G = 8, 0.1, 0.9, 100  # ramp steps, fast and slow ramp times, grid points
T = TAU_F + TAU_S                      # the period of the convolution grid
KERNEL = np.sin(2 * np.pi * np.arange(10) / 10) / 3  # the MNIST sine kernel
CONV_SCALE = 1 / 100
THETA = [1.2e-6, 1e-5, 2e-5, 2e-4]     # default thresholds of the groups W0, b1, W1, b2
GROUPS = ["W0", "b1", "W1", "b2"]
GROUP_ALPHA = [ALPHA[0], ALPHA[0], ALPHA[1], ALPHA[1]]

_k = np.arange(2 * R + 1)
TIMES = np.where(_k <= R, TAU_F * _k / R, TAU_F + TAU_S * (_k - R) / R)  # 17 ramp times, t_16 = T
RAMP = np.where(_k <= R, _k / R, (2 * R - _k) / R)                       # beta_k / beta_signed
GRID = np.arange(G) * T / G                                             # the convolution grid times
INTERPOLATION = interp1d(TIMES, np.eye(2 * R + 1), axis=0)(GRID)        # G x 17: linear interpolation


def convolve_scipy(s):
    """Circular convolution along axis 0 with KERNEL in scipy's alignment, scaled by CONV_SCALE."""
    return CONV_SCALE * convolve1d(s, KERNEL, axis=0, mode="wrap")
