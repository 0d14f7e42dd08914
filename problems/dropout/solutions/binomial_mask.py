"""A correct alternative with other random draws: the keep-mask comes from rng.binomial(1, 1 - p),
the scaled mask is stored as float64 weights, and eval mode hands back copies."""

import numpy as np


class Dropout:
    def __init__(self, p=0.5, seed=None):
        p = float(p)
        if p < 0.0 or p > 1.0:
            raise ValueError(f"p must be a probability in [0, 1], got {p}")
        self.p, self.rng, self.mode = p, np.random.default_rng(seed), "train"
        self.weights, self.last_mode = None, None

    def train(self):
        self.mode = "train"

    def eval(self):
        self.mode = "eval"

    def forward(self, x):
        self.last_mode = self.mode
        if self.mode == "eval":
            return x.copy()
        kept = self.rng.binomial(1, 1.0 - self.p, size=x.shape)
        self.weights = kept * (1.0 / (1.0 - self.p)) if kept.any() else np.zeros(x.shape)
        return self.weights * x

    def backward(self, dout):
        if self.last_mode == "eval":
            return dout.copy()
        return self.weights * dout
