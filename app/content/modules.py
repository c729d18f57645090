"""Training modules: the file schemas (strict pydantic, see base.py), the loader that checks a
`modules/` folder and collects every problem, and the frozen objects the app reads.

Format contract: modules/README.md. Lesson HTML is rendered once here, at load, so requests do no
Markdown work.
"""

import dataclasses
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Literal, TypeVar

from pydantic import Field

from app.content.base import (
    HTTPS_URL,
    KEBAB,
    LESSON_NAME,
    OPTION_ID,
    SEMVER,
    StrictModel,
    validate,
)
from app.content.markdown import callout_problems, render_markdown
from app.content.problems import ContentProblem, display_path
from app.content.translations import (
    TRANSLATED_LANGUAGES,
    TranslationStatus,
    id_mismatch,
    is_translation,
    translation_path,
)
from app.content.yaml_loading import load_yaml_file, parse_yaml, read_text

Text = Annotated[str, Field(min_length=1)]
Kebab = Annotated[str, Field(pattern=KEBAB)]


class CheckOpens(StrEnum):
    """When a module's knowledge check can be started (module.yaml `check_opens`)."""

    AFTER_LESSONS = "after-lessons"  # once every lesson is marked read (the default)
    ANY_TIME = "any-time"  # straight away, for a module staff may test out of


# --- File schemas -------------------------------------------------------------------------------


class SourceSchema(StrictModel):
    title: Text
    url: Annotated[str, Field(pattern=HTTPS_URL)]


class ModuleSchema(StrictModel):
    id: Kebab
    version: Annotated[str, Field(pattern=SEMVER)]
    order: Annotated[int, Field(ge=1)]
    title: Text
    summary: Text
    audience: Text
    tags: list[Kebab] = []
    learning_outcomes: Annotated[list[Text], Field(min_length=1)]
    estimated_minutes: Annotated[int, Field(ge=1)]
    cpd_minutes: Annotated[int, Field(ge=1)]
    pass_mark: Annotated[int, Field(ge=1, le=100)]
    questions_per_attempt: Annotated[int, Field(ge=1)]
    certificate_validity_months: Annotated[int, Field(ge=1)]
    check_opens: Literal["after-lessons", "any-time"] = "after-lessons"
    lessons: Annotated[list[Annotated[str, Field(pattern=LESSON_NAME)]], Field(min_length=1)]


class LessonSchema(StrictModel):
    title: Text
    minutes: Annotated[int, Field(ge=1)]
    sources: Annotated[list[SourceSchema], Field(min_length=1)]


class OptionSchema(StrictModel):
    id: Annotated[str, Field(pattern=OPTION_ID)]
    text: Text
    correct: bool
    feedback: Text


class QuestionSchema(StrictModel):
    id: Kebab
    type: Literal["single", "multiple", "true_false"]
    prompt: Text
    options: Annotated[list[OptionSchema], Field(min_length=2)]
    explanation: Text
    source: SourceSchema


class QuizSchema(StrictModel):
    questions: Annotated[list[QuestionSchema], Field(min_length=1)]


# Translations (module.cy.yaml, lessons/NN-slug.cy.md, quiz.cy.yaml) hold only the words; see
# app/content/translations.py. Sources may be left out to keep the English ones.


class ModuleTranslationSchema(StrictModel):
    translation_status: TranslationStatus
    title: Text
    summary: Text
    audience: Text
    learning_outcomes: Annotated[list[Text], Field(min_length=1)]
    lessons: Annotated[list[Annotated[str, Field(pattern=LESSON_NAME)]], Field(min_length=1)]


class LessonTranslationSchema(StrictModel):
    title: Text
    sources: Annotated[list[SourceSchema], Field(min_length=1)] | None = None


class OptionTranslationSchema(StrictModel):
    id: Annotated[str, Field(pattern=OPTION_ID)]
    text: Text
    feedback: Text


class QuestionTranslationSchema(StrictModel):
    id: Kebab
    prompt: Text
    options: Annotated[list[OptionTranslationSchema], Field(min_length=2)]
    explanation: Text
    source: SourceSchema | None = None


class QuizTranslationSchema(StrictModel):
    questions: Annotated[list[QuestionTranslationSchema], Field(min_length=1)]


# --- What the app reads -------------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    title: str
    url: str


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: str
    options: tuple[Option, ...]
    explanation: str
    source: Source

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)


@dataclass(frozen=True)
class Lesson:
    slug: str
    number: int  # 1-based position in the module
    title: str
    minutes: int
    sources: tuple[Source, ...]
    html: str  # rendered and sanitised at load
    language: str = "en"


