"""A real `dli serve` (with the real sandbox) and headless Chromium for the browser tests."""

import shutil
from collections.abc import Iterator

import pytest

from app.migrate import upgrade
from app.sandbox import Sandbox
from tests.helpers import require_or_skip
from tests.web.server import running_server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def web_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}"
    upgrade(url)
    return url


@pytest.fixture(scope="session")
def server(web_database: str, sandbox: Sandbox) -> Iterator[str]:
    with running_server(web_database) as (base, _):
        yield base


@pytest.fixture(scope="session")
def browser():
    require_or_skip(CHROMIUM is not None, "Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()
