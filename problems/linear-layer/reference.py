import numpy as np


def linear_forward(x: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    return x @ W + b


def linear_backward(dout, x, W, b):
    return dout @ W.T, x.T @ dout, dout.sum(axis=0)
