"""The training syllabus rules (issue: ten accurate modules, since extended), on the real files.

Read straight from modules/ with PyYAML so these rules hold whatever the loader does.
"""

import re
from pathlib import Path

import pytest
import yaml

MODULES_DIR = Path(__file__).resolve().parents[2] / "modules"
MODULE_DIRS = sorted(path for path in MODULES_DIR.iterdir() if (path / "module.yaml").exists())
FIVE_ASKS = {
    "children-digital-rights",
    "edtech-procurement",
    "national-data-collections",
    "opt-out-and-objection",
    "data-protection-training",
}
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n(.*)\Z", re.S)
# A semantic version, MAJOR.MINOR.PATCH with no leading zeros (corrections bump MINOR or PATCH),
# written quoted in module.yaml: PyYAML reads an unquoted 1.0.0 as a string, so check the raw line.
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
QUOTED_VERSION_LINE = re.compile(r"""^version: (["'])(?P<version>[^"']+)\1[ \t]*(#.*)?$""", re.M)
MIN_MODULES, MAX_MODULES = 11, 18


def _module(path: Path) -> dict:
    return yaml.safe_load((path / "module.yaml").read_text(encoding="utf-8"))


def _lesson(path: Path) -> tuple[dict, str]:
    match = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    assert match, f"{path}: no front matter"
    return yaml.safe_load(match.group(1)), match.group(2)


def _questions(path: Path) -> list[dict]:
    return yaml.safe_load((path / "quiz.yaml").read_text(encoding="utf-8"))["questions"]


def test_there_are_eleven_to_eighteen_modules_in_order():
    assert MIN_MODULES <= len(MODULE_DIRS) <= MAX_MODULES, len(MODULE_DIRS)
    orders = sorted(_module(path)["order"] for path in MODULE_DIRS)
    assert orders == list(range(1, len(MODULE_DIRS) + 1))


def test_the_syllabus_covers_the_five_asks():
    tags = set().union(*(set(_module(path)["tags"]) for path in MODULE_DIRS))
    assert tags >= FIVE_ASKS, FIVE_ASKS - tags


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda path: path.name)
def test_module_shape(module_dir):
    module = _module(module_dir)
    version = module["version"]
    assert isinstance(version, str) and SEMVER.fullmatch(version), version
    quoted = QUOTED_VERSION_LINE.search((module_dir / "module.yaml").read_text(encoding="utf-8"))
    assert quoted and quoted["version"] == version, f"{module_dir.name}: version must be quoted"
    assert 4 <= len(module["lessons"]) <= 7
    assert module["questions_per_attempt"] == 8
    assert len(_questions(module_dir)) >= 12


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda path: path.name)
def test_every_lesson_has_sources_callouts_and_a_sensible_length(module_dir):
    for slug in _module(module_dir)["lessons"]:
        front, body = _lesson(module_dir / "lessons" / f"{slug}.md")
        where = f"{module_dir.name}/{slug}"
        assert front["sources"], where
        for source in front["sources"]:
            assert source["title"].strip() and source["url"].startswith("https://"), where
        assert "::: key-point" in body, f"{where}: no Key point"
        assert "::: in-your-school" in body, f"{where}: no In your school prompt"
        words = len(re.findall(r"\w+", body))
        assert 300 <= words <= 900, f"{where}: {words} words"


@pytest.mark.parametrize("module_dir", MODULE_DIRS, ids=lambda path: path.name)
def test_every_question_explains_itself_and_cites_a_source(module_dir):
    for question in _questions(module_dir):
        where = f"{module_dir.name}:{question['id']}"
        assert question["explanation"].strip(), where
        assert question["source"]["title"].strip(), where
        assert question["source"]["url"].startswith("https://"), where
        texts = " ".join(option["text"].lower() for option in question["options"])
        assert "all of the above" not in texts and "none of the above" not in texts, where
        assert all(option["feedback"].strip() for option in question["options"]), where


def test_sources_file_lists_every_lesson_source():
    listed = (MODULES_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for module_dir in MODULE_DIRS:
        for slug in _module(module_dir)["lessons"]:
            front, _ = _lesson(module_dir / "lessons" / f"{slug}.md")
            for source in front["sources"]:
                assert source["url"] in listed, f"{module_dir.name}/{slug}: {source['url']}"
