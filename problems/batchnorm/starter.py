import numpy as np


class BatchNorm1d:
    """Batch normalisation over axis 0 of an (N, D) input, with running statistics for eval mode."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1):
        raise NotImplementedError

    def train(self) -> None:
        raise NotImplementedError

    def eval(self) -> None:
        raise NotImplementedError

    def forward(self, x: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, dout: np.ndarray) -> np.ndarray:
        """Return dx; set self.dgamma and self.dbeta."""
        raise NotImplementedError
