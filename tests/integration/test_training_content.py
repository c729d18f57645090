"""Invalid training content stops start-up, and `flask content check` lists every problem."""

from pathlib import Path

import pytest

from app import create_app
from app.content.problems import ContentError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "modules"


def test_invalid_content_stops_start_up():
    with pytest.raises(ContentError) as raised:
        create_app("testing", MODULES_DIR=FIXTURES / "invalid" / "unknown-key")
    assert "module.yaml: colour: unknown key (not allowed here)" in str(raised.value)


def test_content_check_lists_problems_and_exits_non_zero(app, runner, monkeypatch):
    monkeypatch.setitem(app.config, "MODULES_DIR", FIXTURES / "invalid" / "bank-too-small")
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert (
        "bank-too-small/handling-pupil-data/module.yaml: questions_per_attempt: draws 4 "
        "questions but quiz.yaml holds only 3" in result.output
    )


def test_content_check_passes_on_the_real_modules(app, runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "Content is valid" in result.output


def test_the_app_loads_the_real_modules(app):
    from app.content.registry import content

    assert len(content().modules) >= 1


def test_every_real_lesson_page_renders(app, world, signed_in):
    from app.content.registry import content

    client = signed_in(world.user("A", "teacher"))
    for module in content().modules.values():
        assert client.get(f"/training/modules/{module.id}").status_code == 200
        for lesson in module.lessons:
            response = client.get(f"/training/modules/{module.id}/lessons/{lesson.slug}")
            assert response.status_code == 200, (module.id, lesson.slug)
            html = response.get_data(as_text=True)
            assert html.count("<h1") == 1 and "style=" not in html and "<script>" not in html
