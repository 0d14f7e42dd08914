"""`dli bench load`: drive a running dli with simulated users and report what they saw.

It starts nothing: point it at a server (`--url`) and at that server's database (DLI_DATABASE_URL),
where it creates its users and API tokens. Each simulated user browses the question table, opens a
question, Runs, Submits, waits for each verdict with the long-poll, and opens their history; the
users arrive spread over `--ramp` seconds. Meanwhile, from a second process (so that the client's
own event loop does not add its lag to the figures), `--waiters` long-polls stay open: other users
each wait on their own queued Run from several tabs, and submit the next Run when a verdict comes
(no faster than the per-user rate limit allows).

It prints p50/p95/p99 for pages, API reads, submits and submit-to-verdict side by side with the same
journey run by a single user on the idle server; the errors; the long-polls the server reported
open (sampled from /metrics); and, once every verdict is in, the submissions left without one (lost)
and the users whose attempt counts differ from their graded Submits (counted twice).

Over 300 lines because the journey, the waiting users' process and the report share the
Figures they fill; each part is a few functions.
"""

import asyncio
import contextlib
import multiprocessing
import random
import re
import secrets
import statistics
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.synchronize import Event as StopEvent
from typing import Any

import httpx
from sqlalchemy import func, select

from app.config import Settings
from app.db import make_engine, make_sessionmaker
from app.judge.kinds import Mode, Verdict
from app.models import Submission, SubmissionStatus, User, UserProblemStatus
from app.users import service as users

GOOD = """import numpy as np

def logsumexp(x, axis=-1, keepdims=False):
    x = np.asarray(x, dtype=np.float64)
    if x.shape[axis] == 0:
        shape = list(x.shape)
        shape[axis] = 1
        out = np.full(shape, -np.inf)
        return out if keepdims else np.squeeze(out, axis=axis)
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)

def log_softmax(x, axis=-1):
    x = np.asarray(x, dtype=np.float64)
    return x - logsumexp(x, axis=axis, keepdims=True)
"""
PROBLEM = "log-softmax"
TABS_PER_WAITER = 10  # long-polls one waiting user holds open on the same submission
DRAIN_S = 1800  # how long the end of the run waits for the last verdicts


@dataclass
class Figures:
    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    submitted: list[int] = field(default_factory=list)

    def timed(self, kind: str, seconds: float) -> None:
        self.latency[kind].append(seconds)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return (
        ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")
    )


def _client(url: str, token: str | None, connections: int) -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    # An idle connection is dropped before the server's keep-alive of 5 s ends it: reusing one the
    # server is closing at that moment fails with a read error (a browser would retry it quietly).
    limits = httpx.Limits(
        max_connections=connections, max_keepalive_connections=None, keepalive_expiry=3.0
    )
    return httpx.AsyncClient(base_url=url, headers=headers, timeout=120, limits=limits)


async def _request(
    client: httpx.AsyncClient, figures: Figures, kind: str, method: str, url: str, **kw: Any
) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kw)
    except httpx.HTTPError as exc:
        figures.errors[f"{kind}: {type(exc).__name__}"] += 1
        return None
    figures.timed(kind, time.perf_counter() - started)
    if response.status_code >= 400:
        figures.errors[f"{kind}: HTTP {response.status_code}"] += 1
    return response


async def _submit(client: httpx.AsyncClient, figures: Figures, mode: str) -> int | None:
    body = {"problem": PROBLEM, "code": GOOD, "mode": mode}
    response = await _request(client, figures, "submit", "POST", "/api/v1/submissions", json=body)
    if response is None or response.status_code != 202:
        return None
    figures.submitted.append(response.json()["id"])
    return int(response.json()["id"])


async def _until_done(
    client: httpx.AsyncClient, figures: Figures, sub_id: int, stop: Callable[[], bool]
) -> bool:
    """Long-poll until the verdict is in (True), or until `stop()` says the run is over."""
    while not stop():
        response = await _request(
            client, figures, "long-poll", "GET", f"/api/v1/submissions/{sub_id}?wait=30"
        )
        if response is None or response.status_code >= 400:
            await asyncio.sleep(1.0)
        elif response.json()["status"] == "done":
            return True
    return False


