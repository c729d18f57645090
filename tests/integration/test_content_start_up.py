"""Start-up with invalid checklist content: the app refuses to start, and `flask content check`
lists the problems (these build an app, so they are integration tests)."""

from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "checklists"


def test_invalid_checklist_stops_start_up(tmp_path):
    from app import create_app
    from app.content.problems import ContentError

    (tmp_path / "bad-id.yaml").write_text((FIXTURES / "bad-id.yaml").read_text())
    with pytest.raises(ContentError, match="bad-id.yaml: id"):
        create_app("testing", CHECKLISTS_DIR=tmp_path)


def test_content_check_lists_checklist_problems(app, tmp_path):
    (tmp_path / "duplicate-question-id.yaml").write_text(
        (FIXTURES / "duplicate-question-id.yaml").read_text()
    )
    app.config["CHECKLISTS_DIR"], original = tmp_path, app.config["CHECKLISTS_DIR"]
    try:
        result = app.test_cli_runner().invoke(args=["content", "check"])
    finally:
        app.config["CHECKLISTS_DIR"] = original
    assert result.exit_code == 1
    assert "duplicate-question-id.yaml: sections.1.questions.0.id: duplicate question id" in (
        result.output
    )
