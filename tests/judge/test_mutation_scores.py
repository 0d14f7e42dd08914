"""Mutation analysis of every question: at least 95% of the reference's mechanical mutants that
equivalent.toml does not excuse are rejected by the cases, and equivalent.toml names no mutant
that no longer exists. (The tolerance audit runs with validation: tests/judge/test_validate_catalog.)"""

import json
import os
import subprocess
import sys

import pytest

from app.config import ROOT

MIN_SCORE = 0.95


@pytest.fixture(scope="module")
def table() -> dict[str, dict]:
    # A fresh process: the analysis forks, which a test process with threads must not do.
    run = subprocess.run(
        [sys.executable, "-m", "app.cli", "problems", "mutate", "--json", "--jobs", "2"],
        cwd=ROOT,
        env={**os.environ, "DLI_PROBLEMS_DIR": str(ROOT / "problems")},
        capture_output=True,
        text=True,
        timeout=1800,
    )
    rows = json.loads(run.stdout)
    return {row["slug"]: row for row in rows}


def test_every_question_is_analysed(table: dict[str, dict]) -> None:
    folders = {p.name for p in (ROOT / "problems").iterdir() if (p / "problem.toml").is_file()}
    assert set(table) == folders


@pytest.mark.parametrize(
    "slug", sorted(p.name for p in (ROOT / "problems").iterdir() if (p / "problem.toml").is_file())
)
def test_the_cases_kill_the_mutants(table: dict[str, dict], slug: str) -> None:
    row = table[slug]
    assert row["stale_equivalents"] == [], "equivalent.toml names mutants that no longer exist"
    assert row["mutants"] >= 10, "too few mutants to say anything"
    assert row["score"] >= MIN_SCORE, (
        f"{slug}: {row['score']:.1%} of {row['mutants'] - row['equivalent']} mutants killed; "
        f"survivors: {row['survivors']}"
    )
