"""Welsh (and any later language's) versions of content files, beside the English ones.

A translation is a file named like its English file with the language code before the
extension: `module.cy.yaml`, `lessons/01-slug.cy.md`, `quiz.cy.yaml`, `checklists/<id>.cy.yaml`.
It holds only the words; everything that counts (ids, versions, pass marks, correct answers,
credits, weights, rules) stays in the English file, so a certificate or an assessment is the
same whichever language it was taken in, and records keep the English id and version.

The ids in a translation must match the English ones exactly (lessons, questions, options,
sections, question ids, option values): `flask content check` reports every mismatch, and a
translation with problems stops the app like any other content problem. Each translation says
how far it has got with `translation_status`: `draft` (awaiting review by a Welsh speaker) or
`reviewed`.
"""

from pathlib import Path
from typing import Literal

TRANSLATED_LANGUAGES = ("cy",)
TranslationStatus = Literal["draft", "reviewed"]


def translation_path(path: Path, language: str) -> Path:
    """`module.yaml` -> `module.cy.yaml`; `lessons/01-x.md` -> `lessons/01-x.cy.md`."""
    return path.with_name(f"{path.stem}.{language}{path.suffix}")


def is_translation(path: Path) -> bool:
    """True for `name.cy.yaml` and `01-x.cy.md`: a translation, not a file in its own right."""
    return Path(path.stem).suffix.lstrip(".") in TRANSLATED_LANGUAGES


def id_mismatch(what: str, english: list[str], translated: list[str]) -> str | None:
    """A message naming what differs between two lists of ids, or None when they match."""
    missing = [item for item in english if item not in translated]
    extra = [item for item in translated if item not in english]
    if not missing and not extra:
        if english != translated:
            return f"{what} must be in the same order as in English: {', '.join(english)}"
        return None
    parts = []
    if missing:
        parts.append(f"missing {', '.join(missing)}")
    if extra:
        parts.append(f"not in English: {', '.join(extra)}")
    return f"{what} do not match the English file ({'; '.join(parts)})"
