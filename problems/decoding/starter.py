import numpy as np


def filtered_probs(logits, temperature=1.0, top_k=None, top_p=None):
    """The distribution that sampling draws from, after temperature, top-k and top-p."""
    raise NotImplementedError


def sample(logits, rng, temperature=1.0, top_k=None, top_p=None):
    """One token id drawn with rng from filtered_probs(...)."""
    raise NotImplementedError


def beam_search(step_fn, bos, eos, beam_width, max_len, alpha=0.0):
    """(best sequence including bos, its summed log-probability)."""
    raise NotImplementedError
