"""Every page type at a desktop and a phone width, light and dark: no serious or critical axe-core
violation, no sideways scrolling, and a screenshot in var/screenshots/ for a person to look at.
Then the text: every statement, hint and follow-up typeset (no KaTeX error, no raw `$`), the API
reference working with no network beyond this machine, and the question page's weight."""

import re
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from playwright.sync_api import Page

from app.config import ROOT
from app.judge.spec import load_catalog
from app.models import Role
from tests.web.people import (
    WRONG,
    make_user,
    no_horizontal_scroll,
    shot,
    sign_in,
    solve_everything,
)

AXE = ROOT / "frontend" / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": (1440, 900), "phone": (390, 844)}
SERIOUS = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
  .filter((v) => v.impact === "serious" || v.impact === "critical")
  .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`)"""
SLUGS = sorted(s.slug for s in load_catalog(ROOT / "problems"))


@dataclass
class Site:
    base: str
    pages: dict[str, tuple[str, str | None]]  # page type -> (path, who is signed in)


def _api(base: str, token: str) -> httpx.Client:
    return httpx.Client(base_url=base + "/api/v1", headers={"Authorization": f"Bearer {token}"})


@pytest.fixture(scope="module")
def site(server: str, web_database: str) -> Iterator[Site]:
    """Users and interviews in each state, so that every page type has something to show."""
    from app.db import make_engine, make_sessionmaker
    from app.users import service as users

    make_user(web_database, "tourproctor", Role.proctor)
    make_user(web_database, "tourada")
    solve_everything(web_database, "tourada")
    with make_sessionmaker(make_engine(web_database))() as db:
        proctor = users.get_by_username(db, "tourproctor")
        assert proctor is not None
        _, token = users.create_token(db, user=proctor, name="tour")
        db.commit()
    links = {}
    with _api(server, token) as api:
        for state in ("lobby", "live", "ended"):
            body = {
                "title": f"Tour: {state}",
                "problems": ["softmax-cross-entropy", "log-softmax"],
                "duration_s": 1800,
            }
            created = api.post("/interviews", json=body).json()
            links[state] = (created["id"], created["candidate_link"].rsplit("/i/", 1)[1])
            if state == "lobby":
                continue
            api.post(f"/interviews/{created['id']}/start")
            session = f"/interview-sessions/{links[state][1]}"
            api.put(f"{session}/code/0", json={"code": WRONG})
            api.put(f"{session}/code/0", json={"code": WRONG + "\n# second thoughts\n"})
            api.post(f"{session}/submissions", json={"position": 0, "code": WRONG, "mode": "run"})
            if state == "ended":
                api.put(
                    f"/interviews/{created['id']}/notes", json={"notes": "Strong on **stability**."}
                )
                api.post(f"/interviews/{created['id']}/end")
    live_id, live_token = links["live"]
    ended_id, ended_token = links["ended"]
    yield Site(
        server,
        {
            "table": ("/", None),
            "table-signed-in": ("/", "tourada"),
            "question": ("/problems/softmax-cross-entropy", None),
            "question-solved": ("/problems/softmax-cross-entropy", "tourada"),
            "login": ("/login", None),
            "register": ("/register", None),
            "account": ("/account", "tourada"),
            "guide-pitfalls": ("/guides/pitfalls", None),
            "guide-debugging": ("/guides/debugging", None),
            "error-404": ("/problems/no-such-question", None),
            "proctor-list": ("/interviews", "tourproctor"),
            "proctor-live": (f"/interviews/{live_id}", "tourproctor"),
            "proctor-report": (f"/interviews/{ended_id}/report", "tourproctor"),
            "candidate-lobby": (f"/i/{links['lobby'][1]}", None),
            "candidate-live": (f"/i/{live_token}", None),
            "candidate-report": (f"/i/{ended_token}/report", None),
            "docs-swagger": ("/docs", None),
            "docs-redoc": ("/redoc", None),
        },
    )


def _settle(page: Page, kind: str) -> None:
    if kind.startswith("docs-swagger"):
        page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
    elif kind.startswith("docs-redoc"):
        page.locator(".api-content h2").nth(5).wait_for(timeout=20_000)  # no eval: CSP forbids it
    elif kind.startswith("question") or kind == "candidate-live":
        page.wait_for_selector(".cm-editor", timeout=20_000)
    page.wait_for_timeout(600)  # polling pages fill in, math typesets


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", list(VIEWPORTS))
def test_every_page_type_is_accessible_fits_and_is_photographed(
    site: Site, browser, width: str, scheme: str
) -> None:
    assert AXE.is_file(), "axe-core comes from npm at setup (frontend/node_modules)"
    w, h = VIEWPORTS[width]
    contexts = {}
    problems: list[str] = []
    for kind, (path, who) in site.pages.items():
        if who not in contexts:
            context = browser.new_context(
                viewport={"width": w, "height": h}, color_scheme=scheme, bypass_csp=True
            )
            contexts[who] = context.new_page()
            if who:
                sign_in(contexts[who], site.base, who)
        page = contexts[who]
        page.goto(site.base + path)
        _settle(page, kind)
        shot(page, f"{kind}-{width}-{scheme}")
        if width == "phone" and not no_horizontal_scroll(page):
            problems.append(f"{kind}: scrolls sideways at {w} px")
        page.add_script_tag(path=str(AXE))
        problems += [f"{kind}: {v}" for v in page.evaluate(SERIOUS)]
    for page in contexts.values():
        page.context.close()
    assert problems == []


@pytest.fixture(scope="module")
def ada(site: Site, browser) -> Iterator[Page]:
    page = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
    sign_in(page, site.base, "tourada")
    yield page
    page.context.close()


RAW_MATH = re.compile(r"\$[^$\n]*[\\_^{}][^$\n]*\$|\$\$")


@pytest.mark.parametrize("slug", SLUGS)
def test_statements_hints_and_follow_ups_are_typeset_and_fit_a_phone(
    site: Site, ada: Page, slug: str
) -> None:
    """A solver with every hint revealed sees the statement, all hints and all follow-ups."""
    ada.goto(f"{site.base}/problems/{slug}")
    ada.wait_for_selector(".cm-editor")
    assert ada.locator(".katex-error").count() == 0
    text = "\n".join(ada.locator(".statement, #hint-list, #follow-ups").all_inner_texts())
    assert not RAW_MATH.search(text), RAW_MATH.search(text)
    assert ada.locator("#hint-list li").count() >= 1
    assert ada.locator("#follow-ups details").count() >= 1
    assert no_horizontal_scroll(ada), f"{slug} scrolls sideways on a phone"


@pytest.mark.parametrize("guide", ["pitfalls", "debugging"])
def test_guides_are_typeset(site: Site, ada: Page, guide: str) -> None:
    ada.goto(f"{site.base}/guides/{guide}")
    ada.wait_for_timeout(300)
    assert ada.locator(".katex-error").count() == 0
    assert not RAW_MATH.search(ada.locator(".statement").inner_text())
    assert no_horizontal_scroll(ada)


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_reference_works_offline(site: Site, browser, path: str) -> None:
    page = browser.new_page()
    outside: list[str] = []

    def only_this_machine(route) -> None:
        if route.request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", only_this_machine)
    page.goto(site.base + path)
    if path == "/docs":
        page.wait_for_selector(".swagger-ui .opblock-summary-path", timeout=20_000)
        assert page.locator(".opblock").count() > 10
    else:
        page.locator(".api-content h2").nth(5).wait_for(timeout=20_000)  # no eval: CSP forbids it
    assert outside == []
    page.close()


def test_a_cold_question_page_is_light_and_a_repeat_visit_fetches_no_script(
    site: Site, browser
) -> None:
    context = browser.new_context()
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    received: dict[str, dict] = {}
    cdp.on(
        "Network.responseReceived",
        lambda e: received.setdefault(e["requestId"], {}).update(
            url=e["response"]["url"],
            cached=e["response"].get("fromDiskCache") or e["response"].get("fromMemoryCache"),
        ),
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: received.setdefault(e["requestId"], {}).update(bytes=e["encodedDataLength"]),
    )
    page.goto(site.base + "/problems/softmax-cross-entropy", wait_until="networkidle")
    cold = sum(r.get("bytes", 0) for r in received.values())
    print(f"cold question page: {cold / 1024:.0f} KB in {len(received)} responses")
    assert cold <= 300 * 1024, f"{cold / 1024:.0f} KB transferred cold"
    received.clear()
    page.goto(site.base + "/problems/log-softmax", wait_until="networkidle")
    scripts = [r for r in received.values() if r.get("url", "").split("?")[0].endswith(".js")]
    # Served from the browser's cache, nothing crosses the network (not even a revalidation).
    fetched = [r["url"] for r in scripts if not r.get("cached") and r.get("bytes", 0) > 0]
    assert scripts and fetched == [], fetched
    context.close()
