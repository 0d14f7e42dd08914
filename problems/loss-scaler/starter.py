import numpy as np


class DynamicLossScaler:
    def __init__(
        self, init_scale=65536.0, growth_factor=2.0, backoff_factor=0.5, growth_interval=2000
    ):
        raise NotImplementedError

    def scale_loss(self, loss: float) -> float:
        raise NotImplementedError

    def unscale_(self, grads: list[np.ndarray]) -> bool:
        """Divide grads by the scale in place; return True if any entry is inf or nan."""
        raise NotImplementedError

    def update(self, found_inf: bool) -> None:
        raise NotImplementedError
