"""Hand-written mutants as small patches against `reference.py` (mutants/<name>.toml).

    mistake = "forgets to subtract the row maximum before exp()"
    caught_by = ["huge_logits"]        # optional: the cases that must catch it

    [[change]]
    replace = "z = logits - logits.max(axis=1, keepdims=True)"
    with = "z = logits"

Each `replace` must occur exactly once in the text it applies to (the reference, after the changes
before it), so a mutant is the few lines that differ and breaks loudly when the reference moves.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path


class PatchError(ValueError):
    """A mutant file is malformed or no longer applies to the reference."""


@dataclass(frozen=True)
class PatchedMutant:
    name: str
    mistake: str
    caught_by: list[str]
    source: str


def apply_changes(reference: str, changes: list[tuple[str, str]], where: str) -> str:
    text = reference
    for number, (old, new) in enumerate(changes, start=1):
        found = text.count(old) if old else 0
        if found != 1:
            raise PatchError(
                f"{where}: change {number}: the text to replace occurs {found} times "
                "in the reference (it must occur exactly once)"
            )
        text = text.replace(old, new, 1)
    if text == reference:
        raise PatchError(f"{where}: the changes leave the reference as it is")
    return text


def load_mutant(path: Path, reference: str) -> PatchedMutant:
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as exc:
        raise PatchError(f"{path.name}: {exc}") from exc
    mistake = data.get("mistake")
    if not isinstance(mistake, str) or not mistake.strip():
        raise PatchError(f"{path.name}: `mistake` must say what the mistake is")
    caught_by = data.get("caught_by", [])
    if not isinstance(caught_by, list) or not all(isinstance(c, str) for c in caught_by):
        raise PatchError(f"{path.name}: `caught_by` is a list of case names")
    changes = data.get("change", [])
    if not changes or not all(
        isinstance(c, dict) and isinstance(c.get("replace"), str) and isinstance(c.get("with"), str)
        for c in changes
    ):
        raise PatchError(f"{path.name}: each [[change]] needs `replace` and `with` strings")
    pairs = [(c["replace"], c["with"]) for c in changes]
    source = apply_changes(reference, pairs, path.name)
    return PatchedMutant(path.stem, mistake.strip(), caught_by, source)


def load_mutants(folder: Path) -> list[PatchedMutant]:
    reference = (folder / "reference.py").read_text()
    return [load_mutant(p, reference) for p in sorted((folder / "mutants").glob("*.toml"))]