@dataclass(frozen=True)
class Module:
    id: str
    version: str
    order: int
    title: str
    summary: str
    audience: str
    tags: tuple[str, ...]
    learning_outcomes: tuple[str, ...]
    estimated_minutes: int
    cpd_minutes: int
    pass_mark: int
    questions_per_attempt: int
    certificate_validity_months: int
    lessons: tuple[Lesson, ...]
    questions: tuple[Question, ...]
    check_opens: CheckOpens = CheckOpens.AFTER_LESSONS
    language: str = "en"  # the language of the words; the ids and rules are always English's
    translation_status: str | None = None  # of a translation: "draft" or "reviewed"
    # The same module in other languages, by language code (only on the English module).
    translations: dict = field(default_factory=dict, repr=False, compare=False)
    _lesson_index: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._lesson_index.update({lesson.slug: lesson for lesson in self.lessons})

    def in_language(self, language: str) -> "Module":
        """This module's words in `language` where a translation exists, else in English."""
        return self.translations.get(language, self)

    def lesson(self, slug: str) -> Lesson | None:
        return self._lesson_index.get(slug)

    def neighbours(self, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
        """The lessons before and after `lesson` (None at either end)."""
        position = lesson.number - 1
        previous = self.lessons[position - 1] if position > 0 else None
        following = self.lessons[position + 1] if position + 1 < len(self.lessons) else None
        return previous, following


# --- Loading ------------------------------------------------------------------------------------


_Value = TypeVar("_Value")


class _Problems(list[ContentProblem]):
    def add(self, file: str, key_path: str, message: str) -> None:
        self.append(ContentProblem(file, key_path, message))

    def collect(self, result: "tuple[_Value, list[ContentProblem]]") -> "_Value":
        """Keep the problems of a `(value, problems)` result and return its value."""
        value, problems = result
        self.extend(problems)
        return value


def _source(schema: SourceSchema) -> Source:
    return Source(schema.title, schema.url)


def split_front_matter(text: str) -> tuple[str, str] | None:
    """(front matter YAML, Markdown body), or None when the file does not start with `---`."""
    match = re.match(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?\n?(.*)\Z", text, re.DOTALL | re.MULTILINE)
    if not match:
        return None
    return match.group(1), match.group(2)


def _load_lesson(path: Path, number: int, root: Path, problems: _Problems) -> Lesson | None:
    parts = _lesson_parts(path, root, problems, LessonSchema)
    if parts is None:
        return None
    schema, body = parts
    return Lesson(
        slug=path.stem,
        number=number,
        title=schema.title,
        minutes=schema.minutes,
        sources=tuple(_source(source) for source in schema.sources),
        html=render_markdown(body),
    )


def _lesson_parts(path: Path, root: Path, problems: _Problems, schema_class):
    """(validated front matter, Markdown body) of a lesson file, or None after its problems."""
    file = display_path(path, root)
    text = problems.collect(read_text(path, file))
    if text is None:
        return None
    parts = split_front_matter(text)
    if parts is None:
        problems.add(
            file,
            "(front matter)",
            "missing: start the file with a '---' line, the title, minutes and sources, "
            "then another '---' line",
        )
        return None
    front, body = parts
    # The front matter starts on the file's second line, after the opening '---'.
    data = problems.collect(parse_yaml(front, file, first_line=2))
    for message in callout_problems(body):
        problems.add(file, "(body)", message)
    if not body.strip():
        problems.add(file, "(body)", "the lesson has no text after the front matter")
    schema = problems.collect(validate(schema_class, data, file)) if data is not None else None
    if schema is None:
        return None
    return schema, body


def _check_question(question: QuestionSchema, key: str, file: str, problems: _Problems) -> None:
    option_ids = [option.id for option in question.options]
    for duplicate in sorted({i for i in option_ids if option_ids.count(i) > 1}):
        problems.add(file, f"{key}.options", f"option id '{duplicate}' is used more than once")
    correct = sum(option.correct for option in question.options)
    if question.type == "multiple":
        if correct < 1:
            problems.add(
                file, f"{key}.options", "a multiple question needs at least one correct option"
            )
    elif correct != 1:
        problems.add(
            file,
            f"{key}.options",
            f"a {question.type} question needs exactly one correct option (found {correct})",
        )
    if question.type == "true_false" and sorted(option_ids) != ["false", "true"]:
        problems.add(
            file,
            f"{key}.options",
            "a true_false question has exactly two options, ids 'true' and 'false'",
        )


def _load_questions(path: Path, root: Path, problems: _Problems) -> tuple[Question, ...] | None:
    file = display_path(path, root)
    if not path.is_file():
        problems.add(file, "(file)", "missing: every module needs a quiz.yaml question bank")
        return None
    data = problems.collect(load_yaml_file(path, file))
    quiz = problems.collect(validate(QuizSchema, data, file)) if data is not None else None
    if quiz is None:
        return None
    seen: set[str] = set()
    for index, question in enumerate(quiz.questions):
        key = f"questions.{index}"
        if question.id in seen:
            problems.add(file, f"{key}.id", f"question id '{question.id}' is used more than once")
        seen.add(question.id)
        _check_question(question, key, file, problems)
    return tuple(
        Question(
            id=q.id,
            type=q.type,
            prompt=q.prompt,
            options=tuple(Option(o.id, o.text, o.correct, o.feedback) for o in q.options),
            explanation=q.explanation,
            source=_source(q.source),
        )
        for q in quiz.questions
    )


def _load_lessons(
    folder: Path, listed: list[str], module_file: str, root: Path, problems: _Problems
) -> tuple[Lesson, ...] | None:
    lessons_dir = folder / "lessons"
    present = (
        {p.stem: p for p in lessons_dir.glob("*.md") if not is_translation(p)}
        if lessons_dir.is_dir()
        else {}
    )
    for other in sorted(lessons_dir.iterdir()) if lessons_dir.is_dir() else []:
        if other.suffix != ".md" and not other.name.startswith("."):
            problems.add(display_path(other, root), "(file)", "only .md lesson files belong here")
    complete = True
    for index, name in enumerate(listed):
        if listed.index(name) != index:
            problems.add(module_file, f"lessons.{index}", f"lesson '{name}' is listed twice")
            complete = False
        elif name not in present:
            problems.add(
                module_file, f"lessons.{index}", f"lesson file lessons/{name}.md does not exist"
            )
            complete = False
    for stem, path in sorted(present.items()):
        if stem not in listed:
            problems.add(
                display_path(path, root),
                "(file)",
                "lesson is not listed in module.yaml 'lessons' (add it, or delete the file)",
            )
    lessons = [
        _load_lesson(present[name], number, root, problems)
        for number, name in enumerate(dict.fromkeys(listed), start=1)
        if name in present
    ]
    loaded = tuple(lesson for lesson in lessons if lesson is not None)
    if not complete or len(loaded) != len(lessons):
        return None
    return loaded


def load_module(folder: Path, root: Path, problems: list[ContentProblem]) -> Module | None:
    """Load one module folder; appends its problems and returns None when it has any."""
    found = _Problems()
    module_path = folder / "module.yaml"
    module_file = display_path(module_path, root)
    if not module_path.is_file():
        found.add(module_file, "(file)", "missing: every module folder needs a module.yaml")
        problems.extend(found)
        return None
    data = found.collect(load_yaml_file(module_path, module_file))
    meta = found.collect(validate(ModuleSchema, data, module_file)) if data is not None else None
    questions = _load_questions(folder / "quiz.yaml", root, found)
    if meta is None:
        problems.extend(found)
        return None
    if meta.id != folder.name:
        found.add(module_file, "id", f"must match the folder name '{folder.name}'")
    lessons = _load_lessons(folder, meta.lessons, module_file, root, found)
    if questions is not None and len(questions) < meta.questions_per_attempt:
        found.add(
            module_file,
            "questions_per_attempt",
            f"draws {meta.questions_per_attempt} questions but quiz.yaml holds only "
            f"{len(questions)}",
        )
    if found or lessons is None or questions is None:
        problems.extend(found)
        return None
    module = Module(
        id=meta.id,
        version=meta.version,
        order=meta.order,
        title=meta.title,
        summary=meta.summary,
        audience=meta.audience,
        tags=tuple(meta.tags),
        learning_outcomes=tuple(meta.learning_outcomes),
        estimated_minutes=meta.estimated_minutes,
        cpd_minutes=meta.cpd_minutes,
        pass_mark=meta.pass_mark,
        questions_per_attempt=meta.questions_per_attempt,
        certificate_validity_months=meta.certificate_validity_months,
        lessons=lessons,
        questions=questions,
        check_opens=CheckOpens(meta.check_opens),
    )
    for language in TRANSLATED_LANGUAGES:
        translated = _load_translation(folder, module, language, root, found)
        if translated is not None:
            module.translations[language] = translated
    problems.extend(found)
    return None if found else module


# --- Translations -------------------------------------------------------------------------------


def _load_translation(
    folder: Path, english: Module, language: str, root: Path, problems: _Problems
) -> Module | None:
    """The module in `language` (its words over the English module), or None when there is no
    `module.<language>.yaml` or the translation has problems (added to `problems`)."""
    module_path = translation_path(folder / "module.yaml", language)
    lessons_dir = folder / "lessons"
    stray = [
        path
        for path in sorted(lessons_dir.glob(f"*.{language}.md"))
        if english.lesson(Path(path.stem).stem) is None
    ]
    for path in stray:
        problems.add(display_path(path, root), "(file)", "translates a lesson the module lacks")
    if not module_path.is_file():
        return None
    module_file = display_path(module_path, root)
    before = len(problems)
    data = problems.collect(load_yaml_file(module_path, module_file))
    meta = (
        problems.collect(validate(ModuleTranslationSchema, data, module_file))
        if data is not None
        else None
    )
    if meta is None:
        return None
    english_slugs = [lesson.slug for lesson in english.lessons]
    mismatch = id_mismatch("lessons", english_slugs, list(meta.lessons))
    if mismatch:
        problems.add(module_file, "lessons", mismatch)
    lessons = [
        _translated_lesson(folder, lesson, language, root, problems) for lesson in english.lessons
    ]
    questions = _translated_questions(folder, english, language, root, problems)
    loaded = tuple(lesson for lesson in lessons if lesson is not None)
    if len(problems) > before or questions is None or len(loaded) != len(lessons):
        return None
    return dataclasses.replace(
        english,
        title=meta.title,
        summary=meta.summary,
        audience=meta.audience,
        learning_outcomes=tuple(meta.learning_outcomes),
        lessons=loaded,
        questions=questions,
        language=language,
        translation_status=meta.translation_status,
        translations={},
    )


def _translated_lesson(
    folder: Path, english: Lesson, language: str, root: Path, problems: _Problems
) -> Lesson | None:
    path = translation_path(folder / "lessons" / f"{english.slug}.md", language)
    if not path.is_file():
        problems.add(
            display_path(path, root), "(file)", f"missing: the translation of lesson {english.slug}"
        )
        return None
    parts = _lesson_parts(path, root, problems, LessonTranslationSchema)
    if parts is None:
        return None
    schema, body = parts
    sources = english.sources
    if schema.sources is not None:
        sources = tuple(_source(source) for source in schema.sources)
    return dataclasses.replace(
        english,
        title=schema.title,
        sources=sources,
        html=render_markdown(body, language),
        language=language,
    )


def _translated_questions(
    folder: Path, english: Module, language: str, root: Path, problems: _Problems
) -> tuple[Question, ...] | None:
    path = translation_path(folder / "quiz.yaml", language)
    file = display_path(path, root)
    if not path.is_file():
        problems.add(file, "(file)", "missing: a translated module needs its quiz translated")
        return None
    data = problems.collect(load_yaml_file(path, file))
    quiz = problems.collect(validate(QuizTranslationSchema, data, file)) if data else None
    if quiz is None:
        return None
    translated = {question.id: question for question in quiz.questions}
    mismatch = id_mismatch(
        "question ids", [q.id for q in english.questions], [q.id for q in quiz.questions]
    )
    if mismatch:
        problems.add(file, "questions", mismatch)
        return None
    questions = []
    for index, question in enumerate(english.questions):
        words = translated[question.id]
        option_words = {option.id: option for option in words.options}
        mismatch = id_mismatch(
            "option ids", [o.id for o in question.options], [o.id for o in words.options]
        )
        if mismatch:
            problems.add(file, f"questions.{index}.options", mismatch)
            continue
        options = tuple(
            dataclasses.replace(
                option, text=option_words[option.id].text, feedback=option_words[option.id].feedback
            )
            for option in question.options
        )
        source = _source(words.source) if words.source is not None else question.source
        questions.append(
            dataclasses.replace(
                question,
                prompt=words.prompt,
                options=options,
                explanation=words.explanation,
                source=source,
            )
        )
    return tuple(questions) if len(questions) == len(english.questions) else None


def load_modules(root: Path) -> tuple[dict, list[ContentProblem]]:
    """Load every module folder under `root`; returns (modules by id, problems).

    Modules come back in catalogue order (`order`, then id). A module with any problem is left
    out, and every problem in every module is reported, so one run shows the whole list.
    """
    root = Path(root)
    problems: list[ContentProblem] = []
    if not root.is_dir():
        return {}, [ContentProblem(str(root), "(folder)", "modules folder does not exist")]
    modules = []
    for folder in sorted(root.iterdir()):
        if not folder.is_dir() or folder.name.startswith((".", "_")):
            continue
        module = load_module(folder, root, problems)
        if module is not None:
            modules.append(module)
    modules.sort(key=lambda module: (module.order, module.id))
    return {module.id: module for module in modules}, problems
