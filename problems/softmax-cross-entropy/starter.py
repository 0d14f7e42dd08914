import numpy as np


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy of (N, C) logits against (N,) integer labels, and its gradient.

    Returns (loss, dlogits) where dlogits has the shape of logits.
    """
    raise NotImplementedError
