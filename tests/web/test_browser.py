"""The browser journey in headless Chromium, against a real `dli serve` with the real sandbox.

Screenshots of the question page and the question table are saved to var/artifacts/ for review.
"""

from pathlib import Path

from app.config import ROOT

ARTIFACTS = ROOT / "var" / "artifacts"
WRONG = "import numpy as np\n\ndef softmax_cross_entropy(logits, labels):\n    return 0.0, np.zeros_like(logits)\n"
REFERENCE = (ROOT / "problems" / "softmax-cross-entropy" / "reference.py").read_text()


def register(page, base: str, name: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(base + "/register")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", "a long enough password")
    page.click("form button[type=submit]")
    page.wait_for_url(base + "/")


def replace_code(page, code: str) -> None:  # type: ignore[no-untyped-def]
    page.click(".cm-content")
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def test_practice_journey(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    alice = browser.new_page(viewport={"width": 1366, "height": 900})
    register(alice, server, "alice")
    alice.goto(server + "/problems/softmax-cross-entropy")
    alice.wait_for_selector(".cm-editor")  # the CodeMirror bundle loaded
    assert alice.locator(".katex").count() > 0  # math rendered
    assert "def softmax_cross_entropy" in alice.locator(".cm-content").inner_text()

    replace_code(alice, WRONG)
    alice.keyboard.press("Control+Enter")  # Run
    alice.wait_for_selector("#verdict", timeout=60_000)
    assert alice.get_attribute("#verdict", "data-verdict") == "wrong_answer"
    failing = alice.locator("tr.fail[data-case=worked_example]")
    assert failing.count() == 1
    failing.locator("summary").click()
    assert "Expected" in failing.inner_text()

    replace_code(alice, REFERENCE)
    alice.keyboard.press("Control+Shift+Enter")  # Submit
    alice.wait_for_selector("#verdict[data-verdict=accepted]", timeout=60_000)
    assert "14/14 passed" in alice.inner_text("#verdict")
    alice.wait_for_selector("#solved-mark:not([hidden])")
    alice.wait_for_selector("#follow-ups details")
    alice.wait_for_selector(".history-list li")
    alice.screenshot(path=str(ARTIFACTS / "question-page.png"), full_page=True)

    # The draft was autosaved: a reload shows the accepted code, not the starter.
    alice.reload()
    alice.wait_for_selector(".cm-editor")
    assert "log_norm" in alice.locator(".cm-content").inner_text()

    alice.goto(server + "/")
    row = alice.locator("tr[data-slug=softmax-cross-entropy]")
    assert row.get_attribute("data-status") == "solved" and "✓" in row.inner_text()
    alice.screenshot(path=str(ARTIFACTS / "question-table.png"), full_page=True)

    bob = browser.new_context().new_page()
    register(bob, server, "bob")
    row = bob.locator("tr[data-slug=softmax-cross-entropy]")
    assert row.get_attribute("data-status") == "todo" and "✓" not in row.inner_text()


def test_double_click_submits_once(server: str, browser) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_context().new_page()
    register(page, server, "carol")
    page.goto(server + "/problems/log-softmax")
    page.wait_for_selector(".cm-editor")
    page.dblclick("#run-button")
    page.wait_for_selector("#verdict", timeout=60_000)
    page.wait_for_selector(".history-list li")
    assert page.locator(".history-list li").count() == 1


def test_page_works_without_the_bundle(server: str, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_context().new_page()
    page.route("**/static/dist/**", lambda route: route.abort())
    register(page, server, "dave")
    page.goto(server + "/problems/log-softmax")
    textarea = page.locator("textarea#code")
    assert textarea.is_visible()
    textarea.fill("def logsumexp(x, axis=-1, keepdims=False):\n    return x\n")
    page.click("#run-button")
    page.wait_for_selector("#verdict", timeout=60_000)
    assert page.get_attribute("#verdict", "data-verdict") == "compile_error"
