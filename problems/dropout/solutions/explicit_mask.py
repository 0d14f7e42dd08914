"""A correct alternative: keeps the boolean mask and applies it with np.where in both passes."""

import numpy as np


class Dropout:
    def __init__(self, p=0.5, seed=None):
        if p < 0 or p > 1:
            raise ValueError(f"p={p} is not a probability")
        self.p = float(p)
        self.generator = np.random.default_rng(seed)
        self.is_training = True
        self.keep = None

    def train(self):
        self.is_training = True

    def eval(self):
        self.is_training = False

    def _apply(self, values):
        if self.p == 1.0:
            return np.zeros(values.shape)
        return np.where(self.keep, values / (1.0 - self.p), 0.0)

    def forward(self, x):
        self.forward_was_training = self.is_training
        if not self.is_training:
            return np.array(x, dtype=float)
        self.keep = self.generator.uniform(size=np.shape(x)) >= self.p
        return self._apply(np.asarray(x, dtype=float))

    def backward(self, dout):
        if not self.forward_was_training:
            return np.array(dout, dtype=float)
        return self._apply(np.asarray(dout, dtype=float))
