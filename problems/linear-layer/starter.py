import numpy as np


def linear_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """out = x @ W + b for x (N, D_in), W (D_in, D_out), b (D_out,)."""
    raise NotImplementedError


def linear_backward(
    dout: np.ndarray, x: np.ndarray, W: np.ndarray, b: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gradients (dx, dW, db) of the loss, given dout = dL/dout of shape (N, D_out)."""
    raise NotImplementedError
