"""A whole mock interview in two Chromium contexts: the proctor's and the candidate's."""

import os
import subprocess
import sys

from app.config import ROOT
from tests.web.test_browser import ARTIFACTS, REFERENCE, WRONG, replace_code

NOTE = "hesitated on the max shift"


def make_proctor(database_url: str) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "user",
            "create",
            "proctor1",
            "--role",
            "proctor",
            "--password-stdin",
        ],
        input="a long enough password\n",
        text=True,
        cwd=ROOT,
        env={**os.environ, "DLI_DATABASE_URL": database_url},
        check=True,
        capture_output=True,
    )


def test_mock_interview_end_to_end(server: str, web_database: str, browser) -> None:  # type: ignore[no-untyped-def]
    make_proctor(web_database)
    proctor = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    proctor.goto(server + "/login")
    proctor.fill("input[name=username]", "proctor1")
    proctor.fill("input[name=password]", "a long enough password")
    proctor.click("form button[type=submit]")
    proctor.goto(server + "/interviews")
    proctor.fill("input[name=title]", "Screen for the DL team")
    proctor.fill("input[name=minutes]", "30")
    proctor.check("input[value=softmax-cross-entropy]")
    proctor.click("#new-interview button[type=submit]")
    link = proctor.inner_text("#candidate-link").strip()
    assert "/i/" in link
    interview_id = proctor.get_attribute(".proctor", "data-interview")

    candidate = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    candidate.goto(link)
    candidate.wait_for_selector("#lobby:not([hidden])")

    proctor.click("button[data-action=start]")
    proctor.wait_for_selector("#state:text('live')")
    candidate.wait_for_selector(".cm-editor", timeout=15_000)
    assert (
        "left" in candidate.inner_text("#cand-timer") or candidate.inner_text("#cand-timer") == ""
    )

    replace_code(candidate, WRONG)
    candidate.click("#run-0")
    candidate.wait_for_selector("#result-0 [data-verdict=wrong_answer]", timeout=60_000)
    proctor.wait_for_selector("#code-0:has-text('np.zeros_like')", timeout=15_000)
    proctor.wait_for_selector("#submissions li[data-verdict=wrong_answer]", timeout=15_000)

    proctor.fill("#notes", NOTE)
    proctor.wait_for_selector("#notes-state:text('Saved')")
    proctor.click("button[data-hint='0']")
    candidate.wait_for_selector("#hints-0 li", timeout=15_000)

    replace_code(candidate, REFERENCE)
    candidate.click("#submit-0")
    candidate.wait_for_selector("#result-0 [data-verdict=accepted]", timeout=60_000)
    proctor.wait_for_selector("#submissions li[data-verdict=accepted]", timeout=15_000)

    proctor.select_option("select[name=correctness]", "4")
    proctor.select_option("select[name=recommendation]", "yes")
    proctor.click("#scorecard button[type=submit]")
    proctor.wait_for_selector("#scorecard-state:text('Saved')")
    proctor.screenshot(path=str(ARTIFACTS / "interview-proctor.png"), full_page=True)
    proctor.on("dialog", lambda d: d.accept())
    proctor.click("button[data-action=end]")
    proctor.wait_for_selector("#state:text('ended')")

    candidate.wait_for_selector("#over:not([hidden])", timeout=15_000)
    assert candidate.inner_text("#cand-timer") == ""  # no countdown once it has ended
    assert candidate.locator("#submit-0").is_disabled()
    assert NOTE not in candidate.content()
    candidate.screenshot(path=str(ARTIFACTS / "interview-candidate.png"), full_page=True)

    proctor.goto(f"{server}/interviews/{interview_id}/report")
    events = proctor.inner_text("#report-events")
    for kind in ("started", "joined", "ran", "hint released", "submitted", "ended"):
        assert kind in events
    assert NOTE in proctor.content()
    assert proctor.locator("#replay-slider").count() == 1
    proctor.screenshot(path=str(ARTIFACTS / "interview-report.png"), full_page=True)

    candidate.goto(link + "/report")
    assert NOTE not in candidate.content() and "Scorecard" not in candidate.content()
