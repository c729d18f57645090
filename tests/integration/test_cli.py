"""The flask commands: users create, demo, content check."""

from sqlalchemy import func, select

from app.models import School, Trust, User, db


def test_users_create_makes_the_school_and_prints_the_id(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--school",
            "Hill Top Primary",
            "--email",
            "Head@HillTop.example",
            "--name",
            "Hana Head",
            "--role",
            "school_admin",
            "--role",
            "dpo",
            "--password-stdin",
        ],
        input="sunlit-harbour-cobble-88\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.execute(select(User).where(User.email == "head@hilltop.example")).scalar_one()
    assert result.output.strip() == str(user.id)
    assert user.roles == {"school_admin", "dpo"} and user.school.name == "Hill Top Primary"


def test_users_create_refuses_a_weak_password(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--school",
            "S",
            "--email",
            "a@s.example",
            "--name",
            "A B",
            "--role",
            "teacher",
            "--password-stdin",
        ],
        input="password\n",
    )
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    assert db.session.execute(select(func.count()).select_from(User)).scalar_one() == 0


def test_users_create_help_comes_from_the_docstring(runner):
    result = runner.invoke(args=["users", "create", "--help"])
    assert "prints the new user id" in result.output


def test_demo_is_idempotent_and_prints_sign_in_details(runner):
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "teacher@oakfield.example" in first.output
    assert "Password for every demo account" in first.output
    counts = (
        db.session.execute(select(func.count()).select_from(User)).scalar_one(),
        db.session.execute(select(func.count()).select_from(School)).scalar_one(),
        db.session.execute(select(func.count()).select_from(Trust)).scalar_one(),
    )
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert counts == (
        db.session.execute(select(func.count()).select_from(User)).scalar_one(),
        db.session.execute(select(func.count()).select_from(School)).scalar_one(),
        db.session.execute(select(func.count()).select_from(Trust)).scalar_one(),
    )
    assert counts[1:] == (2, 1)
    roles = set().union(*(user.roles for user in db.session.execute(select(User)).scalars()))
    assert roles == {"teacher", "business_manager", "dpo", "school_admin", "trust_admin"}


def test_content_check_passes_on_an_empty_tree(app, tmp_path):
    (tmp_path / "modules").mkdir()
    (tmp_path / "checklists").mkdir()
    saved = app.config["MODULES_DIR"], app.config["CHECKLISTS_DIR"]
    app.config["MODULES_DIR"], app.config["CHECKLISTS_DIR"] = (
        tmp_path / "modules",
        tmp_path / "checklists",
    )
    try:
        result = app.test_cli_runner().invoke(args=["content", "check"])
    finally:
        app.config["MODULES_DIR"], app.config["CHECKLISTS_DIR"] = saved
    assert result.exit_code == 0, result.output
    assert "Content is valid" in result.output


def test_content_check_passes_on_the_real_content(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert (
        "Translated: module why-data-protection-matters (cy, draft); "
        "checklist quick-edtech-check (cy, draft)." in result.output
    )


def test_content_check_reports_a_welsh_file_whose_ids_differ(app, runner, tmp_path):
    import shutil

    modules = tmp_path / "modules"
    shutil.copytree(app.config["MODULES_DIR"] / "why-data-protection-matters",
                    modules / "why-data-protection-matters")  # fmt: skip
    quiz = modules / "why-data-protection-matters" / "quiz.cy.yaml"
    quiz.write_text(quiz.read_text().replace("- id: duaa-effect", "- id: duaa"), encoding="utf-8")
    saved = app.config["MODULES_DIR"]
    app.config["MODULES_DIR"] = modules
    try:
        result = runner.invoke(args=["content", "check"])
    finally:
        app.config["MODULES_DIR"] = saved
    assert result.exit_code == 1
    assert (
        "modules/why-data-protection-matters/quiz.cy.yaml: questions: question ids do not match "
        "the English file (missing duaa-effect; not in English: duaa)" in result.output
    )
