"""Checks only for infinities, so a nan gradient goes unnoticed.

Caught by: detects_nan
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

    def unscale_(self, grads):
        found_inf = False
        for g in grads:
            found_inf = found_inf or bool(np.any(np.isinf(g)))
            g *= 1.0 / self.scale
        return found_inf

    def update(self, found_inf):
        if found_inf:
            self.scale *= self.backoff_factor
            self.good_steps = 0
            return
        self.good_steps += 1
        if self.good_steps == self.growth_interval:
            self.scale *= self.growth_factor
            self.good_steps = 0
