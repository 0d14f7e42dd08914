"""A correct alternative: counts down the steps left until growth, and checks finiteness per array."""

import numpy as np


class DynamicLossScaler:
    def __init__(
        self, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000
    ):
        if (
            init_scale <= 0
            or growth_factor <= 1
            or not 0 < backoff_factor < 1
            or growth_interval < 1
        ):
            raise ValueError("bad settings")
        self.scale = float(init_scale)
        self._grow, self._back, self._interval = growth_factor, backoff_factor, growth_interval
        self._left = growth_interval

    def scale_loss(self, loss):
        return self.scale * loss

    def unscale_(self, grads):
        bad = [not np.isfinite(g).all() for g in grads]
        inverse = 1.0 / self.scale
        for g in grads:
            np.multiply(g, inverse, out=g, casting="unsafe")
        return any(bad)

    def update(self, found_inf):
        if found_inf:
            self.scale = self.scale * self._back
            self._left = self._interval
        else:
            self._left -= 1
            if self._left == 0:
                self.scale = self.scale * self._grow
                self._left = self._interval
