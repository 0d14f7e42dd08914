"""A correct alternative: per-parameter state in dicts, and Adam in its folded-step-size form
lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t) with eps scaled to match."""

import math

import numpy as np


class _Optimizer:
    def __init__(self, params, lr, weight_decay):
        if lr < 0 or weight_decay < 0:
            raise ValueError("negative lr or weight_decay")
        self.params = params
        self.lr = lr
        self.weight_decay = weight_decay
        self.state = [dict() for _ in params]

    def _grads(self, grads):
        if len(grads) != len(self.params):
            raise ValueError("grads and params differ in length")
        return [
            g + self.weight_decay * p if self.weight_decay else g
            for p, g in zip(self.params, grads, strict=False)
        ]


class SGD(_Optimizer):
    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        super().__init__(params, lr, weight_decay)
        if not 0 <= momentum < 1:
            raise ValueError("momentum must be in [0, 1)")
        self.momentum = momentum

    def step(self, grads):
        for p, g, st in zip(self.params, self._grads(grads), self.state, strict=False):
            if self.momentum > 0:
                st["v"] = self.momentum * st.get("v", 0.0) + g
                g = st["v"]
            np.subtract(p, self.lr * g, out=p)


class RMSprop(_Optimizer):
    def __init__(self, params, lr, alpha=0.99, eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr, weight_decay)
        if not 0 <= alpha < 1 or eps <= 0:
            raise ValueError("alpha must be in [0, 1) and eps positive")
        self.alpha, self.eps = alpha, eps

    def step(self, grads):
        for p, g, st in zip(self.params, self._grads(grads), self.state, strict=False):
            st["s"] = self.alpha * st.get("s", 0.0) + (1 - self.alpha) * np.square(g)
            p[...] = p - self.lr * g / (np.sqrt(st["s"]) + self.eps)


class Adam(_Optimizer):
    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        super().__init__(params, lr, weight_decay)
        if not (0 <= betas[0] < 1 and 0 <= betas[1] < 1) or eps <= 0:
            raise ValueError("betas must be in [0, 1) and eps positive")
        self.b1, self.b2 = betas
        self.eps = eps
        self.steps = 0

    def step(self, grads):
        grads = self._grads(grads)  # checks the length before the step count moves
        self.steps += 1
        c1 = 1 - self.b1**self.steps
        c2 = 1 - self.b2**self.steps
        step_size = self.lr * math.sqrt(c2) / c1
        for p, g, st in zip(self.params, grads, self.state, strict=False):
            st["m"] = self.b1 * st.get("m", 0.0) + (1 - self.b1) * g
            st["v"] = self.b2 * st.get("v", 0.0) + (1 - self.b2) * g * g
            p -= step_size * st["m"] / (np.sqrt(st["v"]) + self.eps * math.sqrt(c2))
