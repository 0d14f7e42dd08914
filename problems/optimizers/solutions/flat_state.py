"""A correct alternative: all optimizer state in one flat vector per quantity, results written back
into the caller's arrays with p[...] = ...; SGD's buffer starts as a copy of the first gradient and
Adam uses the folded form lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)."""

import math

import numpy as np


class _Flat:
    def __init__(self, params, lr, weight_decay):
        if lr < 0:
            raise ValueError("lr must be non-negative")
        if weight_decay < 0:
            raise ValueError("weight_decay must be non-negative")
        self.params = list(params)
        self.lr = lr
        self.weight_decay = weight_decay
        self.sizes = [p.size for p in self.params]

    def _gather(self, grads):
        if len(grads) != len(self.params):
            raise ValueError("expected one gradient per parameter")
        p = np.concatenate([q.ravel() for q in self.params])
        g = np.concatenate([np.asarray(x, dtype=np.float64).ravel() for x in grads])
        return p, g + self.weight_decay * p

    def _scatter(self, flat):
        for q, piece in zip(self.params, np.split(flat, np.cumsum(self.sizes)[:-1]), strict=True):
            q[...] = piece.reshape(q.shape)


def _unit_interval(name, value):
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must lie in [0, 1)")


class SGD(_Flat):
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr, weight_decay)
        _unit_interval("momentum", momentum)
        self.momentum = momentum
        self.buf = None

    def step(self, grads):
        p, g = self._gather(grads)
        if self.momentum:
            self.buf = g.copy() if self.buf is None else self.momentum * self.buf + g
            g = self.buf
        self._scatter(p - self.lr * g)


class RMSprop(_Flat):
    def __init__(self, params, lr, alpha=0.99, eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr, weight_decay)
        _unit_interval("alpha", alpha)
        if eps <= 0:
            raise ValueError("eps must be positive")
        self.alpha, self.eps = alpha, eps
        self.sq = np.zeros(sum(self.sizes))

    def step(self, grads):
        p, g = self._gather(grads)
        self.sq = self.alpha * self.sq + (1.0 - self.alpha) * np.square(g)
        self._scatter(p - self.lr * g / (np.sqrt(self.sq) + self.eps))


class Adam(_Flat):
    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr, weight_decay)
        _unit_interval("beta1", betas[0])
        _unit_interval("beta2", betas[1])
        if eps <= 0:
            raise ValueError("eps must be positive")
        self.beta1, self.beta2, self.eps = betas[0], betas[1], eps
        self.m = np.zeros(sum(self.sizes))
        self.v = np.zeros(sum(self.sizes))
        self.steps = 0

    def step(self, grads):
        p, g = self._gather(grads)
        self.steps += 1
        self.m = self.beta1 * self.m + (1.0 - self.beta1) * g
        self.v = self.beta2 * self.v + (1.0 - self.beta2) * g * g
        step_size = self.lr / (1.0 - self.beta1**self.steps)
        denom = np.sqrt(self.v) / math.sqrt(1.0 - self.beta2**self.steps) + self.eps
        self._scatter(p - step_size * self.m / denom)
