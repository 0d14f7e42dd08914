"""A correct alternative: backward written as the step-by-step chain rule through var and mean."""

import numpy as np


class BatchNorm1d:
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        self.eps = eps
        self.momentum = momentum
        self.gamma = np.ones(num_features)
        self.beta = np.zeros(num_features)
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self.dgamma = np.zeros(num_features)
        self.dbeta = np.zeros(num_features)
        self.mode = "train"

    def train(self):
        self.mode = "train"

    def eval(self):
        self.mode = "eval"

    def forward(self, x):
        self.x = np.array(x, dtype=float)
        self.used = self.mode
        self.gamma_used = np.array(self.gamma, dtype=float)  # backward differentiates this forward
        if self.mode == "train":
            n = len(x)
            if n <= 1:
                raise ValueError("need two or more rows in training mode")
            self.mu = self.x.sum(axis=0) / n
            centred = self.x - self.mu
            self.var = (centred**2).sum(axis=0) / n
            self.running_mean = self.running_mean + self.momentum * (self.mu - self.running_mean)
            unbiased = (centred**2).sum(axis=0) / (n - 1)
            self.running_var = self.running_var + self.momentum * (unbiased - self.running_var)
        else:
            self.mu, self.var = self.running_mean.copy(), self.running_var.copy()
        self.std = np.sqrt(self.var + self.eps)
        self.x_hat = (self.x - self.mu) / self.std
        return self.x_hat * self.gamma + self.beta

    def backward(self, dout):
        self.dgamma = np.sum(dout * self.x_hat, axis=0)
        self.dbeta = np.sum(dout, axis=0)
        dx_hat = dout * self.gamma_used
        if self.used == "eval":
            return dx_hat / self.std
        n = len(dout)
        centred = self.x - self.mu
        dvar = np.sum(dx_hat * centred, axis=0) * -0.5 * self.std**-3
        dmu = -np.sum(dx_hat, axis=0) / self.std + dvar * -2.0 * centred.mean(axis=0)
        return dx_hat / self.std + dvar * 2.0 * centred / n + dmu / n
