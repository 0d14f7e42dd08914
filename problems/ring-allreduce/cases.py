"""Cases for ring-allreduce: the sum on every worker, and a schedule that really is a ring.

The schedule a solution returns is replayed here on the original gradients: whatever the solution
computed itself, the messages alone must produce the sum on every worker.
"""

import numpy as np
from casekit import Case, changed_inputs, normal

TOL = (1e-12, 1e-12)


def workers(p: int, n: int, scale: float = 1.0, mixed: bool = False):
    def make(rng: np.random.Generator) -> dict:
        grads = [normal(rng, n, scale=scale) for _ in range(p)]
        if mixed:
            grads = [g * 10.0 ** rng.integers(-6, 7, size=n) for g in grads]
        return {"grads": grads}

    return make


def replay(grads, schedule) -> tuple[list, str | None]:
    """Run the schedule's messages on copies of the gradients: adds in the first p - 1 steps
    (reduce-scatter), overwrites in the last p - 1 (all-gather)."""
    p = len(grads)
    buffers = [np.array(g, dtype=np.float64) for g in grads]
    chunks = np.array_split(np.arange(len(buffers[0])), p)
    if not isinstance(schedule, list | tuple) or len(schedule) != 2 * (p - 1):
        count = len(schedule) if isinstance(schedule, list | tuple) else "no"
        return buffers, f"{count} steps, expected 2 * (p - 1) = {2 * (p - 1)}"
    for number, step in enumerate(schedule):
        try:
            messages = [(int(src), int(dst), int(c)) for src, dst, c in step]
        except (TypeError, ValueError):
            return buffers, f"step {number}: messages must be (src, dst, chunk) triples"
        if sorted(src for src, _, _ in messages) != list(range(p)):
            return buffers, f"step {number}: every worker must send exactly one message"
        for src, dst, c in messages:
            if dst != (src + 1) % p or not 0 <= c < p:
                return (
                    buffers,
                    f"step {number}: message {(src, dst, c)} is not to the right neighbour",
                )
        sent = [buffers[src][chunks[c]] for src, _, c in messages]
        for (_, dst, c), values in zip(messages, sent, strict=True):
            if number < p - 1:
                buffers[dst][chunks[c]] += values
            else:
                buffers[dst][chunks[c]] = values
    return buffers, None


def allreduce(mod, grads) -> dict:
    before = {f"g{i}": g.copy() for i, g in enumerate(grads)}
    results, schedule = mod.ring_allreduce(grads)
    replayed, problem = replay(grads, schedule)
    return {
        "results": [np.asarray(r) for r in results],
        "replayed": replayed,
        "schedule_problem": problem,
        "inputs_problem": changed_inputs(before, {f"g{i}": g for i, g in enumerate(grads)}),
    }


def worked(rng):
    base = np.arange(1.0, 8.0)
    return {"grads": [base, base * 10.0, base * 100.0]}


CASES = [
    Case("worked_example", sample=True, inputs=worked, call=allreduce, tol=TOL),
    Case("four_workers", sample=True, seed=1, inputs=workers(4, 10), call=allreduce, tol=TOL),
    Case("even_chunks", seed=2, inputs=workers(4, 16), call=allreduce, tol=TOL),
    Case("two_workers", seed=3, inputs=workers(2, 9), call=allreduce, tol=TOL),
    Case(
        "one_worker",
        seed=4,
        inputs=workers(1, 6),
        call=allreduce,
        tol=TOL,
        note="nothing to exchange: no steps, the gradient itself",
    ),
    Case(
        "fewer_values_than_workers",
        seed=5,
        inputs=workers(5, 3),
        call=allreduce,
        tol=TOL,
        note="some chunks are empty, and are still passed along",
    ),
    Case(
        "uneven_chunks",
        seed=6,
        inputs=workers(6, 50),
        call=allreduce,
        tol=TOL,
        note="50 values over 6 workers: chunks of 9, 9, 8, 8, 8, 8",
    ),
    Case("eight_workers", seed=7, inputs=workers(8, 1001), call=allreduce, tol=TOL),
    Case(
        "mixed_magnitudes",
        seed=8,
        inputs=workers(5, 40, mixed=True),
        call=allreduce,
        tol=(1e-9, 1e-12),
        note="values from 1e-6 to 1e6: the sums may differ in their last bits by order",
    ),
    Case("single_value", seed=9, inputs=workers(3, 1), call=allreduce, tol=TOL),
    Case("seven_workers_prime_length", seed=11, inputs=workers(7, 97), call=allreduce, tol=TOL),
    Case("many_workers", seed=10, inputs=workers(16, 100, scale=3.0), call=allreduce, tol=TOL),
]
