"""Procurement checklist schemas (pydantic, strict) and the loader for `checklists/<id>.yaml`.

Validation happens in two passes so that every problem is reported at once:
1. pydantic checks the shape of the file (types, ranges, unknown keys);
2. `cross_check` checks what pydantic cannot see locally: ids unique across the file, scales and
   profile questions that exist, gate values that are real options, bands that exist, and so on.
The format contract is documented field by field in checklists/README.md.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator

from app.content.base import KEBAB, OPTION_ID, QUESTION_CODE, SEMVER, Items, StrictModel, validate
from app.content.expressions import Condition
from app.content.problems import ContentProblem, display_path
from app.content.translations import is_translation
from app.content.yaml_loading import load_yaml_file

UNKNOWN = "unknown"
NOT_APPLICABLE = "na"
RESERVED_VALUES = {UNKNOWN, NOT_APPLICABLE}
SCORED_TYPES = {"scale", "choice", "multi_choice"}
PROFILE_YES_NO = ("yes", "no")


def _iso_date(value: object) -> str:
    # Unquoted, YAML reads 2026-11-29 as a date object; the files keep dates as quoted text.
    if not isinstance(value, str):
        raise ValueError('must be a quoted ISO date such as "2026-11-29"')
    try:
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f'{value!r} is not a real date such as "2026-11-29"') from None
    return value


class ChangelogEntry(StrictModel):
    version: str = Field(pattern=SEMVER)
    date: str
    changes: str = Field(min_length=1)

    _date = field_validator("date", mode="before")(_iso_date)


class Option(StrictModel):
    """An answer option. `credit` is used by scored questions; profile options leave it out."""

    value: str = Field(pattern=OPTION_ID)
    label: str = Field(min_length=1)
    credit: float | None = Field(default=None, ge=0, le=1)

    @field_validator("credit")
    @classmethod
    def _whole_half_or_none(cls, credit: float | None) -> float | None:
        # Full, half or no credit keeps every score explainable in one sentence.
        if credit is not None and credit not in (0, 0.5, 1):
            raise ValueError("credit must be 1, 0.5 or 0")
        return credit


class Scale(StrictModel):
    options: Items[Option] = Field(min_length=2)


class ProfileQuestion(StrictModel):
    id: str = Field(pattern=QUESTION_CODE)
    text: str = Field(min_length=1)
    help: str = ""
    type: Literal["choice", "multi_choice", "yes_no", "text"]
    options: Items[Option] = ()

    @property
    def choices(self) -> tuple[Option, ...]:
        if self.type == "yes_no":
            return (Option(value="yes", label="Yes"), Option(value="no", label="No"))
        return self.options


class Reference(StrictModel):
    scheme: str = Field(min_length=1)
    clause: str = Field(min_length=1)

    def __str__(self) -> str:
        return f"{self.scheme} {self.clause}"


class Knockout(StrictModel):
    when: Items[str] = Field(min_length=1)
    reason: str = Field(min_length=1)


class Cap(StrictModel):
    when: Items[str] = Field(min_length=1)
    band: str
    reason: str = Field(min_length=1)


class Question(StrictModel):
    id: str = Field(pattern=QUESTION_CODE)
    text: str = Field(min_length=1)
    help: str = ""
    type: Literal["scale", "choice", "multi_choice", "text", "url"]
    scale: str | None = None
    options: Items[Option] = ()
    weight: int = Field(ge=0, le=3)
    allow_na: bool = False
    evidence_required: bool = False
    knockout: Knockout | None = None
    cap: Cap | None = None
    applies_if: Condition | None = None
    references: Items[Reference] = ()
    remediation: str = ""

    @property
    def scored(self) -> bool:
        return self.type in SCORED_TYPES and self.weight > 0


class Section(StrictModel):
    id: str = Field(pattern=KEBAB)
    title: str = Field(min_length=1)
    intro: str = ""
    weight: int = Field(ge=1, le=3)
    applies_if: Condition | None = None
    questions: Items[Question] = Field(min_length=1)


class Band(StrictModel):
    id: str = Field(pattern=KEBAB)
    label: str = Field(min_length=1)
    min_score: float = Field(ge=0, le=100)


class RiskTier(StrictModel):
    id: str = Field(pattern=KEBAB)
    label: str = Field(min_length=1)
    when: Condition | None = None
    min_scores: dict[str, float] = Field(default_factory=dict)
    min_evidence_coverage: float | None = Field(default=None, ge=0, le=100)

    @field_validator("min_scores")
    @classmethod
    def _scores_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        for band, score in value.items():
            if not 0 <= score <= 100:
                raise ValueError(f"min score for {band} must be between 0 and 100")
        return value


class Rating(StrictModel):
    bands: Items[Band] = Field(min_length=2)
    section_floor: float | None = Field(default=None, ge=0, le=100)
    risk_tiers: Items[RiskTier] = Field(min_length=1)


class CoverageNote(StrictModel):
    scheme: str = Field(min_length=1)
    clause: str = Field(min_length=1)
    status: Literal["not_applicable", "covered_elsewhere", "partly_covered"]
    reason: str = Field(min_length=1)


class Checklist(StrictModel):
    id: str = Field(pattern=KEBAB)
    version: str = Field(pattern=SEMVER)
    title: str = Field(min_length=1)
    published: str
    changelog: Items[ChangelogEntry] = Field(min_length=1)
    scales: dict[str, Scale] = Field(default_factory=dict)
    profile: Items[ProfileQuestion] = ()
    sections: Items[Section] = Field(min_length=1)
    rating: Rating
    coverage_notes: Items[CoverageNote] = ()

    _published = field_validator("published", mode="before")(_iso_date)

    # Lookups used by the engine and the pages (computed once; the model is frozen).
    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for section in self.sections for q in section.questions}

    @cached_property
    def section_of(self) -> dict[str, Section]:
        return {q.id: section for section in self.sections for q in section.questions}

    @cached_property
    def sections_by_id(self) -> dict[str, Section]:
        return {section.id: section for section in self.sections}

    @cached_property
    def profile_by_id(self) -> dict[str, ProfileQuestion]:
        return {question.id: question for question in self.profile}

    def options_for(self, question: Question) -> tuple[Option, ...]:
        """The answer options of a scored question (its scale's, or its own)."""
        if question.type == "scale":
            return self.scales[question.scale or ""].options
        return question.options

    def band(self, band_id: str) -> Band:
        return next(band for band in self.rating.bands if band.id == band_id)

    @property
    def label(self) -> str:
        return f"{self.title} (version {self.version})"

    @cached_property
    def content_hash(self) -> str:
        """SHA-256 of the checklist's canonical JSON: part of every result's input hash."""
        canonical = json.dumps(
            self.model_dump(mode="json", by_alias=True, exclude_none=True),
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


# --- second pass: rules that span the file -------------------------------------------------


def cross_check(checklist: Checklist) -> list[tuple[str, str]]:
    """Every cross-field problem as (key path, message)."""
    problems: list[tuple[str, str]] = []
    add = lambda path, message: problems.append((path, message))  # noqa: E731

    if checklist.version not in {entry.version for entry in checklist.changelog}:
        add("changelog", f"has no entry for the current version {checklist.version}")
    for name, scale in checklist.scales.items():
        _check_options(f"scales.{name}.options", scale.options, add, scored=True)

    seen_ids: dict[str, str] = {}
    for index, profile_question in enumerate(checklist.profile):
        path = f"profile.{index}"
        _check_unique_id(profile_question.id, path, seen_ids, add)
        if profile_question.type in ("choice", "multi_choice"):
            if len(profile_question.options) < 2:
                add(
                    f"{path}.options",
                    f"a {profile_question.type} profile question needs at least 2 options",
                )
            _check_options(f"{path}.options", profile_question.options, add, scored=False)
        elif profile_question.options:
            add(f"{path}.options", f"a {profile_question.type} profile question takes no options")

    profile = {q.id: q for q in checklist.profile}
    section_ids: set[str] = set()
    for s_index, section in enumerate(checklist.sections):
        path = f"sections.{s_index}"
        if section.id in section_ids:
            add(f"{path}.id", f"duplicate section id {section.id!r}")
        section_ids.add(section.id)
        _check_condition(section.applies_if, f"{path}.applies_if", profile, add)
        if not any(question.scored for question in section.questions):
            add(f"{path}.questions", "a section needs at least one scored question (weight 1-3)")
        for q_index, question in enumerate(section.questions):
            q_path = f"{path}.questions.{q_index}"
            _check_unique_id(question.id, q_path, seen_ids, add)
            _check_question(checklist, question, q_path, profile, add)

    _check_rating(checklist, profile, add)
    return problems


def _check_unique_id(question_id: str, path: str, seen: dict[str, str], add) -> None:
    if question_id in seen:
        add(f"{path}.id", f"duplicate question id {question_id!r} (also at {seen[question_id]})")
    else:
        seen[question_id] = path


def _check_options(path: str, options: tuple[Option, ...], add, *, scored: bool) -> None:
    values = [option.value for option in options]
    for index, option in enumerate(options):
        if option.value in RESERVED_VALUES:
            add(f"{path}.{index}.value", f"{option.value!r} is reserved (offered automatically)")
        if values.count(option.value) > 1 and values.index(option.value) != index:
            add(f"{path}.{index}.value", f"duplicate option value {option.value!r}")
        if scored and option.credit is None:
            add(f"{path}.{index}.credit", "a scored option needs a credit between 0 and 1")
        if not scored and option.credit is not None:
            add(f"{path}.{index}.credit", "profile options are not scored: remove credit")


def _check_question(checklist: Checklist, question: Question, path: str, profile, add) -> None:
    _check_condition(question.applies_if, f"{path}.applies_if", profile, add)
    if question.type in ("text", "url"):
        if question.weight != 0:
            add(f"{path}.weight", f"a {question.type} question is not scored: weight must be 0")
        for key in ("scale", "knockout", "cap"):
            if getattr(question, key):
                add(f"{path}.{key}", f"a {question.type} question cannot have {key}")
        if question.options:
            add(f"{path}.options", f"a {question.type} question takes no options")
        if question.allow_na:
            add(f"{path}.allow_na", "text and URL questions can simply be left blank")
        return
    if question.weight == 0:
        add(f"{path}.weight", "a scored question needs weight 1, 2 or 3")
    if not question.remediation.strip():
        add(f"{path}.remediation", "a scored question needs the remediation to suggest")
    if not question.references:
        add(f"{path}.references", "a scored question needs at least one reference")
    if question.type == "scale":
        if question.options:
            add(f"{path}.options", "a scale question takes its options from `scale`")
        if question.scale not in checklist.scales:
            add(f"{path}.scale", f"unknown scale {question.scale!r}")
            return
        options = checklist.scales[question.scale].options
    else:
        if question.scale:
            add(f"{path}.scale", f"a {question.type} question lists its own options, not a scale")
        if len(question.options) < 2:
            add(f"{path}.options", f"a {question.type} question needs at least 2 options")
            return
        _check_options(f"{path}.options", question.options, add, scored=True)
        options = question.options
    _check_rules(checklist, question, options, path, add)


def _check_rules(checklist, question: Question, options, path: str, add) -> None:
    values = {option.value for option in options}
    credit = {option.value: option.credit or 0 for option in options}
    band_ids = [band.id for band in checklist.rating.bands]
    blocked: set[str] = set()
    for key in ("knockout", "cap"):
        rule = getattr(question, key)
        if rule is None:
            continue
        for index, value in enumerate(rule.when):
            if value == NOT_APPLICABLE:
                add(f"{path}.{key}.when.{index}", "N/A cannot trigger a rule")
            elif value != UNKNOWN and value not in values:
                add(f"{path}.{key}.when.{index}", f"{value!r} is not an answer to this question")
            elif value != UNKNOWN and credit[value] >= 1:
                add(
                    f"{path}.{key}.when.{index}",
                    f"{value!r} earns full credit: it cannot trigger {key}",
                )
            blocked.add(value)
    if question.cap is not None and question.cap.band not in band_ids:
        add(
            f"{path}.cap.band", f"unknown band {question.cap.band!r} (bands: {', '.join(band_ids)})"
        )
    if question.cap is not None and band_ids and question.cap.band == band_ids[0]:
        add(f"{path}.cap.band", "a cap to the top band changes nothing")
    if question.knockout is not None and question.allow_na:
        add(f"{path}.allow_na", "a knock-out question cannot allow N/A (gate it with applies_if)")
    preferred = [o for o in options if (o.credit or 0) > 0 and o.value not in blocked]
    if question.type == "multi_choice":
        if sum(o.credit or 0 for o in preferred) < 1:
            add(f"{path}.options", "no combination of options earns full credit")
    elif not any((o.credit or 0) >= 1 for o in preferred):
        add(f"{path}.options", "no answer earns full credit (credit 1)")


def _check_condition(condition: Condition | None, path: str, profile, add) -> None:
    if condition is None:
        return
    for question_id, form, values in condition.tests():
        target = profile.get(question_id)
        if target is None:
            add(path, f"{question_id!r} is not a profile question")
            continue
        if target.type == "text":
            add(path, f"{question_id} is a text question: gates need a choice or yes/no question")
            continue
        if form != "equals" and target.type != "multi_choice":
            add(path, f"`{form}` needs a multi-choice question; use `equals` for {question_id}")
        allowed = {option.value for option in target.choices}
        for value in values:
            if value not in allowed:
                add(path, f"{value!r} is not an option of {question_id}")


def _check_rating(checklist: Checklist, profile, add) -> None:
    bands = checklist.rating.bands
    ids = [band.id for band in bands]
    for index, band in enumerate(bands):
        if ids.count(band.id) > 1 and ids.index(band.id) != index:
            add(f"rating.bands.{index}.id", f"duplicate band id {band.id!r}")
        if index and band.min_score >= bands[index - 1].min_score:
            add(f"rating.bands.{index}.min_score", "bands go best first, with falling min_score")
    if bands[-1].min_score != 0:
        add(f"rating.bands.{len(bands) - 1}.min_score", "the last band must start at 0")
    tiers = checklist.rating.risk_tiers
    for index, tier in enumerate(tiers):
        path = f"rating.risk_tiers.{index}"
        last = index == len(tiers) - 1
        if last and tier.when is not None:
            add(f"{path}.when", "the last risk tier is the default: it must have no `when`")
        if not last and tier.when is None:
            add(f"{path}.when", "only the last risk tier may leave out `when`")
        _check_condition(tier.when, f"{path}.when", profile, add)
        scores = [tier.min_scores.get(band.id, band.min_score) for band in bands]
        for band_id in tier.min_scores:
            if band_id not in ids:
                add(f"{path}.min_scores.{band_id}", f"unknown band {band_id!r}")
            elif band_id == ids[-1]:
                add(f"{path}.min_scores.{band_id}", "the bottom band always starts at 0")
        if any(later >= earlier for earlier, later in zip(scores, scores[1:], strict=False)):
            add(f"{path}.min_scores", "thresholds must fall from the best band to the worst")


# --- loading ---------------------------------------------------------------------------------


def parse_checklist(data: object, file: str) -> tuple[Checklist | None, list[ContentProblem]]:
    """Validate already-parsed YAML/JSON data; returns the checklist or every problem found."""
    checklist, problems = validate(Checklist, data, file)
    if checklist is None:
        return None, problems
    problems = [ContentProblem(file, path, message) for path, message in cross_check(checklist)]
    return (None if problems else checklist), problems


def load_checklist_file(path: Path, root: Path) -> tuple[Checklist | None, list[ContentProblem]]:
    file = display_path(path, root)
    data, problems = load_yaml_file(path, file)
    if data is None:
        return None, problems
    checklist, problems = parse_checklist(data, file)
    if checklist is not None and checklist.id != path.stem:
        return None, [ContentProblem(file, "id", f"must match the file name ({path.stem!r})")]
    return checklist, problems


def load_checklists(root: Path) -> tuple[dict, list[ContentProblem]]:
    """Load every `<id>.yaml` under `root`; returns (checklists by id, problems)."""
    checklists: dict[str, Checklist] = {}
    problems: list[ContentProblem] = []
    root = Path(root)
    if not root.is_dir():
        return checklists, problems
    for path in sorted(root.glob("*.y*ml")):
        if path.suffix not in (".yaml", ".yml") or is_translation(path):
            continue  # a translation (`<id>.cy.yaml`) is loaded with its English checklist
        if not re.match(KEBAB, path.stem):
            problems.append(
                ContentProblem(display_path(path, root), "(file)", "file name must be kebab-case")
            )
            continue
        checklist, file_problems = load_checklist_file(path, root)
        problems += file_problems
        if checklist is not None:
            checklists[checklist.id] = checklist
    return checklists, problems
