"""What a person does in the browser, for the browser tests: sign up, type, click what is visible."""

from pathlib import Path

from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.config import ROOT
from app.db import make_engine, make_sessionmaker
from app.judge.spec import load_catalog
from app.models import Problem, Progress, RevealedHints, Role, UserProblemStatus
from app.users import service as users

PASSWORD = "violet tandem kayak"
SCREENSHOTS = ROOT / "var" / "screenshots"
WRONG = "import numpy as np\n\ndef softmax_cross_entropy(logits, labels):\n    return 0.0, np.zeros_like(logits)\n"
REFERENCE = (ROOT / "problems" / "softmax-cross-entropy" / "reference.py").read_text()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]


def make_user(database_url: str, name: str, role: Role = Role.user) -> None:
    sessions = make_sessionmaker(make_engine(database_url))
    with sessions() as db:
        if users.get_by_username(db, name) is None:
            users.create_user(db, username=name, password=PASSWORD, role=role)
            db.commit()


def solve_everything(database_url: str, name: str) -> None:
    """Mark every question solved for `name`, with every hint revealed: all text is on show."""
    specs = {s.slug: s for s in load_catalog(ROOT / "problems")}
    sessions = make_sessionmaker(make_engine(database_url))
    with sessions() as db:
        user = users.get_by_username(db, name)
        assert user is not None
        for problem in db.scalars(select(Problem)):
            db.merge(
                UserProblemStatus(
                    user_id=user.id, problem_id=problem.id, status=Progress.solved, attempts=1
                )
            )
            hints = len(specs[problem.slug].meta.hints)
            db.merge(RevealedHints(user_id=user.id, problem_id=problem.id, count=hints))
        db.commit()


def sign_in(page: Page, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("link", name=name)).to_be_visible()


def register(page: Page, base: str, name: str) -> None:
    page.goto(base + "/register")
    page.get_by_label("Username").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_role("link", name=name)).to_be_visible()


def visible_editors(page: Page) -> int:
    """Editors a person can see: CodeMirror's, or the plain textarea when there is no bundle."""
    return page.locator(".cm-editor:visible, textarea:visible").count()


def type_code(page: Page, code: str, editor: str = ".cm-content") -> None:
    """Click into the visible editor and replace its text with the keyboard, as a person would."""
    target = page.locator(editor).filter(visible=True).first
    target.click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.insert_text(code)


def shot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_horizontal_scroll(page: Page) -> bool:
    width, viewport = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    return bool(width <= viewport)
