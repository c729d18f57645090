"""The checklist validator: every real checklist loads, and each invalid fixture in
tests/fixtures/checklists/ (one broken rule per file) is reported at the right key path."""

import re
from pathlib import Path

import pytest

from app.content.checklists import load_checklist_file, load_checklists
from app.content.expressions import Condition, evaluate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "checklists"
INVALID = sorted(p for p in FIXTURES.glob("*.yaml") if p.stem != "valid-minimal")
EXPECT = re.compile(r"^# Invalid on purpose\. expect: (?P<path>\S+): (?P<message>.+)$")


def test_shipped_checklists_are_valid():
    checklists, problems = load_checklists(ROOT / "checklists")
    assert [str(problem) for problem in problems] == []
    assert "quick-edtech-check" in checklists


def test_quick_checklist_meets_the_issue_shape():
    checklist = load_checklists(ROOT / "checklists")[0]["quick-edtech-check"]
    questions = list(checklist.questions.values())
    assert 15 <= len(questions) <= 25
    assert len(checklist.sections) >= 4
    assert checklist.profile
    assert any(q.knockout for q in questions)
    assert any(q.cap for q in questions)
    assert any(s.applies_if for s in checklist.sections)


def test_valid_fixture_loads():
    checklist, problems = load_checklist_file(FIXTURES / "valid-minimal.yaml", FIXTURES)
    assert problems == []
    assert checklist.questions["Q01"].knockout.when == ("no",)


def test_there_is_a_fixture_for_many_rules():
    assert len(INVALID) >= 30


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_is_reported_at_its_key_path(path):
    match = EXPECT.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path.name} must start with '# Invalid on purpose. expect: key.path: message'"
    checklist, problems = load_checklist_file(path, FIXTURES)
    assert checklist is None
    rendered = [str(problem) for problem in problems]
    expected_prefix = f"checklists/{path.name}: {match['path']}: "
    assert any(
        line.startswith(expected_prefix) and match["message"] in line for line in rendered
    ), f"expected '{match['path']}: ...{match['message']}...' in {rendered}"


# Values are taken as written (strict, like modules): each of these was silently accepted before.
STRICT_REJECTIONS = {
    "weight-quoted": "sections.0.questions.1.weight: must be a number, not a quoted string",
    "credit-quoted": "scales.yes_good.options.0.credit: must be a number, not a quoted string",
    "allow-na-quoted": "sections.1.questions.0.allow_na: must be true or false, not a quoted "
    "string",
    "duplicate-yaml-key": "(file): not valid YAML at line 54: duplicate key 'weight' (first at "
    "line 53)",
    "section-id-not-kebab": "sections.0.id: must be a kebab-case slug: lower-case letters, digits "
    "and single hyphens",
}


@pytest.mark.parametrize("name", sorted(STRICT_REJECTIONS))
def test_strict_rejection_is_the_one_problem_reported(name):
    checklist, problems = load_checklist_file(FIXTURES / f"{name}.yaml", FIXTURES)
    assert checklist is None
    assert [str(problem) for problem in problems] == [
        f"checklists/{name}.yaml: {STRICT_REJECTIONS[name]}"
    ]


def test_strict_problems_are_all_reported_together(tmp_path):
    text = (FIXTURES / "valid-minimal.yaml").read_text()
    text = text.replace("    weight: 2\n    options:", '    weight: "2"\n    options:')
    text = text.replace("allow_na: true", 'allow_na: "yes"').replace("label: Green", "label: 5")
    path = tmp_path / "valid-minimal.yaml"
    path.write_text(text)
    _, problems = load_checklist_file(path, tmp_path)
    assert [f"{p.key_path}: {p.message}" for p in problems] == [
        "sections.0.questions.1.weight: must be a number, not a quoted string",
        "sections.1.questions.0.allow_na: must be true or false, not a quoted string",
        "rating.bands.0.label: must be text, not a number (quote it to keep it as text)",
    ]


def test_a_definition_stored_as_json_validates_again():
    # Assessments keep the checklist they were started on as JSON and re-validate it later.
    import json

    from app.services.procurement.assessments import checklist_definition

    for checklist in load_checklists(ROOT / "checklists")[0].values():
        stored = json.loads(json.dumps(checklist_definition(checklist)))
        again = type(checklist).model_validate(stored)
        assert again == checklist and again.content_hash == checklist.content_hash


def test_the_pure_python_loader_is_the_fallback_and_refuses_duplicates_too(monkeypatch):
    import importlib

    import yaml

    from app.content import yaml_loading

    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    try:
        importlib.reload(yaml_loading)
        assert yaml_loading.UniqueKeyLoader.__bases__ == (yaml.SafeLoader,)
        _, problems = load_checklist_file(FIXTURES / "duplicate-yaml-key.yaml", FIXTURES)
        assert [p.message for p in problems] == [
            "not valid YAML at line 54: duplicate key 'weight' (first at line 53)"
        ]
    finally:
        monkeypatch.undo()
        importlib.reload(yaml_loading)
    fast = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    assert yaml_loading.UniqueKeyLoader.__bases__ == (fast,)


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    text = (FIXTURES / "valid-minimal.yaml").read_text()
    text = text.replace("weight: 3\n", "weight: 9\n").replace("title: Contract", "title: ''")
    path = tmp_path / "valid-minimal.yaml"
    path.write_text(text)
    _, problems = load_checklist_file(path, tmp_path)
    assert len(problems) >= 3


def test_id_must_match_file_name(tmp_path):
    path = tmp_path / "other-name.yaml"
    path.write_text((FIXTURES / "valid-minimal.yaml").read_text())
    _, problems = load_checklist_file(path, tmp_path)
    assert [p.key_path for p in problems] == ["id"]


def test_broken_yaml_is_one_clear_problem(tmp_path):
    (tmp_path / "broken.yaml").write_text("id: [unclosed\n")
    checklists, problems = load_checklists(tmp_path)
    assert checklists == {}
    assert problems[0].key_path == "(file)" and "not valid YAML" in problems[0].message


@pytest.mark.parametrize(
    ("gate", "profile", "expected"),
    [
        ({"question": "P01", "equals": "yes"}, {"P01": "yes"}, True),
        ({"question": "P01", "equals": "yes"}, {}, False),
        ({"question": "P02", "includes": "a"}, {"P02": ["a", "b"]}, True),
        ({"question": "P02", "includes_any": ["c", "b"]}, {"P02": ["a", "b"]}, True),
        ({"question": "P02", "includes_any": ["c"]}, {"P02": ["a"]}, False),
        (
            {"all": [{"question": "P01", "equals": "yes"}, {"question": "P02", "includes": "a"}]},
            {"P01": "yes", "P02": ["a"]},
            True,
        ),
        (
            {"any": [{"question": "P01", "equals": "yes"}, {"question": "P02", "includes": "a"}]},
            {"P01": "no", "P02": []},
            False,
        ),
        ({"not": {"question": "P01", "equals": "yes"}}, {}, True),
    ],
)
def test_gates_evaluate_as_data(gate, profile, expected):
    assert evaluate(Condition.model_validate(gate), profile) is expected
