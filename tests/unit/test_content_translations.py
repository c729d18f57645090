"""Welsh versions of content files: loaded over the English (same ids, rules and answers), marked
as drafts, and every id that differs from the English reported as a content problem."""

import shutil
from pathlib import Path

import pytest

from app.content.registry import load_content

ROOT = Path(__file__).resolve().parents[2]
MODULE = "why-data-protection-matters"
CHECKLIST = "quick-edtech-check"


@pytest.fixture(scope="module")
def registry():
    found, problems = load_content(ROOT / "modules", ROOT / "checklists", ROOT / "families")
    assert problems == []
    return found


def test_the_welsh_module_has_the_english_ids_rules_and_answers(registry):
    english = registry.modules[MODULE]
    welsh = english.in_language("cy")
    assert welsh is not english and welsh.language == "cy"
    assert welsh.translation_status == "draft"
    assert welsh.title == "Pam mae diogelu data yn bwysig yn yr ysgol"
    assert (welsh.id, welsh.version, welsh.pass_mark) == (english.id, english.version, 80)
    assert [lesson.slug for lesson in welsh.lessons] == [lesson.slug for lesson in english.lessons]
    assert [lesson.minutes for lesson in welsh.lessons] == [x.minutes for x in english.lessons]
    for question, original in zip(welsh.questions, english.questions, strict=True):
        assert question.id == original.id and question.type == original.type
        assert question.correct_ids == original.correct_ids
        assert question.prompt != original.prompt
    lesson = welsh.lesson("01-what-personal-data-a-school-holds")
    assert lesson.language == "cy" and lesson.sources == english.lessons[0].sources
    assert "Pwynt allweddol" in lesson.html and "Key point" not in lesson.html
    assert english.lesson(lesson.slug).title == "What personal data a school holds"


def test_a_module_without_a_welsh_version_stays_english(registry):
    english = registry.modules["principles-and-lawful-bases"]
    assert english.in_language("cy") is english and english.language == "en"


def test_the_welsh_checklist_has_the_english_rules(registry):
    english = registry.checklists[CHECKLIST]
    welsh = registry.checklist_in_language(english, "cy")
    assert registry.checklist_translation_status[(CHECKLIST, "cy")] == "draft"
    assert welsh.title == "Gwiriad preifatrwydd cyflym ar gyfer technoleg addysg"
    assert list(welsh.questions) == list(english.questions)
    for question_id, question in welsh.questions.items():
        original = english.questions[question_id]
        assert (question.weight, question.knockout, question.cap) == (
            original.weight,
            original.knockout,
            original.cap,
        )
        assert [o.credit for o in welsh.options_for(question)] == [
            o.credit for o in english.options_for(original)
        ]
    assert welsh.questions["Q01"].text != english.questions["Q01"].text
    assert english.content_hash == registry.checklists[CHECKLIST].content_hash
    other = registry.checklists["uk-schools-edtech"]
    assert registry.checklist_in_language(other, "cy") is other


# --- mismatched ids are content problems ------------------------------------------------------


@pytest.fixture
def content(tmp_path):
    """A copy of the real content to break: modules/<id> and checklists/<id>."""
    modules, checklists = tmp_path / "modules", tmp_path / "checklists"
    shutil.copytree(ROOT / "modules" / MODULE, modules / MODULE)
    checklists.mkdir()
    for name in (f"{CHECKLIST}.yaml", f"{CHECKLIST}.cy.yaml"):
        shutil.copy(ROOT / "checklists" / name, checklists / name)
    return tmp_path


def _problems(content: Path) -> list[str]:
    found = load_content(content / "modules", content / "checklists")[1]
    return [str(problem) for problem in found]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_copy_is_valid(content):
    assert _problems(content) == []


def test_a_welsh_module_listing_other_lessons_is_reported(content):
    _edit(
        content / "modules" / MODULE / "module.cy.yaml",
        "  - 05-accountability-and-training",
        "  - 05-accountability",
    )
    assert _problems(content) == [
        f"modules/{MODULE}/module.cy.yaml: lessons: lessons do not match the English file "
        "(missing 05-accountability-and-training; not in English: 05-accountability)"
    ]


def test_a_missing_welsh_lesson_and_a_stray_one_are_reported(content):
    lessons = content / "modules" / MODULE / "lessons"
    (lessons / "02-the-law-in-brief.cy.md").rename(lessons / "02-the-law.cy.md")
    assert _problems(content) == [
        f"modules/{MODULE}/lessons/02-the-law-in-brief.cy.md: (file): missing: the translation "
        "of lesson 02-the-law-in-brief",
        f"modules/{MODULE}/lessons/02-the-law.cy.md: (file): translates a lesson the module lacks",
    ]


def test_welsh_question_and_option_ids_must_match(content):
    quiz = content / "modules" / MODULE / "quiz.cy.yaml"
    _edit(quiz, "- id: wales-measure", "- id: wales-measure-2011")
    assert _problems(content) == [
        f"modules/{MODULE}/quiz.cy.yaml: questions: question ids do not match the English file "
        "(missing wales-measure; not in English: wales-measure-2011)"
    ]
    _edit(quiz, "- id: wales-measure-2011", "- id: wales-measure")
    _edit(quiz, '  - id: "false"\n    text: Anghywir', '  - id: "no"\n    text: Anghywir')
    assert _problems(content) == [
        f"modules/{MODULE}/quiz.cy.yaml: questions.2.options: option ids do not match the "
        "English file (missing false; not in English: no)"
    ]


def test_a_welsh_quiz_cannot_change_which_answer_is_right(content):
    _edit(
        content / "modules" / MODULE / "quiz.cy.yaml",
        "    text: Nac ydy, oherwydd nid yw'r disgybl wedi'i enwi.\n",
        "    text: Nac ydy, oherwydd nid yw'r disgybl wedi'i enwi.\n    correct: true\n",
    )
    assert _problems(content) == [
        f"modules/{MODULE}/quiz.cy.yaml: questions.0.options.1.correct: unknown key "
        "(not allowed here)"
    ]


def test_a_welsh_module_must_say_how_far_its_translation_is(content):
    _edit(content / "modules" / MODULE / "module.cy.yaml", "translation_status: draft\n", "")
    assert _problems(content) == [
        f"modules/{MODULE}/module.cy.yaml: translation_status: required: add this key"
    ]


def test_welsh_checklist_ids_must_match(content):
    welsh = content / "checklists" / f"{CHECKLIST}.cy.yaml"
    _edit(welsh, "      - id: Q19\n", "      - id: Q19b\n")
    _edit(welsh, '{value: partial, label: "Yn rhannol"}', '{value: partly, label: "Yn rhannol"}')
    assert _problems(content) == [
        f"checklists/{CHECKLIST}.cy.yaml: scales.yes_partial_good.options: option values do not "
        "match the English file (missing partial; not in English: partly)",
        f"checklists/{CHECKLIST}.cy.yaml: sections.4.questions: question ids do not match the "
        "English file (missing Q19; not in English: Q19b)",
    ]


def test_welsh_checklist_sections_must_be_in_the_english_order(content):
    welsh = content / "checklists" / f"{CHECKLIST}.cy.yaml"
    _edit(welsh, "  - id: contract\n", "  - id: contract-and-roles\n")
    assert _problems(content) == [
        f"checklists/{CHECKLIST}.cy.yaml: sections: section ids do not match the English file "
        "(missing contract; not in English: contract-and-roles)"
    ]
