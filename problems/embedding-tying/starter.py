import numpy as np


def embedding_forward(W, ids):
    """The rows of W (V, D) for the ids: shape ids.shape + (D,)."""
    raise NotImplementedError


def embedding_backward(ids, d_out, vocab_size):
    """The gradient of W from the lookup: (vocab_size, D)."""
    raise NotImplementedError


def tied_logits(W, ids):
    """Embed the ids with W, then project back with W as the output layer: ids.shape + (V,)."""
    raise NotImplementedError


def tied_logits_backward(W, ids, d_logits):
    """The gradient of W through both of its uses in tied_logits: (V, D)."""
    raise NotImplementedError
