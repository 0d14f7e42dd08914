import numpy as np


def rnn_forward(x, h0, Wx, Wh, b):
    """All hidden states (N, T, H) of h_t = tanh(x_t Wx + h_{t-1} Wh + b)."""
    raise NotImplementedError


def rnn_backward(dh, x, h0, Wx, Wh, b):
    """(dx, dh0, dWx, dWh, db) given dh, the upstream gradient of every hidden state."""
    raise NotImplementedError
