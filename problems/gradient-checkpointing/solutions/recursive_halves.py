import numpy as np

# Segments handled by a recursive function over layer ranges; the tanh derivative written as
# 1 / cosh^2 of the pre-activation (numerically different, the same to rounding).


def mlp_forward(x, weights):
    h = x
    for W in weights:
        h = np.tanh(h @ W)
    return h


def _through(h, layers, g):
    zs = []
    for W in layers:
        z = h @ W
        zs.append((h, z))
        h = np.tanh(z)
    dws = []
    for (h_in, z), W in zip(reversed(zs), reversed(layers), strict=True):
        dz = g / np.cosh(z) ** 2
        dws.append(h_in.T @ dz)
        g = dz @ W.T
    return g, dws[::-1]


def mlp_backward_checkpointed(x, weights, dout, segment):
    def run(h, lo, g_out):
        if lo >= len(weights):
            return g_out, []
        hi = min(lo + segment, len(weights))
        h_next = mlp_forward(h, weights[lo:hi])  # the next checkpoint
        g_mid, later = run(h_next, hi, g_out)
        del h_next
        g_in, here = _through(h, weights[lo:hi], g_mid)
        return g_in, here + later

    return run(x, 0, dout)
