"""A worker starts its sandbox pool and judge processes as it starts (`Settings.warm_start`), so that
the first job after a restart waits for neither (about 1.5 s in all, measured in the README)."""

import time

import pytest
from sqlalchemy.orm import sessionmaker

from app.config import Settings
from app.judge.isolation import default_pool
from app.sandbox import Sandbox
from app.submissions.worker import Worker


def test_warm_start_is_on_outside_tests_and_can_be_set() -> None:
    assert Settings(env="development").starts_warm
    assert Settings(env="production", secret_key="x" * 32).starts_warm
    assert not Settings(env="test").starts_warm
    assert Settings(env="test", warm_start=True).starts_warm
    assert not Settings(env="development", warm_start=False).starts_warm


@pytest.mark.parametrize("isolation", ["container", "box"])
def test_a_warm_worker_has_its_sandboxes_and_judges_before_its_first_job(
    isolation: str, sandbox: Sandbox, sandbox_settings: Settings
) -> None:
    settings = sandbox_settings.model_copy(
        update={"warm_start": True, "sandbox_isolation": isolation, "workers": 2}
    )
    worker = Worker(settings, sessionmaker())
    try:
        assert worker.holder.current() is None
        worker.warm_up_in_background()
        deadline = time.monotonic() + 90
        while not worker.is_warm() and time.monotonic() < deadline:
            time.sleep(0.1)
        started = worker.holder.current()
        assert started is not None, "the warm-up started no sandbox"
        assert started.warm_count() >= settings.sandbox_pool_size
        assert default_pool().idle_count() >= settings.workers
        assert all(process.proc.poll() is None for process in default_pool()._idle)
    finally:
        worker.close()
    assert worker.holder.current() is None
    worker.warm_up()  # after close (a warm-up thread that came late): starts no sandbox
    assert worker.holder.current() is None


def test_a_worker_in_tests_starts_nothing_until_its_first_job(sandbox_settings: Settings) -> None:
    worker = Worker(sandbox_settings, sessionmaker())
    try:
        worker.warm_up_in_background()
        time.sleep(0.5)
        assert worker.holder.current() is None
    finally:
        worker.close()
