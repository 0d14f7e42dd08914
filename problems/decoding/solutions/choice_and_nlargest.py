import heapq

import numpy as np

# rng.choice for the draw, a loop for the nucleus, heapq.nlargest (stable) for the beams.


def filtered_probs(logits, temperature=1.0, top_k=None, top_p=None):
    logits = np.asarray(logits, dtype=float)
    v = len(logits)
    if temperature == 0:
        out = np.zeros(v)
        out[int(np.argmax(logits))] = 1.0
        return out
    z = logits / temperature
    p = np.exp(z - np.max(z))
    p /= p.sum()
    order = sorted(range(v), key=lambda i: -p[i])  # stable: ties keep the lower id first
    if top_k is not None:
        p[order[top_k:]] = 0.0
        p /= p.sum()
        order = sorted(range(v), key=lambda i: -p[i])
    if top_p is not None:
        total, kept = 0.0, 0
        for i in order:
            total += p[i]
            kept += 1
            if total >= top_p:
                break
        p[order[kept:]] = 0.0
        p /= p.sum()
    return p


def sample(logits, rng, temperature=1.0, top_k=None, top_p=None):
    p = filtered_probs(logits, temperature, top_k, top_p)
    return int(rng.choice(len(p), p=p))


def beam_search(step_fn, bos, eos, beam_width, max_len, alpha=0.0):
    live, done = [([bos], 0.0)], []
    for _ in range(max_len):
        options = []
        for tokens, total in live:
            scores = step_fn(tuple(tokens))
            options += [([*tokens, t], total + float(s)) for t, s in enumerate(scores)]
        best = heapq.nlargest(beam_width, options, key=lambda o: o[1])
        live = [o for o in best if o[0][-1] != eos]
        done += [o for o in best if o[0][-1] == eos]
        if not live:
            break
    done += live
    winner = max(done, key=lambda o: o[1] / (len(o[0]) - 1) ** alpha)
    return winner[0], winner[1]
