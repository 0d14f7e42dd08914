"""Accumulates dWh with the current state h_t instead of the previous one h_{t-1}.

Caught by: worked_example, gradient_check
"""

import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    n, t_len, _ = x.shape
    h = np.zeros((n, t_len, Wh.shape[0]))
    prev = h0
    for t in range(t_len):
        prev = np.tanh(x[:, t] @ Wx + prev @ Wh + b)
        h[:, t] = prev
    return h


def rnn_backward(dh, x, h0, Wx, Wh, b):
    h = rnn_forward(x, h0, Wx, Wh, b)
    dx = np.zeros(x.shape)
    dWx, dWh, db = np.zeros(Wx.shape), np.zeros(Wh.shape), np.zeros(b.shape)
    dnext = np.zeros(h0.shape)
    for t in reversed(range(x.shape[1])):
        da = (dh[:, t] + dnext) * (1.0 - h[:, t] ** 2)
        h[:, t - 1] if t > 0 else h0
        dx[:, t] = da @ Wx.T
        dWx += x[:, t].T @ da
        dWh += h[:, t].T @ da
        db += da.sum(axis=0)
        dnext = da @ Wh.T
    return dx, dnext, dWx, dWh, db
