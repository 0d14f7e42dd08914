"""A correct alternative: divide every array first (np.divide with out=), then one finiteness test
over all arrays; the good-step count is kept as steps since the last change of scale."""

import numpy as np


class DynamicLossScaler:
    def __init__(
        self, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000
    ):
        if init_scale <= 0:
            raise ValueError("init_scale must be positive")
        if growth_factor <= 1:
            raise ValueError("growth_factor must exceed 1")
        if not 0 < backoff_factor < 1:
            raise ValueError("backoff_factor must lie in (0, 1)")
        if growth_interval < 1:
            raise ValueError("growth_interval must be at least 1")
        self.scale = float(init_scale)
        self._growth = float(growth_factor)
        self._backoff = float(backoff_factor)
        self._interval = int(growth_interval)
        self._since_change = 0

    def scale_loss(self, loss):
        return loss * self.scale

    def unscale_(self, grads):
        for g in grads:
            np.divide(g, self.scale, out=g, casting="same_kind")
        return not all(np.isfinite(g).all() for g in grads)

    def update(self, found_inf):
        if found_inf:
            self.scale = self.scale * self._backoff
            self._since_change = 0
        elif self._since_change + 1 >= self._interval:
            self.scale = self.scale * self._growth
            self._since_change = 0
        else:
            self._since_change += 1
