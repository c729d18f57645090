"""The read-only content registry: modules, checklists and families' documents, loaded once.

Modules carry their translations (`Module.in_language`); checklists' translations are kept here
(`checklist_in_language`), for the pages that show a checklist's words.
"""

from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app

from app.content.checklist_translations import load_checklist_translation
from app.content.checklists import Checklist, load_checklists
from app.content.families import load_family_documents
from app.content.modules import load_modules
from app.content.problems import ContentError, ContentProblem
from app.content.translations import TRANSLATED_LANGUAGES


@dataclass(frozen=True)
class ContentRegistry:
    modules: dict = field(default_factory=dict)
    checklists: dict = field(default_factory=dict)
    families: dict = field(default_factory=dict)
    # (checklist id, language) -> the checklist with that language's words
    checklist_translations: dict = field(default_factory=dict)
    # (checklist id, language) -> "draft" or "reviewed" (modules carry their own status)
    checklist_translation_status: dict = field(default_factory=dict)

    def checklist_in_language(self, checklist: Checklist, language: str) -> Checklist:
        """The checklist's words in `language` where translated, else the English checklist."""
        return self.checklist_translations.get((checklist.id, language), checklist)


def load_content(
    modules_dir: Path, checklists_dir: Path, families_dir: Path | None = None
) -> tuple[ContentRegistry, list]:
    """Load and validate all content; returns the registry and every problem found."""
    problems: list[ContentProblem] = []
    modules, module_problems = load_modules(Path(modules_dir))
    checklists, checklist_problems = load_checklists(Path(checklists_dir))
    problems += module_problems + checklist_problems
    checklist_translations, statuses = {}, {}
    for checklist in checklists.values():
        for language in TRANSLATED_LANGUAGES:
            translated, found = load_checklist_translation(
                checklist,
                Path(checklists_dir) / f"{checklist.id}.yaml",
                language,
                Path(checklists_dir),
            )
            problems += found
            if translated is not None:
                checklist_translations[(checklist.id, language)] = translated[0]
                statuses[(checklist.id, language)] = translated[1]
    families: dict = {}
    if families_dir is not None:
        families, family_problems = load_family_documents(Path(families_dir))
        problems += family_problems
    registry = ContentRegistry(
        modules=modules,
        checklists=checklists,
        families=families,
        checklist_translations=checklist_translations,
        checklist_translation_status=statuses,
    )
    return registry, sorted(problems)


def init_content(app: Flask) -> None:
    """Load content at start-up; invalid content stops the app with the full list of problems.

    No command is let through: under `flask`, `ContentError` is shown as the plain list of
    problems and the command exits 1, which is exactly what `flask content check` reports.
    """
    registry, problems = load_content(
        app.config["MODULES_DIR"], app.config["CHECKLISTS_DIR"], app.config["FAMILIES_DIR"]
    )
    if problems:
        raise ContentError(problems)
    app.extensions["content"] = registry


def content() -> ContentRegistry:
    return current_app.extensions["content"]
