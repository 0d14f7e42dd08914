"""A whole mock interview in two Chromium contexts, the proctor's and the candidate's, each doing
only what a person can: read what is visible, type, click."""

import json
import re

from playwright.sync_api import expect

from app.models import Role
from tests.web.people import REFERENCE, WRONG, make_user, sign_in, type_code, visible_editors

NOTE = "hesitated on the max shift"


def test_mock_interview_end_to_end(server: str, web_database: str, browser) -> None:
    make_user(web_database, "proctor1", Role.proctor)
    proctor = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    sign_in(proctor, server, "proctor1")
    proctor.get_by_role("link", name="Interviews").click()

    # A form error re-renders the form with the message next to the field, values kept.
    proctor.get_by_label("Title").fill("Screen for the DL team")
    proctor.get_by_label("Duration in minutes").fill("0")
    proctor.get_by_role("button", name="Create interview").click()
    expect(proctor.locator("#e-minutes")).to_contain_text("from 1 to 360")
    expect(proctor.locator("#e-problems")).to_contain_text("Pick 1 to 5")
    expect(proctor.get_by_label("Title")).to_have_value("Screen for the DL team")

    # The order picked is the order the candidate sees.
    proctor.get_by_label("Duration in minutes").fill("30")
    proctor.get_by_label("Question 1").select_option("log-softmax")
    proctor.get_by_label("Question 2").select_option("softmax-cross-entropy")
    proctor.get_by_role("button", name="Create interview").click()
    proctor.wait_for_url(re.compile(r"/interviews/\d+\?created=1$"))
    link = proctor.get_by_role("textbox", name="Candidate link").input_value()
    assert "/i/" in link
    live_url = proctor.url.split("?")[0]
    proctor.reload()  # reloading shows the interview again; it creates nothing
    proctor.goto(server + "/interviews")
    expect(proctor.locator("table.listing tbody tr")).to_have_count(1)
    proctor.goto(live_url)
    expect(proctor.get_by_role("textbox", name="Candidate link")).to_have_value(link)  # shown again
    expect(proctor.get_by_role("button", name="Start")).to_be_enabled()
    expect(proctor.get_by_role("button", name="+5 minutes")).to_be_disabled()
    expect(proctor.get_by_label("Correctness", exact=True)).to_have_value(
        ""
    )  # the scorecard starts unset

    candidate = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    candidate.goto(link)
    lobby = candidate.locator("#lobby")
    expect(lobby).to_be_visible()
    for fact in ("30 minutes", "Questions:", "Python 3 with NumPy", "allowed", "large pastes"):
        expect(lobby).to_contain_text(fact)
    expect(candidate.get_by_role("navigation")).to_have_count(0)  # no way off the page

    proctor.get_by_role("button", name="Start").click()
    expect(proctor.locator("#state")).to_have_text("live")
    expect(proctor.get_by_role("button", name="Start")).to_be_disabled()
    tabs = candidate.get_by_role("tab")
    expect(tabs).to_have_count(2, timeout=15_000)
    expect(tabs.nth(0)).to_have_text("1. Stable Log-Softmax and Log-Sum-Exp")
    assert visible_editors(candidate) == 1  # one visible editor: the selected tab's
    expect(candidate.locator("#cand-state")).to_have_text("In progress")
    expect(candidate.locator("#cand-timer")).to_have_text(re.compile(r"^(29|30):\d\d left$"))

    # Tab 2's Submit grades question 2, with tab 2's code.
    candidate.get_by_role("tab", name=re.compile("Softmax Cross-Entropy")).click()
    assert visible_editors(candidate) == 1
    type_code(candidate, WRONG)
    with candidate.expect_request(re.compile(r".*/submissions$")) as sent:
        candidate.locator("#pane-1").get_by_role("button", name="Run").click()
    body = json.loads(sent.value.post_data or "{}")
    assert body["position"] == 1 and body["mode"] == "run" and "np.zeros_like" in body["code"]
    result = candidate.locator("#result-1 .verdict")
    expect(result).to_contain_text("Wrong answer", timeout=60_000)
    expect(candidate.locator("#result-1")).to_contain_text("What went wrong")
    expect(proctor.locator("#code-1")).to_contain_text("np.zeros_like", timeout=15_000)
    expect(proctor.locator("#submissions li[data-verdict=wrong_answer]")).to_have_count(
        1, timeout=15_000
    )

    proctor.get_by_label("Private notes").fill(NOTE)
    expect(proctor.locator("#notes-state")).to_have_text("Saved")
    proctor.locator("[data-hint='1']").click()
    expect(candidate.locator("#hints-1 li")).to_have_count(1, timeout=15_000)

    type_code(candidate, REFERENCE)
    candidate.locator("#pane-1").get_by_role("button", name="Submit").click()
    expect(result).to_contain_text("Accepted", timeout=60_000)
    expect(proctor.locator("#submissions li[data-verdict=accepted]")).to_have_count(
        1, timeout=15_000
    )

    # An unfinished scorecard is refused with the reason; a complete one saves.
    proctor.get_by_label("Correctness", exact=True).select_option("4")
    proctor.get_by_role("button", name="Save scorecard").click()
    expect(proctor.locator("#scorecard-state")).to_contain_text("Rate every line first")
    for label in ("Numerical care", "Code quality", "Communication", "Debugging"):
        proctor.get_by_label(label, exact=True).select_option("3")
    proctor.get_by_label("Recommendation").select_option("yes")
    proctor.get_by_role("button", name="Save scorecard").click()
    expect(proctor.locator("#scorecard-state")).to_have_text("Saved")

    # End asks first: declining changes nothing; accepting ends it. Until then the countdown runs.
    expect(candidate.locator("#cand-timer")).to_have_text(re.compile(r"^(2\d|30):\d\d left$"))
    proctor.once("dialog", lambda dialog: dialog.dismiss())
    proctor.get_by_role("button", name="End interview").click()
    expect(proctor.locator("#state")).to_have_text("live")
    proctor.once("dialog", lambda dialog: dialog.accept())
    proctor.get_by_role("button", name="End interview").click()
    expect(proctor.locator("#state")).to_have_text("ended")

    expect(candidate.locator("#over")).to_be_visible(timeout=15_000)
    # Ended: the page says so, and the countdown shown until now is gone (no time is left to count).
    expect(candidate.locator("#cand-state")).to_have_text("Ended")
    expect(candidate.locator("#cand-timer")).to_have_text("")
    expect(candidate.locator("#pane-1").get_by_role("button", name="Submit")).to_be_disabled()
    assert NOTE not in candidate.content()

    proctor.get_by_role("link", name="Report").click()
    events = proctor.locator("#report-events")
    for kind in ("started", "joined", "ran", "hint released", "submitted", "ended"):
        expect(events).to_contain_text(kind)
    expect(proctor.locator("table.listing")).to_contain_text("Accepted")
    expect(proctor.get_by_text(NOTE)).to_be_visible()
    expect(proctor.locator("#replay-code")).not_to_be_empty()
    proctor.get_by_role("button", name="Back").click()
    expect(proctor.locator("#replay-when")).to_contain_text("snapshot")

    candidate.goto(link + "/report")
    assert NOTE not in candidate.content() and "Scorecard" not in candidate.content()
