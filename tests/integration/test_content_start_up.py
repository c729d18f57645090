"""Invalid content stops `create_app()` with every problem, whatever the command line says, and
the real `flask content check` prints every problem as plain lines and exits 1."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app import create_app
from app.content.problems import ContentError
from app.content.registry import load_content

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture
def invalid_content(tmp_path):
    """Two broken modules and two broken checklists: five problems in four files."""
    modules = tmp_path / "modules"
    for rule in ("unknown-key", "bank-too-small"):
        source = FIXTURES / "modules" / "invalid" / rule / "handling-pupil-data"
        shutil.copytree(source, modules / f"handling-pupil-data-{rule}")
    checklists = tmp_path / "checklists"
    checklists.mkdir()
    for name in ("weight-quoted", "allow-na-quoted"):
        shutil.copy(FIXTURES / "checklists" / f"{name}.yaml", checklists)
    _, problems = load_content(modules, checklists)
    # The unknown key; the renamed folder and the small bank; one each for the checklists.
    assert len(problems) == 5
    return modules, checklists, [str(problem) for problem in problems]


def test_invalid_content_stops_create_app_with_every_problem(invalid_content):
    modules, checklists, expected = invalid_content
    with pytest.raises(ContentError) as raised:
        create_app("testing", MODULES_DIR=modules, CHECKLISTS_DIR=checklists)
    assert [str(problem) for problem in raised.value.problems] == expected
    for line in expected:
        assert line in str(raised.value)


def test_a_content_check_command_line_does_not_let_invalid_content_start(
    invalid_content, monkeypatch
):
    # The app used to read sys.argv and skip the check when it saw `content check`.
    modules, checklists, _ = invalid_content
    monkeypatch.setattr(sys, "argv", ["flask", "--app", "app", "content", "check"])
    with pytest.raises(ContentError):
        create_app("testing", MODULES_DIR=modules, CHECKLISTS_DIR=checklists)


def _flask_content_check(modules: Path, checklists: Path) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("FLASK_")}
    env.update(FLASK_CONFIG="testing", MODULES_DIR=str(modules), CHECKLISTS_DIR=str(checklists))
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "content", "check"],
        cwd=ROOT,  # so `app` is this checkout's package
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_flask_content_check_prints_every_problem_and_exits_non_zero(invalid_content):
    modules, checklists, expected = invalid_content
    result = _flask_content_check(modules, checklists)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [*expected, "5 problem(s) found."]


def test_flask_content_check_passes_on_valid_content(tmp_path):
    shutil.copy(FIXTURES / "checklists" / "valid-minimal.yaml", tmp_path)
    result = _flask_content_check(FIXTURES / "modules" / "journey", tmp_path)
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.strip()
        == "Content is valid: 1 module(s), 1 checklist(s), 4 families' document(s)."
    )


def test_invalid_checklist_stops_start_up(tmp_path):
    (tmp_path / "bad-id.yaml").write_text((FIXTURES / "checklists" / "bad-id.yaml").read_text())
    with pytest.raises(ContentError, match="bad-id.yaml: id"):
        create_app("testing", CHECKLISTS_DIR=tmp_path)


def test_content_check_lists_checklist_problems(app, tmp_path):
    (tmp_path / "duplicate-question-id.yaml").write_text(
        (FIXTURES / "checklists" / "duplicate-question-id.yaml").read_text()
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
