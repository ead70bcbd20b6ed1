"""A landlord's action codes mapped onto rentbook's: the file the landlord edits.

A housing system's diary carries its own codes. The mapping says which rentbook code each
means (cases/codes.py), which to keep as the landlord's own with a category, and which are
only notes; a code it does not name is *unmapped*: kept in the diary as a note, listed, and
never dropped. The format is in cases/mappings/hackney.toml, the shipped example.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rentbook.cases.codes import BY_CODE
from rentbook.cases.models import Category

MAPPINGS = Path(__file__).with_name("mappings")
#: What a code mapped to NOTE becomes: a diary note the run does not count as an action.
NOTE = "NOTE"
#: The category of a note or an unmapped code: not an action.
NOT_AN_ACTION = Category.NONE.value
CODE_MAX = 20


class MappingError(ValueError):
    """The mapping file is wrong; the message names the file and the entry."""


@dataclass(frozen=True)
class CodeMapping:
    name: str
    #: landlord code -> (rentbook code, category)
    codes: dict[str, tuple[str, str]] = field(default_factory=dict)

    def resolve(self, code: str) -> tuple[str, str] | None:
        """(code stored, category) for a landlord's code; None when unmapped."""
        hit = self.codes.get(code.upper())
        if hit is not None:
            return hit
        known = BY_CODE.get(code.upper())
        return (known.code, known.category) if known else None


#: Without a mapping, a file's codes are rentbook's own.
IDENTITY = CodeMapping(name="rentbook")


def shipped() -> list[str]:
    return sorted(p.stem for p in MAPPINGS.glob("*.toml"))


def load_mapping(name_or_path: str | Path | None) -> CodeMapping:
    if name_or_path is None or name_or_path == "":
        return IDENTITY
    path = Path(name_or_path)
    if not path.suffix and (MAPPINGS / f"{path}.toml").is_file():
        path = MAPPINGS / f"{path}.toml"
    if not path.is_file():
        raise MappingError(
            f"no code mapping {str(name_or_path)!r}: name a TOML file or one shipped"
            f" ({', '.join(shipped())})"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise MappingError(f"{path.name}: {e}") from None
    unknown = set(data) - {"mapping", "codes", "own"}
    if unknown:
        raise MappingError(f"{path.name}: unknown table(s) {', '.join(sorted(unknown))}")
    codes: dict[str, tuple[str, str]] = {}
    categories = {c.value for c in Category}
    for theirs, ours in data.get("codes", {}).items():
        if not isinstance(ours, str):
            raise MappingError(f"{path.name}: [codes] {theirs}: give a rentbook code as text")
        _check_code(path, "codes", theirs)
        if ours.upper() == NOTE:
            codes[theirs.upper()] = (NOTE, NOT_AN_ACTION)
            continue
        action = BY_CODE.get(ours.upper())
        if action is None:
            raise MappingError(
                f"{path.name}: [codes] {theirs} = {ours!r}: not a rentbook action code"
                " (docs/imports.md lists them) or NOTE"
            )
        codes[theirs.upper()] = (action.code, action.category)
    for theirs, spec in data.get("own", {}).items():
        _check_code(path, "own", theirs)
        category = spec.get("category") if isinstance(spec, dict) else None
        if category not in categories - {NOT_AN_ACTION}:
            raise MappingError(
                f"{path.name}: [own] {theirs}: category must be one of "
                + ", ".join(sorted(categories - {NOT_AN_ACTION}))
            )
        if theirs.upper() in codes:
            raise MappingError(f"{path.name}: {theirs} is in both [codes] and [own]")
        codes[theirs.upper()] = (theirs.upper(), category)
    name = str(data.get("mapping", {}).get("name") or path.stem)
    return CodeMapping(name=name, codes=codes)


def _check_code(path: Path, table: str, code: str) -> None:
    if not code.strip() or len(code) > CODE_MAX:
        raise MappingError(f"{path.name}: [{table}] {code!r}: a code is 1 to {CODE_MAX} characters")
