"""Every problem keeps its promises through the real sandbox: reference and alternative solutions
accepted, starter and every mutant rejected (by the case its docstring names)."""

import pytest

from app.judge.spec import load_catalog
from app.judge.validate import validate_problem
from app.sandbox import Sandbox
from tests.helpers import problems_dir

SPECS = {spec.slug: spec for spec in load_catalog(problems_dir())}


@pytest.mark.parametrize("slug", list(SPECS))
def test_problem_validates(slug: str, sandbox: Sandbox) -> None:
    checks = validate_problem(SPECS[slug], sandbox)
    bad = [f"{c.role} {c.file}: {c.verdict} {c.failed} {c.note}" for c in checks if not c.ok]
    assert not bad, "\n".join(bad)
    roles = {c.role for c in checks}
    assert {"reference", "solution", "starter", "mutant", "structure"} <= roles
