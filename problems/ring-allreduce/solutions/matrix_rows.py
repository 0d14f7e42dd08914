import numpy as np

# All workers as the rows of one matrix; each step moves one chunk per row with np.roll over rows.


def ring_allreduce(grads):
    p = len(grads)
    data = np.array(grads, dtype=float)  # (P, N), a copy
    pieces = np.array_split(np.arange(data.shape[1]), p)
    schedule = []
    for s in range(2 * (p - 1)):
        reduce = s < p - 1
        chunk_of = [(i - s) % p if reduce else (i + 1 - (s - p + 1)) % p for i in range(p)]
        outgoing = [data[i, pieces[chunk_of[i]]] for i in range(p)]
        for i in range(p):
            dst = (i + 1) % p
            idx = pieces[chunk_of[i]]
            data[dst, idx] = data[dst, idx] + outgoing[i] if reduce else outgoing[i]
        schedule.append([(i, (i + 1) % p, chunk_of[i]) for i in range(p)])
    return list(data), schedule
