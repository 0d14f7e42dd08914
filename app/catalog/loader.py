"""Read `problems/<slug>/` folders (format in shared/GUIDE.md) into validated specs."""

import hashlib
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

SLUG_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
TABLE_TITLES = {
    "core": "Deep Learning Coding Interview Questions",
    "extended": "Extended Deep Learning Coding Questions",
}
# The categories of the question tables (as on the seed page): a typo makes a new, lonely one.
CATEGORIES = (
    "Deep Learning",
    "Regularization Techniques",
    "Optimization Algorithms",
    "Learning Rate Strategies",
    "Training Loop Elements",
    "Efficiency & Numerical Stability",
    "Scalability & Optimization",
    "Engineering Challenges",
    "Advanced Differentiation",
)
REQUIRED_FILES = ("problem.toml", "statement.md", "starter.py", "reference.py", "cases.py")


class CatalogError(Exception):
    """A problem folder does not follow the format; the message names the folder and the field."""


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    # CPU time of the candidate's code (a busy host does not count against it); the older name
    # `wall_seconds` is still read.
    cpu_seconds: float = Field(
        10.0, gt=0, le=120, validation_alias=AliasChoices("cpu_seconds", "wall_seconds")
    )
    memory_mb: int = Field(256, ge=64, le=4096)


class FollowUp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str
    answer: str


class ProblemToml(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=3, max_length=200)
    table: Literal["core", "extended"]
    category: str = Field(min_length=2, max_length=64)
    topic: str = Field(min_length=2, max_length=64)
    difficulty: Literal["Easy", "Medium", "Hard"]
    order: int = Field(ge=0)
    entry_points: list[str] = Field(min_length=1)
    limits: Limits = Field(default_factory=lambda: Limits.model_validate({}))
    hints: list[str] = []
    follow_ups: list[FollowUp] = []


@dataclass(frozen=True)
class ProblemSpec:
    slug: str
    path: Path
    meta: ProblemToml
    statement: str
    starter: str
    version: str

    @property
    def title(self) -> str:
        return self.meta.title


def folder_version(path: Path) -> str:
    """A hash of every file in the folder: any edit to cases or reference is a new version."""
    digest = hashlib.sha256()
    for file in sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        digest.update(file.read_bytes() + b"\0")
    return digest.hexdigest()


def load_problem(path: Path) -> ProblemSpec:
    slug = path.name
    if not SLUG_RE.fullmatch(slug):
        raise CatalogError(f"{slug}: folder names are lowercase words joined by '-'")
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if missing:
        raise CatalogError(f"{slug}: missing {', '.join(missing)}")
    try:
        meta = ProblemToml.model_validate(tomllib.loads((path / "problem.toml").read_text()))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        raise CatalogError(f"{slug}/problem.toml: {exc}") from exc
    return ProblemSpec(
        slug=slug,
        path=path,
        meta=meta,
        statement=(path / "statement.md").read_text(),
        starter=(path / "starter.py").read_text(),
        version=folder_version(path),
    )


def load_catalog(problems_dir: Path) -> list[ProblemSpec]:
    if not problems_dir.is_dir():
        raise CatalogError(f"no problems folder at {problems_dir}")
    folders = sorted(p for p in problems_dir.iterdir() if p.is_dir() and not p.name.startswith("."))
    specs = [load_problem(p) for p in folders]
    specs.sort(key=lambda s: (list(TABLE_TITLES).index(s.meta.table), s.meta.order, s.slug))
    return specs


@lru_cache(maxsize=4)
def cached_catalog(problems_dir: Path) -> dict[str, ProblemSpec]:
    """The catalog as loaded at first use; a restart (or `dli problems sync`) picks up edits."""
    return {spec.slug: spec for spec in load_catalog(problems_dir)}
