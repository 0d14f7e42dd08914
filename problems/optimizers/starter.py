import numpy as np


class SGD:
    def __init__(
        self, params: list[np.ndarray], lr: float, momentum: float = 0.0, weight_decay: float = 0.0
    ):
        raise NotImplementedError

    def step(self, grads: list[np.ndarray]) -> None:
        raise NotImplementedError


class RMSprop:
    def __init__(self, params, lr, alpha=0.99, eps=1e-8, weight_decay=0.0):
        raise NotImplementedError

    def step(self, grads: list[np.ndarray]) -> None:
        raise NotImplementedError


class Adam:
    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        raise NotImplementedError

    def step(self, grads: list[np.ndarray]) -> None:
        raise NotImplementedError
