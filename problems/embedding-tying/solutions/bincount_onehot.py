import numpy as np

# The scatter-add as one np.bincount per column; the tied gradient through a one-hot matrix.


def embedding_forward(W, ids):
    return np.take(W, ids, axis=0)


def embedding_backward(ids, d_out, vocab_size):
    flat_ids = np.asarray(ids).ravel()
    d = d_out.shape[-1]
    rows = d_out.reshape(-1, d)
    return np.stack(
        [np.bincount(flat_ids, weights=rows[:, j], minlength=vocab_size) for j in range(d)],
        axis=1,
    ).reshape(vocab_size, d)


def tied_logits(W, ids):
    return np.einsum("...d,vd->...v", embedding_forward(W, ids), W)


def tied_logits_backward(W, ids, d_logits):
    v = W.shape[0]
    flat_ids = np.asarray(ids).ravel()
    g = d_logits.reshape(-1, v)
    onehot = np.zeros((flat_ids.size, v))
    onehot[np.arange(flat_ids.size), flat_ids] = 1.0
    # logits = onehot @ W @ W.T: the product rule over both factors.
    return onehot.T @ (g @ W) + g.T @ (onehot @ W)
