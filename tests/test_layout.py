"""Test modules never import from one another or from a conftest: shared helpers live in plain
modules (tests/helpers.py, tests/web/server.py, ...) and shared fixtures in conftest.py files."""

import ast
from pathlib import Path

TESTS = Path(__file__).parent


def forbidden(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def bad_imports(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if forbidden(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            if node.module and forbidden(node.module):
                found.append(module)
            # `from tests.users import test_accounts`, `from . import conftest`
            dot = "" if module.endswith(".") else "."
            found += [f"{module}{dot}{a.name}" for a in node.names if forbidden(a.name)]
    return found


def test_the_checker_sees_every_spelling() -> None:
    assert bad_imports("from tests.users.test_accounts import login") == [
        "tests.users.test_accounts"
    ]
    assert bad_imports("from tests.web.conftest import running_server") == ["tests.web.conftest"]
    assert bad_imports("import tests.conftest") == ["tests.conftest"]
    assert bad_imports("from .conftest import x") == [".conftest"]
    assert bad_imports("from . import test_box") == [".test_box"]
    assert bad_imports("def f():\n    from tests.sandbox.conftest import spec\n") == [
        "tests.sandbox.conftest"
    ]
    assert bad_imports("from tests.helpers import login\nimport pytest\n") == []


def test_no_test_module_or_conftest_imports_a_test_module_or_a_conftest() -> None:
    modules = sorted([*TESTS.rglob("test_*.py"), *TESTS.rglob("conftest.py")])
    assert len(modules) > 30
    offenders = {
        str(path.relative_to(TESTS)): bad
        for path in modules
        if (bad := bad_imports(path.read_text()))
    }
    assert offenders == {}