async def journey(
    client: httpx.AsyncClient, figures: Figures, think: float, start: float = 0.0
) -> None:
    """What one person does: table, question, Run, Submit, history."""
    await asyncio.sleep(start)
    await _request(client, figures, "page", "GET", "/")
    await asyncio.sleep(random.uniform(0, think))
    await _request(client, figures, "page", "GET", f"/problems/{PROBLEM}")
    deadline = time.monotonic() + DRAIN_S
    for mode in ("run", "submit"):
        await asyncio.sleep(random.uniform(0, think))
        started = time.monotonic()
        sub_id = await _submit(client, figures, mode)
        if sub_id is None:
            continue
        if await _until_done(client, figures, sub_id, lambda: time.monotonic() > deadline):
            figures.timed("submit-to-verdict", time.monotonic() - started)
        else:
            figures.errors["verdict never came"] += 1
    await _request(client, figures, "api", "GET", f"/api/v1/submissions?problem={PROBLEM}&limit=20")


async def _waiting_user(
    client: httpx.AsyncClient, figures: Figures, ramp: float, pace: float, stop: StopEvent
) -> None:
    """Someone with several tabs waiting on their queued Run; the next Run when it is graded, no
    sooner than `pace` seconds after the last (the server's per-user rate limit)."""
    await asyncio.sleep(random.uniform(0, ramp))
    while not stop.is_set():
        sub_id = await _submit(client, figures, "run")
        # Counted from its answer, by which time the server had it: the next reaches the server at
        # least `pace` later as the server counts. (From the sending, a first request slower on its
        # way than the second left a gap 0.3 ms short: a CI failure.)
        last = time.monotonic()
        if sub_id is None:
            await asyncio.sleep(5.0)  # rate limited or refused: the tally shows it
            continue
        tabs = [_until_done(client, figures, sub_id, stop.is_set) for _ in range(TABS_PER_WAITER)]
        await asyncio.gather(*tabs)
        await asyncio.sleep(max(0.0, last + pace - time.monotonic()))


def _waiters_process(
    url: str, tokens: list[str], ramp: float, pace: float, stop: StopEvent, results: Any
) -> None:
    async def main() -> Figures:
        figures = Figures()
        clients = [_client(url, token, TABS_PER_WAITER + 2) for token in tokens]
        try:
            await asyncio.gather(*(_waiting_user(c, figures, ramp, pace, stop) for c in clients))
        finally:
            for client in clients:
                await client.aclose()
        return figures

    figures = asyncio.run(main())
    results.put((dict(figures.errors), figures.submitted))


async def _sample_waiters(url: str, samples: list[float], stop: asyncio.Event) -> None:
    """What the server says: long-polls open, from its /metrics, once a second."""
    async with _client(url, None, 2) as client:
        while not stop.is_set():
            try:
                text = (await client.get("/metrics")).text
                found = re.search(r"^dli_verdict_waiters (\S+)$", text, re.M)
                if found:
                    samples.append(float(found.group(1)))
            except httpx.HTTPError:
                pass
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)


async def _journeys(
    url: str, tokens: list[str], think: float, ramp: float, samples: list[float]
) -> Figures:
    figures = Figures()
    clients = [_client(url, token, 4) for token in tokens]
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_waiters(url, samples, stop))
    try:
        await asyncio.gather(
            *(journey(c, figures, think, random.uniform(0, ramp)) for c in clients)
        )
    finally:
        stop.set()
        await sampler
        for client in clients:
            await client.aclose()
    return figures


def _make_users(settings: Settings, count: int) -> list[str]:
    sessions = make_sessionmaker(make_engine(settings.database_url))
    run = secrets.token_hex(3)
    tokens = []
    with sessions() as db:
        for i in range(count):
            user = User(username=f"bench-{run}-{i}", password_hash="!")  # never signs in
            db.add(user)
            db.flush()
            _, plain = users.create_token(db, user=user, name="bench")
            tokens.append(plain)
        db.commit()
    return tokens


