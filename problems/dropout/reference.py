import numpy as np


class Dropout:
    def __init__(self, p=0.5, seed=None):
        if not 0.0 <= p <= 1.0:
            raise ValueError("p must be in [0, 1]")
        self.p = p
        self.rng = np.random.default_rng(seed)
        self.training = True

    def train(self):
        self.training = True

    def eval(self):
        self.training = False

    def forward(self, x):
        self.trained = self.training  # backward follows the mode of the last forward
        if not self.training:
            return x
        keep = self.rng.random(x.shape) >= self.p
        if self.p < 1.0:
            self.scaled_mask = keep / (1.0 - self.p)
        else:
            self.scaled_mask = np.zeros(x.shape)
        return x * self.scaled_mask

    def backward(self, dout):
        if not self.trained:
            return dout
        return dout * self.scaled_mask
