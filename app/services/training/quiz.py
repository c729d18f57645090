"""Knowledge-check rules: drawing questions, shuffling options, checking answers and grading.

Pure functions over the module's questions and plain data; no Flask, no database. An attempt's
paper is a JSON-ready snapshot (`draw`), so grading and results never look at the module again.
"""

import dataclasses
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.content.modules import Module, Question
from app.util.i18n import _

SINGLE_ANSWER_TYPES = ("single", "true_false")


def snapshot(question: Question, rng: random.Random) -> dict:
    """The question as it will be shown and graded, options shuffled (True/False stay in order)."""
    options = [
        {"id": o.id, "text": o.text, "correct": o.correct, "feedback": o.feedback}
        for o in question.options
    ]
    if question.type == "true_false":
        options.sort(key=lambda option: option["id"] != "true")
    else:
        rng.shuffle(options)
    return {
        "id": question.id,
        "type": question.type,
        "prompt": question.prompt,
        "options": options,
        "explanation": question.explanation,
        "source": {"title": question.source.title, "url": question.source.url},
    }


def draw(
    questions: Sequence[Question],
    count: int,
    rng: random.Random,
    times_seen: Mapping[str, int] | None = None,
) -> list[dict]:
    """`count` different questions from the bank, each with shuffled options. Questions the
    learner has seen least often (`times_seen`: question id -> earlier papers holding it) come
    first, at random among equals, so a retake asks what was not asked before while the bank
    lasts; the chosen questions are then shuffled, so the new ones are not always at the top."""
    if not 1 <= count <= len(questions):
        raise ValueError(f"cannot draw {count} questions from a bank of {len(questions)}")
    seen = times_seen or {}
    shuffled = rng.sample(list(questions), len(questions))
    chosen = sorted(shuffled, key=lambda question: seen.get(question.id, 0))[:count]
    rng.shuffle(chosen)
    return [snapshot(question, rng) for question in chosen]


def times_seen(papers: Iterable[Sequence[dict]]) -> dict[str, int]:
    """Question id -> how many of these drawn papers asked it."""
    counts: dict[str, int] = {}
    for paper in papers:
        for question in paper:
            counts[question["id"]] = counts.get(question["id"], 0) + 1
    return counts


def correct_ids(question: dict) -> set[str]:
    return {option["id"] for option in question["options"] if option["correct"]}


def is_correct(question: dict, chosen: Iterable[str]) -> bool:
    """Right only when the learner picked all of the correct options and nothing else."""
    return set(chosen) == correct_ids(question)


def answer_problems(questions: Sequence[dict], answers: Mapping[str, Sequence[str]]) -> dict:
    """Question id -> what is wrong with its answer (missing, too many, not an option)."""
    problems = {}
    for number, question in enumerate(questions, start=1):
        chosen = list(answers.get(question["id"], ()))
        offered = {option["id"] for option in question["options"]}
        if not chosen:
            problems[question["id"]] = (
                _("Choose at least one answer for question %(number)d", number=number)
                if question["type"] == "multiple"
                else _("Choose an answer for question %(number)d", number=number)
            )
        elif not set(chosen) <= offered:
            problems[question["id"]] = _(
                "Choose from the answers given for question %(number)d", number=number
            )
        elif question["type"] in SINGLE_ANSWER_TYPES and len(set(chosen)) > 1:
            problems[question["id"]] = _(
                "Choose only one answer for question %(number)d", number=number
            )
    return problems


def in_words(paper: Sequence[dict], module: Module | None, version: str) -> list[dict]:
    """A drawn paper with the words of `module` (the module in the reader's language): the
    same questions, options, order and answers, so grading is unchanged. A paper drawn from
    another `version`, or a question the module no longer has, keeps the words it was drawn with."""
    if module is None or module.language == "en" or module.version != version:
        return list(paper)
    questions = {question.id: question for question in module.questions}
    reworded = []
    for drawn in paper:
        question = questions.get(drawn["id"])
        if question is None:
            reworded.append(drawn)
            continue
        options = {option.id: option for option in question.options}
        reworded.append(
            {
                **drawn,
                "prompt": question.prompt,
                "explanation": question.explanation,
                "source": {"title": question.source.title, "url": question.source.url},
                "options": [
                    {**o, "text": options[o["id"]].text, "feedback": options[o["id"]].feedback}
                    if o["id"] in options
                    else o
                    for o in drawn["options"]
                ],
            }
        )
    return reworded


def grade_in_words(result: "Grade", paper: Sequence[dict]) -> "Grade":
    """A grade whose questions carry the words of `paper` (from `in_words`)."""
    by_id = {question["id"]: question for question in paper}
    return dataclasses.replace(
        result,
        results=tuple(
            dataclasses.replace(item, question=by_id.get(item.question["id"], item.question))
            for item in result.results
        ),
    )


@dataclass(frozen=True)
class QuestionResult:
    number: int
    question: dict
    chosen: tuple[str, ...]
    correct: bool

    @property
    def chosen_options(self) -> list[dict]:
        """The options picked, in the order shown (each with its `correct` and `feedback`)."""
        return [option for option in self.question["options"] if option["id"] in self.chosen]

    @property
    def missed_right_answers(self) -> bool:
        """Every option picked is right but some right ones were left out, which the picked
        options' feedback alone would not show."""
        chosen = set(self.chosen)
        return bool(chosen) and chosen < correct_ids(self.question)


@dataclass(frozen=True)
class Grade:
    correct_count: int
    total: int
    score: int  # whole percent, rounded down so a fail never shows the pass mark
    passed: bool
    results: tuple[QuestionResult, ...]


def passes(correct_count: int, total: int, pass_mark: int) -> bool:
    """Exact integer comparison: 4 of 5 meets an 80% pass mark, 7 of 9 misses 78%."""
    return total > 0 and correct_count * 100 >= pass_mark * total


def grade(questions: Sequence[dict], answers: Mapping[str, Sequence[str]], pass_mark: int) -> Grade:
    results = tuple(
        QuestionResult(
            number=number,
            question=question,
            chosen=tuple(answers.get(question["id"], ())),
            correct=is_correct(question, answers.get(question["id"], ())),
        )
        for number, question in enumerate(questions, start=1)
    )
    correct_count = sum(result.correct for result in results)
    total = len(results)
    return Grade(
        correct_count=correct_count,
        total=total,
        score=correct_count * 100 // total if total else 0,
        passed=passes(correct_count, total, pass_mark),
        results=results,
    )
