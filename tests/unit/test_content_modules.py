"""The module loader: the real modules/ pass, and each invalid fixture (one per rule, under
tests/fixtures/modules/invalid/<rule>/) produces its own specific `file: key.path: message`."""

from pathlib import Path

import pytest

from app.content.markdown import render_markdown
from app.content.modules import CheckOpens, load_modules

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "modules"
INVALID = FIXTURES / "invalid"
M = "handling-pupil-data/module.yaml"
Q = "handling-pupil-data/quiz.yaml"
L1 = "handling-pupil-data/lessons/01-what-is-personal-data.md"

EXPECTED = {
    "unknown-key": f"{M}: colour: unknown key (not allowed here)",
    "check-opens-unknown-value": f"{M}: check_opens: Input should be 'after-lessons' or 'any-time'",
    "id-not-folder-name": f"{M}: id: must match the folder name 'handling-pupil-data'",
    "unquoted-version": f'{M}: version: must be a quoted string like "1.0.0"',
    # Versions and option ids follow the patterns checklists use (app/content/base.py).
    "version-leading-zero": f'{M}: version: must be a version like "1.0.0" (MAJOR.MINOR.PATCH, '
    "no leading zeros)",
    "option-id-leading-underscore": f"{Q}: questions.1.options.0.id: must be lower-case letters, "
    "digits, _ and -, starting with a letter or digit",
    "pass-mark-out-of-range": f"{M}: pass_mark: Input should be less than or equal to 100",
    "pass-mark-zero": f"{M}: pass_mark: Input should be greater than or equal to 1",
    "bank-too-small": f"{M}: questions_per_attempt: draws 4 questions but quiz.yaml holds only 3",
    "missing-lesson-file": f"{M}: lessons.1: lesson file lessons/02-sharing-safely.md does "
    "not exist",
    "unlisted-lesson-file": "handling-pupil-data/lessons/02-sharing-safely.md: (file): lesson is "
    "not listed in module.yaml 'lessons'",
    "lesson-listed-twice": f"{M}: lessons.2: lesson '02-sharing-safely' is listed twice",
    "lesson-without-sources": f"{L1}: sources: must have at least 1 item",
    "source-not-https": f"{L1}: sources.0.url: must be a full https:// address",
    "missing-front-matter": f"{L1}: (front matter): missing: start the file with a '---' line",
    "unknown-callout": f"{L1}: (body): line 14: unknown callout '::: keypoint'",
    "missing-quiz": f"{Q}: (file): missing: every module needs a quiz.yaml question bank",
    "invalid-yaml": f"{Q}: (file): not valid YAML at line 21",
    "duplicate-yaml-key": f"{M}: (file): not valid YAML at line 14: duplicate key 'cpd_minutes' "
    "(first at line 13)",
    "duplicate-question-id": f"{Q}: questions.2.id: question id 'name-not-needed' is used more "
    "than once",
    "duplicate-option-id": f"{Q}: questions.1.options: option id 'a' is used more than once",
    "multiple-without-correct-option": f"{Q}: questions.1.options: a multiple question needs at "
    "least one correct option",
    "single-with-two-correct-options": f"{Q}: questions.2.options: a single question needs "
    "exactly one correct option (found 2)",
    "true-false-option-ids": f"{Q}: questions.0.options: a true_false question has exactly two "
    "options, ids 'true' and 'false'",
    "question-without-source": f"{Q}: questions.2.source: required: add this key",
    "question-without-explanation": f"{Q}: questions.0.explanation: required: add this key",
    "option-without-feedback": f"{Q}: questions.1.options.0.feedback: required: add this key",
}


def test_the_real_modules_are_valid():
    modules, problems = load_modules(ROOT / "modules")
    assert [str(problem) for problem in problems] == []
    assert modules, "modules/ holds no module"
    orders = [module.order for module in modules.values()]
    assert orders == sorted(orders)


def test_the_journey_fixture_is_valid_and_frozen():
    modules, problems = load_modules(FIXTURES / "journey")
    assert problems == []
    module = modules["handling-pupil-data"]
    assert [lesson.slug for lesson in module.lessons] == [
        "01-what-is-personal-data",
        "02-sharing-safely",
    ]
    assert module.lesson("02-sharing-safely").number == 2
    assert module.neighbours(module.lessons[0]) == (None, module.lessons[1])
    assert module.questions[0].correct_ids == {"false"}
    with pytest.raises(AttributeError):
        module.title = "Changed"  # type: ignore[misc]


def test_every_rule_has_a_fixture():
    assert sorted(path.name for path in INVALID.iterdir()) == sorted(EXPECTED)


