"""Authoring tools: a new question that validates as written, mutants as patches that must apply
exactly once, the mutation operators, and the catalog-wide checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import ROOT
from app.judge.mutate import mutants
from app.judge.patches import PatchError, apply_changes, load_mutant
from app.judge.spec import load_catalog
from app.judge.validate import catalog_problems


def dli(*args: str, problems: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DLI_PROBLEMS_DIR": str(problems)}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )


def test_a_new_question_validates_and_scores_full_marks_as_written(tmp_path: Path) -> None:
    assert dli("problems", "new", "demo-relu", problems=tmp_path).returncode == 0
    validated = dli("problems", "validate", "--in-process", "demo-relu", problems=tmp_path)
    assert validated.returncode == 0, validated.stdout
    assert "0 surprises" in validated.stdout and "BAD" not in validated.stdout
    mutated = dli("problems", "mutate", "demo-relu", "--json", problems=tmp_path)
    assert mutated.returncode == 0, mutated.stdout
    assert '"score": 1.0' in mutated.stdout
    again = dli("problems", "new", "demo-relu", problems=tmp_path)
    assert again.returncode == 1 and "exists already" in again.stderr


def test_a_mutant_patch_must_apply_exactly_once() -> None:
    reference = "a = 1\nb = a + 1\nc = a + 1\n"
    assert (
        apply_changes(reference, [("b = a + 1", "b = a - 1")], "m")
        == "a = 1\nb = a - 1\nc = a + 1\n"
    )
    with pytest.raises(PatchError, match="occurs 2 times"):
        apply_changes(reference, [("a + 1", "a - 1")], "m")
    with pytest.raises(PatchError, match="occurs 0 times"):
        apply_changes(reference, [("d = 4", "d = 5")], "m")
    with pytest.raises(PatchError, match="as it is"):
        apply_changes(reference, [("a = 1", "a = 1")], "m")


def test_every_checked_in_mutant_is_a_small_patch_that_applies() -> None:
    for folder in sorted((ROOT / "problems").iterdir()):
        reference = (folder / "reference.py").read_text()
        assert not list((folder / "mutants").glob("*.py")), folder.name
        for path in sorted((folder / "mutants").glob("*.toml")):
            mutant = load_mutant(path, reference)  # raises if it no longer applies
            assert mutant.mistake and mutant.source != reference


def test_the_operators_make_the_mistakes_people_make() -> None:
    source = (
        "import numpy as np\n\n\n"
        "def f(x, axis=-1):\n"
        "    if x.size == 0:\n"
        "        raise ValueError('empty')\n"
        "    m = np.max(x, axis=axis, keepdims=True)\n"
        "    y = x.copy()\n"
        "    y -= m\n"
        "    return np.exp(y) / np.sum(np.exp(y), axis=axis, keepdims=True)\n"
    )
    ids = {m.id for m in mutants(source)}
    for expected in (
        "4: -1 -> 1",  # a default axis changed
        "5: x.size == 0 -> x.size != 0",
        "6: raise ValueError('empty') -> pass",
        "7: np.max -> np.min",
        "7: True -> False",
        "8: x.copy() -> x",
        "9: y -= m -> y += m",
        "9: y -= m -> y = m",
        "10: np.sum -> np.mean",
        "10: np.exp -> np.expm1",
    ):
        assert expected in ids, (expected, sorted(ids))
    assert any(i.startswith("10: np.exp(y) / np.sum") and "-> np.exp(y) * np.sum" in i for i in ids)
    assert all(compile(m.source, "m", "exec") for m in mutants(source))


def test_catalog_checks_find_taken_orders_and_unknown_categories(tmp_path: Path) -> None:
    assert catalog_problems(load_catalog(ROOT / "problems")) == []
    for slug, category in (("one-a", "Deep Learning"), ("two-b", "Deep Lerning")):
        assert dli("problems", "new", slug, problems=tmp_path).returncode == 0
        toml = tmp_path / slug / "problem.toml"
        text = toml.read_text().replace('category = "Deep Learning"', f'category = "{category}"')
        toml.write_text(text.replace("order = 2", "order = 1"))
    found = catalog_problems(load_catalog(tmp_path))
    assert any("order 1 in table extended is taken by one-a" in f for f in found)
    assert any("unknown category 'Deep Lerning'" in f for f in found)
