"""A correct alternative: one stacked weight W = [Wx; Wh] applied to the concatenation [x_t, h_{t-1}],
so every product sums over D + H terms at once (another summation order), and the weight gradient is
split back after the time loop."""

import numpy as np


def _stacked(Wx, Wh):
    return np.concatenate([Wx, Wh], axis=0)  # (D + H, H)


def rnn_forward(x, h0, Wx, Wh, b):
    W = _stacked(Wx, Wh)
    out = np.empty((x.shape[0], x.shape[1], Wh.shape[1]))
    state = np.array(h0, dtype=np.float64)
    for t in range(x.shape[1]):
        state = np.tanh(np.concatenate([x[:, t, :], state], axis=1) @ W + b)
        out[:, t, :] = state
    return out


def rnn_backward(dh, x, h0, Wx, Wh, b):
    d = Wx.shape[0]
    W = _stacked(Wx, Wh)
    h = rnn_forward(x, h0, Wx, Wh, b)
    dW = np.zeros_like(W)
    db = np.zeros(b.shape)
    dx = np.empty(x.shape)
    carry = np.zeros(h0.shape)
    for t in range(x.shape[1] - 1, -1, -1):
        prev = h[:, t - 1, :] if t else h0
        da = (1.0 - h[:, t, :]) * (1.0 + h[:, t, :]) * (dh[:, t, :] + carry)
        joint = np.concatenate([x[:, t, :], prev], axis=1)
        dW += joint.T @ da
        db += da.sum(axis=0)
        djoint = da @ W.T
        dx[:, t, :] = djoint[:, :d]
        carry = djoint[:, d:]
    return dx, carry, dW[:d], dW[d:], db
