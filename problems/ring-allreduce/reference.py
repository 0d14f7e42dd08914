import numpy as np


def ring_allreduce(grads):
    p = len(grads)
    buffers = [np.array(g, dtype=np.float64) for g in grads]  # copies: the inputs stay as they are
    chunks = np.array_split(np.arange(len(buffers[0])), p)
    schedule = []
    for phase in ("reduce", "gather"):
        for s in range(p - 1):
            # Every worker sends one chunk to its right neighbour; all at once, so read first.
            shift = -s if phase == "reduce" else 1 - s
            step = [(i, (i + 1) % p, (i + shift) % p) for i in range(p)]
            sent = [buffers[src][chunks[c]] for src, _, c in step]
            for k, (_, dst, c) in enumerate(step):
                if phase == "reduce":
                    buffers[dst][chunks[c]] += sent[k]
                else:
                    buffers[dst][chunks[c]] = sent[k]
            schedule.append(step)
    return buffers, schedule
