"""Helpers shared by the training tests: serve the small fixture module instead of the real
modules/ (so tests do not break when content changes), and build answers for an attempt."""

from dataclasses import replace
from pathlib import Path

from app.content.modules import load_modules
from app.content.registry import ContentRegistry

JOURNEY_MODULES = Path(__file__).resolve().parent / "fixtures" / "modules" / "journey"
MODULE_ID = "handling-pupil-data"


def use_fixture_modules(app, monkeypatch) -> dict:
    modules, problems = load_modules(JOURNEY_MODULES)
    assert not problems, problems
    registry = replace(app.extensions["content"], modules=modules)
    assert isinstance(registry, ContentRegistry)
    monkeypatch.setitem(app.extensions, "content", registry)
    return modules


def correct_answers(questions: list[dict]) -> dict[str, list[str]]:
    return {q["id"]: [o["id"] for o in q["options"] if o["correct"]] for q in questions}


def wrong_answers(questions: list[dict]) -> dict[str, list[str]]:
    return {q["id"]: [next(o["id"] for o in q["options"] if not o["correct"])] for q in questions}


def form_data(answers: dict[str, list[str]], token: str) -> dict:
    data: dict = {"csrf_token": token}
    for question_id, chosen in answers.items():
        data[f"q-{question_id}"] = chosen
    return data
