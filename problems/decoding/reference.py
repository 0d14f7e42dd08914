import numpy as np


def filtered_probs(logits, temperature=1.0, top_k=None, top_p=None):
    z = logits
    if temperature == 0:  # greedy: all the mass on the first largest logit
        p = np.zeros(len(z))
        p[np.argmax(z)] = 1.0
        return p
    scaled = z / temperature
    e = np.exp(scaled - scaled.max())
    p = e / e.sum()
    if top_k is not None:  # a k of V or more keeps every token
        keep = np.zeros(len(p), dtype=bool)
        keep[np.argsort(-p, kind="stable")[:top_k]] = True
        p = np.where(keep, p, 0.0)
        p = p / p.sum()
    if top_p is not None:
        order = np.argsort(-p, kind="stable")
        reached = np.searchsorted(np.cumsum(p[order]), top_p)  # first prefix summing to top_p
        keep = np.zeros(len(p), dtype=bool)
        keep[order[: reached + 1]] = True
        p = np.where(keep, p, 0.0)
        p = p / p.sum()
    return p


def sample(logits, rng, temperature=1.0, top_k=None, top_p=None):
    p = filtered_probs(logits, temperature, top_k, top_p)
    u = rng.random()  # exactly one draw per token
    index = int(np.searchsorted(np.cumsum(p), u, side="right"))
    return min(index, int(np.flatnonzero(p)[-1]))  # rounding may leave u past the total


def beam_search(step_fn, bos, eos, beam_width, max_len, alpha=0.0):
    beams, finished = [((bos,), 0.0)], []
    for _ in range(max_len):
        candidates = []
        for seq, score in beams:
            logp = step_fn(seq)
            candidates.extend(((*seq, t), score + logp[t]) for t in range(len(logp)))
        candidates.sort(key=lambda c: -c[1])  # stable: ties keep beam order, then token order
        beams = []
        for seq, score in candidates[:beam_width]:
            (finished if seq[-1] == eos else beams).append((seq, score))
        if not beams:
            break
    finished.extend(beams)
    best = max(finished, key=lambda c: c[1] / (len(c[0]) - 1) ** alpha)
    return list(best[0]), float(best[1])
