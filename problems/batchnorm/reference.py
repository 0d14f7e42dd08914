import numpy as np


class BatchNorm1d:
    def __init__(self, num_features, eps=1e-5, momentum=0.1):
        self.eps, self.momentum = eps, momentum
        self.gamma = np.ones(num_features)
        self.beta = np.zeros(num_features)
        self.running_mean = np.zeros(num_features)
        self.running_var = np.ones(num_features)
        self.dgamma = np.zeros(num_features)
        self.dbeta = np.zeros(num_features)
        self.training = True

    def train(self):
        self.training = True

    def eval(self):
        self.training = False

    def forward(self, x):
        if self.training:
            n = x.shape[0]
            if n < 2:
                raise ValueError("training mode needs at least 2 rows per batch")
            # Statistics of the data shifted by its first row: exact differences for values with
            # a large common offset, so the mean and variance keep every digit.
            shifted = x - x[0]
            offset = shifted.mean(axis=0)
            centred = shifted - offset
            mean, var = x[0] + offset, (centred * centred).mean(axis=0)
            m = self.momentum
            self.running_mean = (1 - m) * self.running_mean + m * mean
            self.running_var = (1 - m) * self.running_var + m * var * n / (n - 1)
        else:
            centred, var = x - self.running_mean, self.running_var
        inv_std = 1.0 / np.sqrt(var + self.eps)
        self.x_hat = centred * inv_std
        self.scale = self.gamma * inv_std  # backward differentiates this forward's gamma
        self.trained = self.training
        return self.gamma * self.x_hat + self.beta

    def backward(self, dout):
        self.dbeta = dout.sum(axis=0)
        self.dgamma = (dout * self.x_hat).sum(axis=0)
        if not self.trained:
            return dout * self.scale
        n = dout.shape[0]
        return (self.scale / n) * (n * dout - self.dbeta - self.x_hat * self.dgamma)
