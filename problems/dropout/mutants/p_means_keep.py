"""Treats p as the probability of keeping an entry rather than dropping it.

Caught by: fraction_dropped_small_p, fraction_dropped_large_p
"""

import numpy as np


class Dropout:
    def __init__(self, p=0.5, seed=None):
        if not 0.0 <= p <= 1.0:
            raise ValueError("p must be in [0, 1]")
        self.p = p
        self.rng = np.random.default_rng(seed)
        self.training = True
        self.scaled_mask = None

    def train(self):
        self.training = True

    def eval(self):
        self.training = False

    def forward(self, x):
        x = np.asarray(x, dtype=np.float64)
        if not self.training:
            return x.copy()
        keep = self.rng.random(x.shape) < self.p
        scale = 0.0 if self.p == 0.0 else 1.0 / self.p
        self.scaled_mask = keep * scale
        return x * self.scaled_mask

    def backward(self, dout):
        if not self.training:
            return np.asarray(dout, dtype=np.float64).copy()
        return dout * self.scaled_mask
