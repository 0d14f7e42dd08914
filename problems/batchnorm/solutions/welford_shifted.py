"""A correct alternative, numerically different on purpose: the batch mean and variance come from
Welford's online algorithm, one row at a time, on the data shifted by its first row (so values with a
large common offset lose no digits); backward is written with the centred input and the variance."""

import numpy as np


def welford(rows):
    """Mean and biased variance of the rows, updated one row at a time."""
    count, mean, m2 = 0, np.zeros(rows.shape[1]), np.zeros(rows.shape[1])
    for row in rows:
        count += 1
        delta = row - mean
        mean = mean + delta / count
        m2 = m2 + delta * (row - mean)
    return mean, m2 / count


class BatchNorm1d:
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        self.eps = float(eps)
        self.momentum = float(momentum)
        self.gamma = np.ones(num_features)
        self.beta = np.zeros(num_features)
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self.dgamma = np.zeros(num_features)
        self.dbeta = np.zeros(num_features)
        self.is_training = True

    def train(self):
        self.is_training = True

    def eval(self):
        self.is_training = False

    def forward(self, x):
        self.cache_training = self.is_training
        if self.is_training:
            n = len(x)
            if n < 2:
                raise ValueError(f"training mode needs N >= 2 rows, got {n}")
            origin = x[0].copy()
            shifted_mean, var = welford(x - origin)
            self.centred = (x - origin) - shifted_mean
            self.var = var
            keep = 1.0 - self.momentum
            self.running_mean = keep * self.running_mean + self.momentum * (origin + shifted_mean)
            self.running_var = keep * self.running_var + self.momentum * (var * (n / (n - 1)))
        else:
            self.centred = x - self.running_mean
            self.var = self.running_var.copy()
        self.std = np.sqrt(self.var + self.eps)
        self.x_hat = self.centred / self.std
        self.gamma_seen = self.gamma.copy()
        return self.x_hat * self.gamma + self.beta

    def backward(self, dout):
        self.dbeta = dout.sum(axis=0)
        self.dgamma = (dout * self.x_hat).sum(axis=0)
        dx_hat = dout * self.gamma_seen
        if not self.cache_training:
            return dx_hat / self.std
        n = len(dout)
        # d var / d x = 2 (x - mu) / N; the mean's term vanishes since the deviations sum to zero.
        dvar = -0.5 * (dx_hat * self.centred).sum(axis=0) / (self.var + self.eps) ** 1.5
        dmu = -dx_hat.sum(axis=0) / self.std
        return dx_hat / self.std + dvar * 2.0 * self.centred / n + dmu / n