def _bookkeeping(settings: Settings, ids: list[int]) -> tuple[int, int]:
    """Once every verdict is in (or DRAIN_S has passed): submissions without a verdict, and
    users whose attempts differ from their graded Submits."""
    sessions = make_sessionmaker(make_engine(settings.database_url))
    deadline = time.monotonic() + DRAIN_S
    with sessions() as db:
        while True:
            pending = db.scalar(
                select(func.count()).where(
                    Submission.id.in_(ids), Submission.status != SubmissionStatus.done
                )
            )
            db.rollback()
            if not pending or time.monotonic() > deadline:
                break
            time.sleep(2.0)
        subs = list(db.scalars(select(Submission).where(Submission.id.in_(ids))))
        lost = sum(s.status != SubmissionStatus.done for s in subs)
        submits: dict[int, int] = defaultdict(int)
        for s in subs:
            if s.mode == Mode.submit and s.verdict not in (None, Verdict.internal_error):
                submits[s.user_id] += 1
        twice = 0
        for user_id, count in submits.items():
            attempts = db.scalar(
                select(func.sum(UserProblemStatus.attempts)).where(
                    UserProblemStatus.user_id == user_id
                )
            )
            twice += (attempts or 0) != count
    return lost, twice


def _row(name: str, one: list[float], many: list[float]) -> str:
    def cell(values: list[float]) -> str:
        if not values:
            return f"{'-':>26}"
        ms = [v * 1000 for v in values]
        return (
            f"{_percentile(ms, 0.5):8.0f}{_percentile(ms, 0.95):9.0f}{_percentile(ms, 0.99):9.0f}"
        )

    return f"{name:20} {cell(one)}   {cell(many)}"


def bench_load(
    settings: Settings,
    *,
    url: str,
    users_count: int,
    waiters: int,
    think: float,
    ramp: float = 10.0,
    out: Callable[[str], None] = print,
) -> dict[str, float]:
    holders = -(-waiters // TABS_PER_WAITER)
    pace = 60 / settings.submissions_per_minute * 1.05  # a little inside the sliding window
    tokens = _make_users(settings, 1 + users_count + holders)
    out(
        f"dli bench load: {url}; {users_count} users arriving over {ramp:g} s, {think:g} s to "
        f"think between steps; {waiters} long-polls from {holders} users waiting on their Runs"
    )
    one = asyncio.run(_journeys(url, tokens[:1], 0.0, 0.0, []))

    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    holding = context.Process(
        target=_waiters_process, args=(url, tokens[1 + users_count :], ramp, pace, stop, results)
    )
    holding.start()
    samples: list[float] = []
    started = time.monotonic()
    many = asyncio.run(_journeys(url, tokens[1 : 1 + users_count], think, ramp, samples))
    elapsed = time.monotonic() - started
    stop.set()
    held_errors, held_ids = results.get(timeout=120)
    holding.join(timeout=60)
    lost, twice = _bookkeeping(settings, one.submitted + many.submitted + held_ids)

    out(f"\n{'':20} {'1 user (ms)':>26}   {f'{users_count} users (ms)':>26}")
    out(f"{'':20} {'p50':>8}{'p95':>9}{'p99':>9}   {'p50':>8}{'p95':>9}{'p99':>9}")
    for kind in ("page", "api", "submit", "submit-to-verdict"):
        out(_row(kind, one.latency[kind], many.latency[kind]))
    open_polls = sorted(samples[len(samples) // 10 :]) or [0.0]  # past the first tenth (ramp)
    out(
        f"\nlong-polls open on the server: median {statistics.median(open_polls):.0f}, "
        f"max {open_polls[-1]:.0f}; {len(held_ids)} Runs by the waiting users"
    )
    requests = sum(len(v) for v in many.latency.values())
    errors = {**one.errors}
    for kind, count in [*many.errors.items(), *held_errors.items()]:
        errors[kind] = errors.get(kind, 0) + count
    out(
        f"{requests} requests by the users in {elapsed:.0f} s; errors: {sum(errors.values())}; "
        f"verdicts lost: {lost}; counted twice: {twice}"
    )
    for kind, count in sorted(errors.items()):
        out(f"  {count:5d} x {kind}")
    return {
        "page_p95": _percentile(many.latency["page"], 0.95),
        "errors": sum(errors.values()),
        "lost": lost,
        "twice": twice,
    }
