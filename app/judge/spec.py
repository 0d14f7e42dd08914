"""Read `problems/<slug>/` folders (format in shared/GUIDE.md) into validated specs, and hold them."""

import hashlib
import re
import threading
import time
import tomllib
from dataclasses import dataclass
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


class Catalog:
    """Every problem folder, loaded once on first use and reloaded when a sync changed a version.

    The database's `problems.version` is what a sync wrote; a process that finds another version on
    a row (a `dli problems sync` since it loaded) reloads the folders, at most once per
    `RELOAD_INTERVAL` seconds so a folder edited without a sync costs one reload, not one per request.
    """

    RELOAD_INTERVAL = 2.0

    def __init__(self, problems_dir: Path) -> None:
        self.problems_dir = problems_dir
        self._specs: dict[str, ProblemSpec] | None = None
        self._loaded_at = 0.0
        self._lock = threading.RLock()

    def _current(self) -> dict[str, ProblemSpec]:
        specs = self._specs
        if specs is None:
            with self._lock:
                if self._specs is None:
                    self._load()
                specs = self._specs
        assert specs is not None
        return specs

    def _load(self) -> None:
        self._specs = {spec.slug: spec for spec in load_catalog(self.problems_dir)}
        self._loaded_at = time.monotonic()

    def reload(self) -> None:
        with self._lock:
            self._load()

    def specs(self) -> list[ProblemSpec]:
        """In table order."""
        return list(self._current().values())

    def get(self, slug: str) -> ProblemSpec | None:
        return self._current().get(slug)

    def at_version(self, slug: str, version: str) -> ProblemSpec | None:
        """The spec of `slug` at `version`, reloading the folders if they were synced since; None
        when the folder on disk is not (or no longer) that version."""
        spec = self._current().get(slug)
        if spec is None or spec.version != version:
            with self._lock:
                spec = self._current().get(slug)
                stale = spec is None or spec.version != version
                if stale and time.monotonic() - self._loaded_at >= self.RELOAD_INTERVAL:
                    self._load()
                    spec = self._current().get(slug)
        return spec if spec is not None and spec.version == version else None
