import numpy as np

# Checkpoints in a dict by layer index; each segment's backward from a list of (input, output)
# pairs, released before the next segment.


def mlp_forward(x, weights):
    for W in weights:
        x = np.tanh(x @ W)
    return x


def mlp_backward_checkpointed(x, weights, dout, segment):
    n = len(weights)
    saved = {}
    h = x
    for i, W in enumerate(weights):
        if i % segment == 0:
            saved[i] = h
        h = np.tanh(h @ W)
    del h
    grads = [None] * n
    g = dout
    for start in sorted(saved, reverse=True):
        stop = min(start + segment, n)
        pairs = []
        h = saved.pop(start)
        for i in range(start, stop):
            out = np.tanh(h @ weights[i])
            pairs.append((h, out))
            h = out
        for i in range(stop - 1, start - 1, -1):
            h_in, h_out = pairs.pop()
            dz = g * (1 - h_out * h_out)
            grads[i] = h_in.T @ dz
            g = dz @ weights[i].T
    return g, grads
