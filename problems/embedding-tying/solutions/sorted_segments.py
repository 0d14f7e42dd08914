import numpy as np

# Sort the ids and add each run of equal ids with np.add.reduceat.


def embedding_forward(W, ids):
    return W[ids]


def embedding_backward(ids, d_out, vocab_size):
    d = d_out.shape[-1]
    flat = ids.reshape(-1)
    grads = d_out.reshape(-1, d)
    dW = np.zeros((vocab_size, d))
    if flat.size == 0:
        return dW
    order = np.argsort(flat, kind="stable")
    sorted_ids = flat[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    dW[sorted_ids[starts]] = np.add.reduceat(grads[order], starts, axis=0)
    return dW


def tied_logits(W, ids):
    return W[ids] @ W.T


def tied_logits_backward(W, ids, d_logits):
    v = W.shape[0]
    out_layer = np.tensordot(d_logits, W[ids], axes=(list(range(ids.ndim)), list(range(ids.ndim))))
    return out_layer + embedding_backward(ids, d_logits @ W, v)
