"""Facts about the code a reader can check: the layers hold, no two modules import each other in a
circle, and a module over 300 lines says in its docstring why it is that long."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

from app.config import ROOT

APP = ROOT / "app"
MAX_LINES = 300


def test_the_layer_contracts_hold() -> None:
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is a dev dependency"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_no_module_imports_itself_through_others() -> None:
    graph = grimp.build_graph("app", cache_dir=None)
    circles = sorted(
        {
            tuple(sorted((module, imported)))
            for module in graph.modules
            for imported in graph.find_modules_directly_imported_by(module)
            if graph.chain_exists(importer=imported, imported=module)
        }
    )
    assert circles == []


def test_a_long_module_says_why() -> None:
    unexplained = []
    for path in sorted(APP.rglob("*.py")):
        source = path.read_text()
        if source.count("\n") <= MAX_LINES:
            continue
        doc = ast.get_docstring(ast.parse(source)) or ""
        if "Over 300 lines because" not in doc:
            unexplained.append(f"{path.relative_to(ROOT)} ({source.count(chr(10))} lines)")
    assert unexplained == []
