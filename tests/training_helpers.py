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


def lesson_url(slug: str, module_id: str = MODULE_ID) -> str:
    return f"/training/modules/{module_id}/lessons/{slug}"


def read_lessons(client, csrf, slugs, module_id: str = MODULE_ID) -> None:
    """Mark lessons read, as "Mark as read and continue" does."""
    for slug in slugs:
        url = lesson_url(slug, module_id)
        assert client.post(url, data={"csrf_token": csrf(client, url)}).status_code == 302


def request_check(client, csrf, module_id: str = MODULE_ID):
    """POST "Start the knowledge check": a redirect to the new attempt, or the refusal."""
    token = csrf(client, f"/training/modules/{module_id}")
    return client.post(f"/training/modules/{module_id}/check", data={"csrf_token": token})


def submit(client, csrf, attempt, answers, module_id: str = MODULE_ID):
    token = csrf(client, f"/training/modules/{module_id}")
    return client.post(f"/training/attempts/{attempt.id}", data=form_data(answers, token))
