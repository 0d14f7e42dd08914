import numpy as np


class Dropout:
    """Inverted dropout: drop with probability p and rescale by 1 / (1 - p) in training mode."""

    def __init__(self, p: float = 0.5, seed: int | None = None):
        raise NotImplementedError

    def train(self) -> None:
        raise NotImplementedError

    def eval(self) -> None:
        raise NotImplementedError

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        raise NotImplementedError
