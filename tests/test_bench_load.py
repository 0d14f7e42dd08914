"""`dli bench load`'s simulated people: what they send, against a fake server (no timing figures)."""

import asyncio
import itertools
import threading
import time

import httpx

from app.bench_load import Figures, _waiting_user


def test_a_waiting_user_never_submits_faster_than_the_rate_limit() -> None:
    posts: list[float] = []

    def server(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(time.monotonic())
            return httpx.Response(202, json={"id": len(posts)})
        return httpx.Response(200, json={"status": "done"})  # every verdict is in at once

    async def main() -> Figures:
        figures = Figures()
        stop = threading.Event()
        asyncio.get_running_loop().call_later(1.3, stop.set)
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(server), base_url="http://dli"
        ) as client:
            await _waiting_user(client, figures, 0.0, 0.4, stop)
        return figures

    figures = asyncio.run(main())
    assert not figures.errors
    assert 2 <= len(posts) <= 4  # at 0, 0.4, 0.8 and 1.2 s at most: not one per verdict
    gaps = [b - a for a, b in itertools.pairwise(posts)]
    assert min(gaps) >= 0.4
