import numpy as np

# Beam candidates as a (beams, V) score matrix flattened in row order, so one stable argsort gives
# the stated tie order; the nucleus from a cumulative sum and a boolean prefix.


def _softmax(z):
    z = z - np.max(z)
    e = np.exp(z)
    return e / np.sum(e)


def filtered_probs(logits, temperature=1.0, top_k=None, top_p=None):
    z = np.array(logits, dtype=np.float64)
    if temperature == 0:
        return np.eye(len(z))[np.argmax(z)]
    p = _softmax(z / temperature)
    if top_k:
        cut = np.argsort(-p, kind="stable")[top_k:]
        p[cut] = 0.0
        p /= p.sum()
    if top_p is not None:
        order = np.argsort(-p, kind="stable")
        cumulative = np.cumsum(p[order])
        outside = np.concatenate([[False], cumulative[:-1] >= top_p])
        p[order[outside]] = 0.0
        p /= p.sum()
    return p


def sample(logits, rng, temperature=1.0, top_k=None, top_p=None):
    p = filtered_probs(logits, temperature, top_k, top_p)
    u = rng.random()
    cdf = np.cumsum(p)
    idx = int(np.sum(cdf <= u))
    return idx if idx < len(p) and p[idx] > 0 else int(np.nonzero(p)[0][-1])


def beam_search(step_fn, bos, eos, beam_width, max_len, alpha=0.0):
    seqs, scores = [(bos,)], np.zeros(1)
    finished = []
    for _ in range(max_len):
        table = np.stack([np.asarray(step_fn(s), dtype=float) for s in seqs]) + scores[:, None]
        flat = table.ravel()
        v = table.shape[1]
        keep = np.argsort(-flat, kind="stable")[:beam_width]
        next_seqs, next_scores = [], []
        for k in keep:
            seq = (*seqs[k // v], int(k % v))
            if seq[-1] == eos:
                finished.append((seq, float(flat[k])))
            else:
                next_seqs.append(seq)
                next_scores.append(flat[k])
        if not next_seqs:
            break
        seqs, scores = next_seqs, np.array(next_scores)
    else:
        finished += list(zip(seqs, map(float, scores), strict=True))
    normalised = [s / (len(q) - 1) ** alpha for q, s in finished]
    q, s = finished[int(np.argmax(normalised))]
    return list(q), s
