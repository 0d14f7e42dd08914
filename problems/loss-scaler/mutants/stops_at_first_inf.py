"""Unscales through a short-circuiting any(): after the first array with an inf, the rest stay scaled.

Caught by: inf_in_first_array
"""

import numpy as np


class DynamicLossScaler:
    def __init__(
        self, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000
    ):
        if not (
            init_scale > 0 and growth_factor > 1 and 0 < backoff_factor < 1 and growth_interval >= 1
        ):
            raise ValueError("invalid loss-scaler settings")
        self.scale = float(init_scale)
        self.growth_factor = growth_factor
        self.backoff_factor = backoff_factor
        self.growth_interval = growth_interval
        self.good_steps = 0

    def scale_loss(self, loss):
        return loss * self.scale

    def _unscale_one(self, g):
        g *= 1.0 / self.scale
        return not bool(np.all(np.isfinite(g)))

    def unscale_(self, grads):
        return any(self._unscale_one(g) for g in grads)

    def update(self, found_inf):
        if found_inf:
            self.scale *= self.backoff_factor
            self.good_steps = 0
            return
        self.good_steps += 1
        if self.good_steps == self.growth_interval:
            self.scale *= self.growth_factor
            self.good_steps = 0