@pytest.mark.parametrize("rule", sorted(EXPECTED))
def test_each_invalid_fixture_reports_its_specific_problem(rule):
    root = INVALID / rule
    modules, problems = load_modules(root)
    assert modules == {}
    messages = [str(problem).removeprefix(f"{rule}/") for problem in problems]
    assert len(messages) == 1, messages
    assert messages[0].startswith(EXPECTED[rule]), messages


def test_problems_from_several_modules_are_collected_together(tmp_path):
    import shutil

    for rule in ("unknown-key", "missing-quiz"):
        shutil.copytree(INVALID / rule / "handling-pupil-data", tmp_path / "m" / f"x-{rule}")
    modules, problems = load_modules(tmp_path / "m")
    assert modules == {}
    files = {problem.file.split("/")[1] for problem in problems}
    assert files == {"x-unknown-key", "x-missing-quiz"}


def test_a_missing_modules_folder_is_a_problem(tmp_path):
    modules, problems = load_modules(tmp_path / "nowhere")
    assert modules == {}
    assert "modules folder does not exist" in str(problems[0])


def test_the_check_opens_after_the_lessons_unless_the_module_says_any_time(tmp_path):
    import shutil

    modules, _ = load_modules(FIXTURES / "journey")
    assert modules["handling-pupil-data"].check_opens == CheckOpens.AFTER_LESSONS
    copy = tmp_path / "handling-pupil-data"
    shutil.copytree(FIXTURES / "journey" / "handling-pupil-data", copy)
    meta = copy / "module.yaml"
    meta.write_text(meta.read_text() + "check_opens: any-time\n")
    modules, problems = load_modules(tmp_path)
    assert problems == []
    assert modules["handling-pupil-data"].check_opens == CheckOpens.ANY_TIME


def test_lesson_html_is_rendered_at_load_with_callouts_and_tables():
    modules, _ = load_modules(FIXTURES / "journey")
    html = modules["handling-pupil-data"].lessons[0].html
    assert '<h2 class="govuk-heading-m">Examples in school</h2>' in html
    assert '<table class="govuk-table app-table-stack">' in html
    assert '<th class="govuk-table__header" scope="col">Record</th>' in html
    # Each body cell names its column, so a phone can stack the table row by row.
    assert '<td data-label="Personal data?" class="govuk-table__cell">Yes</td>' in html
    assert 'class="app-callout app-callout--key-point"' in html
    assert "<strong>Key point</strong>" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        "[click](javascript:alert(1))",
        '<a href="https://x.test" onclick="alert(1)">x</a>',
        "<style>body{display:none}</style>",
        '<iframe src="https://evil.test"></iframe>',
    ],
)
def test_no_raw_html_or_script_survives(source):
    from html.parser import HTMLParser

    found: list[tuple[str, list]] = []

    class Collector(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, attrs))

    Collector().feed(render_markdown(source))
    tags = {tag for tag, _ in found}
    assert tags <= {"p", "a"}, tags
    for _, attrs in found:
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").startswith("javascript")


def test_table_alignment_does_not_become_an_inline_style():
    html = render_markdown("| a | b |\n|:--|--:|\n| 1 | 2 |\n")
    assert "style=" not in html


def test_links_are_marked_up_and_safe():
    html = render_markdown("See [the ICO](https://ico.org.uk/).")
    assert 'href="https://ico.org.uk/"' in html
    assert 'class="govuk-link"' in html
    assert 'rel="noopener noreferrer"' in html


def _journey_copy(tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(FIXTURES / "journey", tmp_path / "modules")
    return tmp_path / "modules" / "handling-pupil-data"


def test_front_matter_problems_give_the_line_in_the_lesson_file(tmp_path):
    lesson = _journey_copy(tmp_path) / "lessons" / "01-what-is-personal-data.md"
    text = lesson.read_text(encoding="utf-8")
    lesson.write_text(text.replace("minutes: 4\n", "minutes: 4\nminutes: 5\n", 1), encoding="utf-8")
    _, problems = load_modules(tmp_path / "modules")
    assert [str(problem) for problem in problems] == [
        f"modules/{L1}: (file): not valid YAML at line 4: duplicate key 'minutes' (first at line 3)"
    ]


def test_a_module_file_that_is_not_utf8_is_a_problem_not_a_crash(tmp_path):
    folder = _journey_copy(tmp_path)
    (folder / "quiz.yaml").write_bytes("questions: []\n# caf\u00e9\n".encode("latin-1"))
    _, problems = load_modules(tmp_path / "modules")
    assert [str(problem) for problem in problems] == [f"modules/{Q}: (file): is not UTF-8 text"]
