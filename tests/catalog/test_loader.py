"""Problem folders: the real catalog loads; broken folders fail with a message naming the field."""

from pathlib import Path

import pytest

from app.judge.spec import CatalogError, load_catalog, load_problem
from tests.helpers import problems_dir


def test_real_catalog_loads_in_table_order() -> None:
    specs = load_catalog(problems_dir())
    assert len(specs) >= 2
    tables = [s.meta.table for s in specs]
    assert tables == sorted(tables, key=["core", "extended"].index)
    for spec in specs:
        assert spec.meta.entry_points
        assert "NotImplementedError" in spec.starter
        assert len(spec.version) == 64


def _copy(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for f in src.iterdir():
        if f.is_file():
            (dst / f.name).write_text(f.read_text())
    return dst


def test_missing_file_and_bad_fields_are_reported(tmp_path: Path) -> None:
    folder = _copy(problems_dir() / "log-softmax", tmp_path / "log-softmax")
    (folder / "reference.py").unlink()
    with pytest.raises(CatalogError, match=r"missing reference\.py"):
        load_problem(folder)

    folder = _copy(problems_dir() / "log-softmax", tmp_path / "other")
    toml = (
        (folder / "problem.toml")
        .read_text()
        .replace('difficulty = "Easy"', 'difficulty = "Trivial"')
    )
    (folder / "problem.toml").write_text(toml)
    with pytest.raises(CatalogError, match="difficulty"):
        load_problem(folder)


def test_version_changes_when_any_file_changes(tmp_path: Path) -> None:
    folder = _copy(problems_dir() / "log-softmax", tmp_path / "log-softmax")
    before = load_problem(folder).version
    (folder / "cases.py").write_text((folder / "cases.py").read_text() + "\n# edit\n")
    assert load_problem(folder).version != before
