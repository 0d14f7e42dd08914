"""Advances Adam's step count once per parameter inside the loop instead of once per step().

Caught by: adam_first_step, adam_few_steps
"""

import numpy as np


def _check(lr, weight_decay, grads=None, params=None):
    if lr < 0 or weight_decay < 0:
        raise ValueError("lr and weight_decay must be >= 0")
    if grads is not None and len(grads) != len(params):
        raise ValueError("one gradient per parameter")


def _fraction(name, value):
    if not 0.0 <= value < 1.0:
        raise ValueError(f"{name} must be in [0, 1)")


class SGD:
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        _check(lr, weight_decay)
        _fraction("momentum", momentum)
        self.params, self.lr, self.momentum, self.wd = params, lr, momentum, weight_decay
        self.velocity = [np.zeros_like(p) for p in params]

    def step(self, grads):
        _check(self.lr, self.wd, grads, self.params)
        for p, g, v in zip(self.params, grads, self.velocity, strict=True):
            g = g + self.wd * p
            if self.momentum:
                v *= self.momentum
                v += g
                g = v
            p -= self.lr * g


class RMSprop:
    def __init__(self, params, lr, alpha=0.99, eps=1e-8, weight_decay=0.0):
        _check(lr, weight_decay)
        _fraction("alpha", alpha)
        if eps <= 0:
            raise ValueError("eps must be > 0")
        self.params, self.lr, self.alpha, self.eps, self.wd = params, lr, alpha, eps, weight_decay
        self.square_avg = [np.zeros_like(p) for p in params]

    def step(self, grads):
        _check(self.lr, self.wd, grads, self.params)
        for p, g, s in zip(self.params, grads, self.square_avg, strict=True):
            g = g + self.wd * p
            s *= self.alpha
            s += (1 - self.alpha) * g * g
            p -= self.lr * g / (np.sqrt(s) + self.eps)


class Adam:
    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        _check(lr, weight_decay)
        _fraction("beta1", betas[0])
        _fraction("beta2", betas[1])
        if eps <= 0:
            raise ValueError("eps must be > 0")
        self.params, self.lr, self.betas, self.eps, self.wd = params, lr, betas, eps, weight_decay
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.t = 0

    def step(self, grads):
        _check(self.lr, self.wd, grads, self.params)
        b1, b2 = self.betas
        for p, g, m, v in zip(self.params, grads, self.m, self.v, strict=True):
            self.t += 1
            g = g + self.wd * p
            m *= b1
            m += (1 - b1) * g
            v *= b2
            v += (1 - b2) * g * g
            m_hat = m / (1 - b1**self.t)
            v_hat = v / (1 - b2**self.t)
            p -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)
