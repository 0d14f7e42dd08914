import numpy as np

# The same ring with every chunk index shifted by one: worker i starts with chunk i + 1. Chunk
# bounds computed by hand; the messages of a step gathered before any is delivered.


def ring_allreduce(grads):
    p, n = len(grads), len(grads[0])
    sizes = [n // p + (1 if c < n % p else 0) for c in range(p)]
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    part = [slice(int(bounds[c]), int(bounds[c + 1])) for c in range(p)]
    work = [g.copy() for g in grads]
    schedule = []
    for s in range(p - 1):
        step = [(i, (i + 1) % p, (i + 1 - s) % p) for i in range(p)]
        payload = {dst: work[src][part[c]].copy() for src, dst, c in step}
        for _, dst, c in step:
            work[dst][part[c]] += payload[dst]
        schedule.append(step)
    for s in range(p - 1):
        step = [(i, (i + 1) % p, (i + 2 - s) % p) for i in range(p)]
        payload = {dst: work[src][part[c]].copy() for src, dst, c in step}
        for _, dst, c in step:
            work[dst][part[c]] = payload[dst]
        schedule.append(step)
    return work, schedule
