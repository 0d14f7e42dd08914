import numpy as np


def embedding_forward(W, ids):
    return W[ids]


def embedding_backward(ids, d_out, vocab_size):
    d = d_out.shape[-1]
    dW = np.zeros((vocab_size, d))
    np.add.at(dW, ids.ravel(), d_out.reshape(ids.size, d))  # a repeated id adds up
    return dW


def tied_logits(W, ids):
    return W[ids] @ W.T


def tied_logits_backward(W, ids, d_logits):
    v, d = W.shape
    E = W[ids]
    d_projection = d_logits.reshape(ids.size, v).T @ E.reshape(ids.size, d)  # the output layer
    d_embedding = embedding_backward(ids, d_logits @ W, v)  # W as the embedding table
    return d_projection + d_embedding
