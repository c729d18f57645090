"""A checklist in another language: `checklists/<id>.cy.yaml` holds the words of `<id>.yaml`.

Only the words: titles, intros, question text and help, option labels and remediation. Weights,
credits, knock-outs, caps, gates and the rating stay in the English file, so scoring, result
hashes and stored answers are the same in either language. Every id must match the English
(sections in order, question ids per section, profile question ids, scale names, option
values); see app/content/translations.py.
"""

from pathlib import Path

from pydantic import Field

from app.content.base import KEBAB, OPTION_ID, QUESTION_CODE, Items, StrictModel, validate
from app.content.checklists import Checklist, Option
from app.content.problems import ContentProblem, display_path
from app.content.translations import TranslationStatus, id_mismatch, translation_path
from app.content.yaml_loading import load_yaml_file


class OptionWords(StrictModel):
    value: str = Field(pattern=OPTION_ID)
    label: str = Field(min_length=1)


class ScaleWords(StrictModel):
    options: Items[OptionWords] = Field(min_length=2)


class ProfileQuestionWords(StrictModel):
    id: str = Field(pattern=QUESTION_CODE)
    text: str = Field(min_length=1)
    help: str = ""
    options: Items[OptionWords] = ()


class QuestionWords(StrictModel):
    id: str = Field(pattern=QUESTION_CODE)
    text: str = Field(min_length=1)
    help: str = ""
    options: Items[OptionWords] = ()
    remediation: str = ""


class SectionWords(StrictModel):
    id: str = Field(pattern=KEBAB)
    title: str = Field(min_length=1)
    intro: str = ""
    questions: Items[QuestionWords] = Field(min_length=1)


class ChecklistWords(StrictModel):
    id: str = Field(pattern=KEBAB)
    translation_status: TranslationStatus
    title: str = Field(min_length=1)
    scales: dict[str, ScaleWords] = Field(default_factory=dict)
    profile: Items[ProfileQuestionWords] = ()
    sections: Items[SectionWords] = Field(min_length=1)


def _options(english: tuple[Option, ...], words: tuple[OptionWords, ...], path: str, add):
    mismatch = id_mismatch("option values", [o.value for o in english], [o.value for o in words])
    if mismatch:
        add(path, mismatch)
        return english
    labels = {option.value: option.label for option in words}
    return tuple(option.model_copy(update={"label": labels[option.value]}) for option in english)


def translate_checklist(english: Checklist, words: ChecklistWords, add) -> Checklist:
    """The English checklist with the translated words; mismatched ids go to `add(path, msg)`."""
    if words.id != english.id:
        add("id", f"must be the English checklist's id ({english.id!r})")
    mismatch = id_mismatch("scales", sorted(english.scales), sorted(words.scales))
    if mismatch:
        add("scales", mismatch)
    scales = {
        name: scale.model_copy(
            update={
                "options": _options(
                    scale.options, words.scales[name].options, f"scales.{name}.options", add
                )
            }
        )
        if name in words.scales
        else scale
        for name, scale in english.scales.items()
    }
    profile_words = {question.id: question for question in words.profile}
    mismatch = id_mismatch(
        "profile question ids", [q.id for q in english.profile], [q.id for q in words.profile]
    )
    if mismatch:
        add("profile", mismatch)
    profile = []
    for index, asked in enumerate(english.profile):
        words_for = profile_words.get(asked.id)
        if words_for is None:
            profile.append(asked)
            continue
        options = _options(asked.options, words_for.options, f"profile.{index}.options", add)
        profile.append(
            asked.model_copy(
                update={"text": words_for.text, "help": words_for.help, "options": options}
            )
        )
    mismatch = id_mismatch(
        "section ids", [s.id for s in english.sections], [s.id for s in words.sections]
    )
    if mismatch:
        add("sections", mismatch)
        return english
    sections = []
    for s_index, (section, said) in enumerate(zip(english.sections, words.sections, strict=True)):
        path = f"sections.{s_index}"
        mismatch = id_mismatch(
            "question ids", [q.id for q in section.questions], [q.id for q in said.questions]
        )
        if mismatch:
            add(f"{path}.questions", mismatch)
            sections.append(section)
            continue
        questions = []
        for q_index, (question, q_said) in enumerate(
            zip(section.questions, said.questions, strict=True)
        ):
            options = _options(
                question.options, q_said.options, f"{path}.questions.{q_index}.options", add
            )
            questions.append(
                question.model_copy(
                    update={
                        "text": q_said.text,
                        "help": q_said.help,
                        "options": options,
                        "remediation": q_said.remediation or question.remediation,
                    }
                )
            )
        sections.append(
            section.model_copy(
                update={"title": said.title, "intro": said.intro, "questions": tuple(questions)}
            )
        )
    return english.model_copy(
        update={
            "title": words.title,
            "scales": scales,
            "profile": tuple(profile),
            "sections": tuple(sections),
        }
    )


def load_checklist_translation(
    english: Checklist, english_path: Path, language: str, root: Path
) -> tuple[tuple[Checklist, str] | None, list[ContentProblem]]:
    """(the checklist in `language`, its translation status) from `<id>.<language>.yaml`, or
    None (no file, or problems)."""
    path = translation_path(english_path, language)
    if not path.is_file():
        return None, []
    file = display_path(path, root)
    data, problems = load_yaml_file(path, file)
    if data is None:
        return None, problems
    words, problems = validate(ChecklistWords, data, file)
    if words is None:
        return None, problems
    found: list[ContentProblem] = []
    translated = translate_checklist(
        english, words, lambda key, message: found.append(ContentProblem(file, key, message))
    )
    return (None if found else (translated, words.translation_status)), found
