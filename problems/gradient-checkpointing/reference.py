import numpy as np


def mlp_forward(x, weights):
    h = x
    for W in weights:
        h = np.tanh(h @ W)
    return h


def mlp_backward_checkpointed(x, weights, dout, segment):
    starts = list(range(0, len(weights), segment))
    checkpoints, h = [], x
    for s in starts:  # forward: keep only each segment's input
        checkpoints.append(h)
        for W in weights[s : s + segment]:
            h = np.tanh(h @ W)
    g, dweights = dout, [None] * len(weights)
    for j in range(len(starts) - 1, -1, -1):
        s, h = starts[j], checkpoints.pop()  # a checkpoint is dropped once its segment is done
        layers = weights[s : s + segment]
        acts = [h]
        for W in layers:  # recompute this segment's activations from its checkpoint
            acts.append(np.tanh(acts[-1] @ W))
        for i in range(len(layers) - 1, -1, -1):
            dz = g * (1.0 - acts[i + 1] ** 2)
            dweights[s + i] = acts[i].T @ dz
            g = dz @ layers[i].T
        del acts
    return g, dweights
