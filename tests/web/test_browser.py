"""Practice in headless Chromium as a person does it: what is visible, typed with the keyboard and
clicked, against a real `dli serve` with the real sandbox."""

import re
from pathlib import Path

from playwright.sync_api import expect

from app.config import ROOT
from app.judge.problem import graded_problem
from app.judge.spec import load_problem
from app.migrate import upgrade
from tests.web.people import REFERENCE, WRONG, register, type_code, visible_editors
from tests.web.server import running_server

QUESTION = "/problems/softmax-cross-entropy"
ALL_CASES = len(graded_problem(load_problem(ROOT / "problems" / "softmax-cross-entropy")).cases)


def test_practice_journey(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(server + QUESTION)
    expect(page.locator(".cm-editor")).to_be_visible()
    assert visible_editors(page) == 1
    assert page.locator("#solved-mark").count() == 0  # a visitor has solved nothing

    # A visitor's code survives signing up, and they land back on the question.
    type_code(page, WRONG)
    page.keyboard.press("Control+Enter")
    expect(page.locator("#progress")).to_contain_text("Sign in or register to run your code")
    page.locator("#visitor-note").get_by_role("link", name="register").click()
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("violet tandem kayak")
    page.get_by_role("button", name="Register").click()
    page.wait_for_url(server + QUESTION)
    expect(page.locator(".cm-content")).to_contain_text("np.zeros_like")
    assert visible_editors(page) == 1

    page.get_by_role("button", name=re.compile("^Run")).click()
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Wrong answer", timeout=60_000)
    expect(page.get_by_role("button", name=re.compile("^Run"))).to_be_enabled()
    failure = page.locator(".failure").first
    expect(failure).to_contain_text("worked_example")
    expect(failure.locator(".compare-name.wrong")).to_contain_text("loss")
    expect(failure.locator("mark").first).to_be_visible()  # the first wrong entry, marked

    # A revealed hint stays revealed.
    page.get_by_role("button", name=re.compile("Show a hint")).click()
    expect(page.locator("#hint-list li")).to_have_count(1)
    page.reload()
    expect(page.locator("#hint-list li")).to_have_count(1)
    expect(page.get_by_role("button", name=re.compile(r"Show a hint \(1 of 3"))).to_be_visible()

    type_code(page, REFERENCE)
    page.get_by_role("button", name=re.compile("^Submit")).click()
    expect(verdict).to_contain_text("Accepted", timeout=60_000)
    expect(verdict).to_contain_text(f"{ALL_CASES} of {ALL_CASES} cases passed")
    expect(page.locator("#solved-mark")).to_be_visible()
    expect(page.locator("#follow-ups details").first).to_be_visible()

    # History: each submission opens to its own results.
    history = page.locator(".history-list > li")
    expect(history).to_have_count(2)
    history.nth(1).locator("summary").click()
    expect(history.nth(1)).to_contain_text("What went wrong")

    page.reload()  # the draft was saved: the accepted code, not the starter
    expect(page.locator(".cm-content")).to_contain_text("log_norm")

    page.goto(server + "/")
    row = page.locator("tr[data-slug=softmax-cross-entropy]")
    expect(row.locator(".st.solved")).to_be_visible()
    other = browser.new_context().new_page()
    register(other, server, "bob")
    expect(other.locator("tr[data-slug=softmax-cross-entropy] .st.solved")).to_have_count(0)
    other.goto(server + QUESTION)
    assert other.locator("#solved-mark").count() == 0


def test_double_click_submits_once(server: str, browser) -> None:
    page = browser.new_context().new_page()
    register(page, server, "carol")
    page.goto(server + "/problems/log-softmax")
    expect(page.locator(".cm-editor")).to_be_visible()
    page.get_by_role("button", name=re.compile("^Run")).dblclick()
    expect(page.locator("#verdict")).to_be_visible(timeout=60_000)
    expect(page.locator(".history-list > li")).to_have_count(1)


def test_page_works_without_the_bundle(server: str, browser) -> None:
    page = browser.new_context().new_page()
    page.route("**/static/dist/**", lambda route: route.abort())
    register(page, server, "dave")
    page.goto(server + "/problems/log-softmax")
    assert visible_editors(page) == 1
    textarea = page.get_by_label("Your code")
    expect(textarea).to_be_visible()
    textarea.fill("def logsumexp(x, axis=-1, keepdims=False):\n    return x\n")
    page.get_by_role("button", name=re.compile("^Run")).click()
    expect(page.locator("#verdict")).to_contain_text("Compile error", timeout=60_000)


def test_the_question_table_searches_sorts_and_filters(server: str, browser) -> None:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(server + "/")
    rows = page.locator(".qtable tbody tr")
    total = rows.count()
    page.get_by_label("Search").fill("attention")
    expect(page.locator(".qtable tbody tr:visible")).to_have_count(2)
    expect(page.locator("#match-count")).to_have_text("2 questions match")
    page.get_by_label("Search").fill("")
    expect(page.locator(".qtable tbody tr:visible")).to_have_count(total)

    core = page.locator(".qtable").first
    core.get_by_role("button", name="Difficulty").click()
    levels = core.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.difficulty))"
    )
    assert levels == sorted(levels) and levels[0] < levels[-1]
    core.get_by_role("button", name="Difficulty").click()
    levels = core.locator("tbody tr").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.difficulty))"
    )
    assert levels == sorted(levels, reverse=True)

    page.get_by_label("Category").select_option("Scalability & Optimization")  # no button to press
    page.wait_for_url(re.compile(r"category=Scalability"))
    assert set(page.locator(".qtable tbody tr td.cat-col").all_inner_texts()) == {
        "Scalability & Optimization"
    }


def test_without_a_sandbox_the_page_says_so_and_nothing_waits(browser, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'nosandbox.db'}"
    upgrade(url)
    with running_server(url, DOCKER_HOST="unix:///nonexistent/docker.sock") as (base, _):
        page = browser.new_page()
        register(page, base, "erin")
        page.goto(base + "/problems/log-softmax")
        expect(page.get_by_role("alert")).to_contain_text("Grading is unavailable right now")
        expect(page.get_by_role("button", name=re.compile("^Run"))).to_be_disabled()
        expect(page.get_by_role("button", name=re.compile("^Submit"))).to_be_disabled()
